import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/cli.js';
import { kubectlAvailable, warnIfKubectlMissing } from '../helpers/kubectl.js';

warnIfKubectlMissing('plumbline as a kubectl plugin');

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
  '@kubernetes/client-node': 'applyToHTTPSOptions',
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
    const code = loaded
      .filter((m) => m.startsWith('/'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const [name, marker] of Object.entries(markers))
      expect(code.includes(marker), `${name} is loaded at start`).toBe(false);
    expect(code.length).toBeLessThan(20_000);
  });

  it('parses the command line (commander) without loading a heavy module: --help and usage errors stay fast', () => {
    const program = /import\("\.\/chunks\/(program-[A-Z0-9]+\.js)"\)/.exec(readFileSync(cliPath, 'utf8'))?.[1];
    expect(program).toBeDefined();
    const file = join(dirname(cliPath), 'chunks', program ?? '');
    const loaded = [file, ...staticGraph(file)].filter((m) => m.startsWith('/'));
    const code = loaded.map((f) => readFileSync(f, 'utf8')).join('\n');
    expect(code).toContain('showSuggestionAfterError');
    for (const [name, marker] of Object.entries(markers))
      expect(code.includes(marker), `${name} is loaded to parse`).toBe(false);
  });

  it('has the heavy modules in chunks behind import()', () => {
    const chunks = readdirSync(join(dirname(cliPath), 'chunks')).filter((f) => f.endsWith('.js'));
    const all = chunks.map((f) => readFileSync(join(dirname(cliPath), 'chunks', f), 'utf8')).join('\n');
    for (const [name, marker] of Object.entries(markers)) expect(all.includes(marker), `${name} is bundled`).toBe(true);
    expect(readFileSync(cliPath, 'utf8')).toMatch(/import\("\.\/chunks\//);
  });

  it("leaves out client-node's generated API classes (15 MB a walk never uses)", () => {
    const chunks = readdirSync(join(dirname(cliPath), 'chunks')).filter((f) => f.endsWith('.js'));
    // Chunks of the previous build are kept one build longer; only this build's (.chunks.json) count.
    const current = new Set(JSON.parse(readFileSync(join(dirname(cliPath), '.chunks.json'), 'utf8')) as string[]);
    const all = chunks
      .filter((f) => current.has(f))
      .map((f) => readFileSync(join(dirname(cliPath), 'chunks', f), 'utf8'))
      .join('\n');
    expect(all).not.toContain('connectDeleteNamespacedPodProxy');
  });
});

describe('the bin', () => {
  it('is executable, so npx, npm link and a global install can run it', () => {
    expect(statSync(cliPath).mode & 0o111).toBe(0o111);
    expect(readFileSync(cliPath, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it.runIf(kubectlAvailable())(
    'runs as a kubectl plugin: kubectl plumbline finds kubectl-plumbline on PATH',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'plumbline-plugin-'));
      symlinkSync(cliPath, join(dir, 'kubectl-plumbline'));
      // The plugin's shebang finds node on PATH: this Node (the project's own), as npm scripts give it.
      const PATH = [dir, dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
      const run = (args: string[]) =>
        new Promise<{ stdout: string; code: number }>((resolve) => {
          execFile(
            'kubectl',
            args,
            { env: { ...process.env, PATH, NO_COLOR: '1' }, timeout: 20_000 },
            (err, stdout) => {
              resolve({ stdout, code: err && typeof err.code === 'number' ? err.code : err ? 1 : 0 });
            },
          );
        });
      const plugins = await run(['plugin', 'list', '--name-only']);
      expect(plugins.stdout.split('\n')).toContain('kubectl-plumbline');
      const listed = await run(['plumbline', 'list', 'runbooks']);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(/^workload-down\b/m);
    },
  );
});
