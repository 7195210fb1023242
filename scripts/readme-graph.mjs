#!/usr/bin/env node
// Regenerates the Mermaid graph of workload-down in README.md (the block after
// <summary><code>plumbline graph workload-down</code></summary>) from the built CLI.
// `node scripts/readme-graph.mjs --check` exits 1 when the README is out of date.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readmePath = join(root, 'README.md');
const anchor = '<summary><code>plumbline graph workload-down</code></summary>';

const graph = execFileSync(
  process.execPath,
  [join(root, 'dist', 'cli.js'), 'graph', 'workload-down', '--format', 'mermaid'],
  { encoding: 'utf8' },
).trimEnd();
const readme = readFileSync(readmePath, 'utf8');
const at = readme.indexOf(anchor);
if (at < 0) throw new Error(`README.md has no ${anchor}`);
const open = readme.indexOf('```mermaid\n', at);
const close = readme.indexOf('\n```', open + 11);
const next = readme.slice(0, open + 11) + graph + readme.slice(close);
if (process.argv.includes('--check')) {
  if (next !== readme) {
    process.stderr.write('README.md: the workload-down graph is out of date: run npm run readme-graph\n');
    process.exit(1);
  }
} else if (next !== readme) writeFileSync(readmePath, next);
