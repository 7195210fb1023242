import { readFileSync } from 'node:fs';
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

describe('the bundled CLI', () => {
  it('loads no heavy module before a command needs it', () => {
    const loaded = [...staticGraph(cliPath)];
    expect(loaded.filter((m) => /^(ink|react|@kubernetes\/client-node|xstate|zod|yaml)(\/|$)/.test(m))).toEqual([]);
    // and the heavy ones are there, behind import()
    const all = readFileSync(cliPath, 'utf8');
    expect(all).toMatch(/import\("\.\/chunks\//);
  });
});
