import { missingCommandMessage, runProcess } from './process.js';
import { NodeAccessError } from './types.js';
import type { NodeAccess } from './types.js';

export interface LocalAccessOptions {
  maxOutputBytes?: number;
  /** Extra environment for every command (e.g. DBUS_SYSTEM_BUS_ADDRESS in tests). */
  env?: Record<string, string>;
}

/**
 * `--node-access local`: plumbline runs on the node itself, so every node name
 * means this machine. Commands run through execa with an argv array, no shell.
 */
export function createLocalAccess(options: LocalAccessOptions = {}): NodeAccess {
  return {
    kind: 'local',
    async run(_node, argv, opts) {
      const r = await runProcess(argv, { ...opts, maxOutputBytes: options.maxOutputBytes, env: options.env });
      const missing = missingCommandMessage(argv, r);
      if (missing !== undefined && r.exitCode === 127) throw new NodeAccessError('command-missing', missing);
      return r;
    },
  };
}
