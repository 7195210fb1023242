import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/cli.js';

/** Every module `file` loads before running a line: its static imports, transitively. */
function staticGraph(file: string, seen = new Set<string>()): Set<string> {
  const code = readFileSync(file, 'utf8');
  for (const m of code.matchAll(/^import\s+(?:[^'";]*?\s+from\s+)?["']([^"']+)["'];?/gm)) {
    const spec = m[1] ?? '';
    if (spec.startsWith('.')) {
      const path = join(dirname(file), spec);
      if (!seen.has(path)) {
        seen.add(path);
        staticGraph(path, seen);
      }
    } else {
      seen.add(spec);
    }
  }
  return seen;
}

/** Strings only the heavy dependencies contain, to find them inside bundled chunks. */
const markers = {
  '@kubernetes/client-node': 'CoreV1Api',
  ink: 'yoga-layout',
  react: 'react.transitional.element',
  xstate: 'xstate.done.actor',
  zod: 'ZodError',
};

describe('the bundled CLI', () => {
  it('loads no heavy module before a command needs it (--help, --version)', () => {
    const loaded = [cliPath, ...staticGraph(cliPath)];
    const bare = loaded.filter((m) => !m.startsWith('/') && !m.startsWith('node:'));
    expect(bare).toEqual([]);
    const code = loaded.filter((m) => m.startsWith('/')).map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const [name, marker] of Object.entries(markers)) expect(code.includes(marker), `${name} is loaded at start`).toBe(false);
    expect(code.length).toBeLessThan(20_000);
  });

  it('has the heavy modules in chunks behind import()', () => {
    const chunks = readdirSync(join(dirname(cliPath), 'chunks')).filter((f) => f.endsWith('.js'));
    const all = chunks.map((f) => readFileSync(join(dirname(cliPath), 'chunks', f), 'utf8')).join('\n');
    for (const [name, marker] of Object.entries(markers)) expect(all.includes(marker), `${name} is bundled`).toBe(true);
    expect(readFileSync(cliPath, 'utf8')).toMatch(/import\("\.\/chunks\//);
  });
});
