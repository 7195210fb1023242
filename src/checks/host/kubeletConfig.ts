import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult } from '../types.js';
import { clip, defineHostCheck, firstLine, nodeParam } from './define.js';
import { defaultKubeletConfigPath } from './kubeletService.js';

const outcomes = ['present', 'missing', 'unreadable', 'invalid'] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  node: nodeParam,
  path: z.string().min(1).default(defaultKubeletConfigPath),
});
type Params = z.infer<typeof params>;

/** Reading the file answers all three questions at once: is it there, can it be read, is it a KubeletConfiguration. */
export function kubeletConfigArgv(p: Params): string[] {
  return ['cat', '--', p.path];
}

export function parseKubeletConfig(r: RunResult, p: Params): CheckResult<Outcome> {
  const facts = { kubeletConfigPath: p.path };
  // Pasted output has cat's complaint in stdout; a real run has it in stderr.
  const complaint = r.stderr.trim() || (/^cat: /.test(r.stdout) ? r.stdout.trim() : '');
  const said = { label: 'cat', value: clip(firstLine(complaint)) };
  if (/No such file or directory/.test(complaint)) {
    return {
      outcome: 'missing',
      summary: `the kubelet config file ${p.path} does not exist: the kubelet cannot start without it (moved away instead of copied?)`,
      evidence: [said],
      facts,
    };
  }
  if (/Permission denied|Is a directory|Input\/output error|Operation not permitted/.test(complaint)) {
    return {
      outcome: 'unreadable',
      summary: `the kubelet config file ${p.path} cannot be read: ${clip(firstLine(complaint), 120)}`,
      evidence: [said],
      facts,
    };
  }
  if (r.stdout.trim() === '') {
    return {
      outcome: 'invalid',
      summary: `the kubelet config file ${p.path} is empty`,
      evidence: [{ label: 'size', value: '0 bytes' }],
      facts,
    };
  }
  const bytes = Buffer.byteLength(r.stdout);
  let doc: unknown;
  try {
    doc = parseYaml(r.stdout);
  } catch (err) {
    const msg = err instanceof Error ? firstLine(err.message) : String(err);
    return {
      outcome: 'invalid',
      summary: `the kubelet config file ${p.path} is not valid YAML: ${clip(msg, 140)}`,
      evidence: [{ label: 'YAML error', value: clip(msg) }],
      facts,
    };
  }
  const kind = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>).kind : undefined;
  const apiVersion = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>).apiVersion : undefined;
  const evidence = [
    { label: 'size', value: `${bytes} bytes${r.truncated ? ' (output cut)' : ''}` },
    {
      label: 'kind',
      value: `${typeof apiVersion === 'string' ? `${apiVersion} ` : ''}${typeof kind === 'string' ? kind : '(none)'}`,
    },
  ];
  if (kind !== 'KubeletConfiguration') {
    return {
      outcome: 'invalid',
      summary: `${p.path} is not a KubeletConfiguration (kind: ${typeof kind === 'string' ? kind : 'none'})`,
      evidence,
      facts,
    };
  }
  return {
    outcome: 'present',
    summary: `the kubelet config file ${p.path} is present and parses as a KubeletConfiguration`,
    evidence,
    facts: { ...facts, kubeletConfigBytes: bytes },
  };
}

export const kubeletConfig = defineHostCheck({
  id: 'host.kubelet-config',
  title: 'kubelet configuration file on the node',
  why: 'A kubelet whose --config file is missing or broken exits at once and systemd restarts it forever; a `mv` meant as a backup is enough to cause it.',
  params,
  outcomes,
  healthy: ['present'],
  facts: ['kubeletConfigPath', 'kubeletConfigBytes'],
  sets: { present: ['kubeletConfigPath'], missing: ['kubeletConfigPath'], invalid: ['kubeletConfigPath'] },
  argv: kubeletConfigArgv,
  parse: parseKubeletConfig,
});
