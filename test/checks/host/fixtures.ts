import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../../../src/nodeaccess/types.js';

const dir = join(import.meta.dirname, '..', '..', 'fixtures', 'host');

export interface Fixture extends RunResult {
  name: string;
  source: string;
  command: string;
}

/** A fixture file (see test/fixtures/host/README.md) as the RunResult a backend returns. */
export function fixture(name: string): Fixture {
  const text = readFileSync(join(dir, `${name}.txt`), 'utf8');
  const start = text.indexOf('--- stdout\n');
  if (start < 0) throw new Error(`fixture ${name}: no --- stdout line`);
  const meta = new Map(
    text
      .slice(0, start)
      .split('\n')
      .filter((l) => l.startsWith('#! '))
      .map((l) => {
        const [k = '', ...v] = l.slice(3).split(': ');
        return [k, v.join(': ')] as const;
      }),
  );
  const rest = text.slice(start + '--- stdout\n'.length);
  const cut = rest.startsWith('--- stderr\n') ? 0 : rest.indexOf('\n--- stderr\n') + 1;
  if (cut < 0 || !meta.has('source')) throw new Error(`fixture ${name}: needs a source line and a --- stderr line`);
  const exit = meta.get('exit');
  return {
    name,
    source: meta.get('source') ?? '',
    command: meta.get('command') ?? '',
    stdout: rest.slice(0, cut),
    stderr: rest.slice(cut + '--- stderr\n'.length),
    exitCode: exit === undefined || exit === 'null' ? null : Number(exit),
    durationMs: 12,
    timedOut: false,
    truncated: false,
  };
}

export function fixtureNames(): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => f.slice(0, -4));
}
