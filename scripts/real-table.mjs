#!/usr/bin/env node
// Regenerates the table of the real-world corpus (scenarios/real) in README.md,
// between <!-- real-corpus:start --> and <!-- real-corpus:end -->.
// `node scripts/real-table.mjs --check` exits 1 when the README is out of date.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const startMarker = '<!-- real-corpus:start -->';
export const endMarker = '<!-- real-corpus:end -->';

/** Layers by case-id prefix, as HELPERS.md names them. */
const layers = [
  ['rcp-', 'cloudpods'],
  ['rp-', 'pod'],
  ['rw-', 'workload'],
  ['rc-', 'cluster components'],
  ['rn-', 'node/host'],
  ['rd-', 'DNS/downstream'],
  ['rs-', 'control plane (slow)'],
  ['rl-', 'long tail (signatures)'],
  ['rsv-', 'service'],
  // Blind held-out batches (scenarios/real/HELD-OUT.md): a batch, not a layer.
  ['rb-', 'held-out 1'],
  ['rh-', 'held-out 2'],
  ['ri-', 'held-out 3'],
  ['rj-', 'held-out 4'],
  ['rk-', 'held-out 5'],
  ['rm-', 'held-out 7'],
  ['ro-', 'held-out 8'],
  ['rq-', 'held-out 9'],
];

function files(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) =>
      e.isDirectory()
        ? e.name === 'raw'
          ? []
          : files(join(dir, e.name))
        : /\.ya?ml$/.test(e.name)
          ? [join(dir, e.name)]
          : [],
    );
}

const cell = (s) =>
  String(s ?? '')
    .replaceAll('|', '\\|')
    .replaceAll('\n', ' ')
    .trim();

/** The Markdown table of every scenario under scenarios/real, one row per case. */
export function realTable(base = root) {
  const rows = files(join(base, 'scenarios', 'real')).map((file) => {
    const s = parse(readFileSync(file, 'utf8')) ?? {};
    const layer = layers.find(([p]) => String(s.id ?? '').startsWith(p))?.[1] ?? '?';
    const outcome = s.expect?.outcome ?? (s.expect?.diagnosis ? 'diagnosis' : 'no-finding');
    const expected =
      s.expect?.diagnosis ??
      (outcome === 'incomplete' || outcome === 'unrecognised-evidence' ? `(${outcome})` : '(no finding)');
    const url = s.source?.url ?? '';
    return `| ${cell(s.id)} | ${layer} / ${cell(s.runbook)} | ${cell(s.source?.platform ?? 'not stated')} | ${url ? `[${cell(url.replace(/^https?:\/\/(www\.)?/, ''))}](${url})` : ''} | ${cell(expected)} |`;
  });
  if (rows.length === 0) return '_No cases yet._';
  return ['| case | layer / runbook | platform | source | expected |', '| --- | --- | --- | --- | --- |', ...rows].join(
    '\n',
  );
}

/** README text with the table between the markers replaced. */
export function withTable(readme, table) {
  const start = readme.indexOf(startMarker);
  const end = readme.indexOf(endMarker);
  if (start === -1 || end < start) throw new Error(`README.md has no ${startMarker} … ${endMarker} section`);
  return `${readme.slice(0, start + startMarker.length)}\n${table}\n${readme.slice(end)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const path = join(root, 'README.md');
  const readme = readFileSync(path, 'utf8');
  const next = withTable(readme, realTable());
  if (process.argv.includes('--check')) {
    if (next !== readme) {
      process.stderr.write('README.md: the real-world corpus table is out of date: run npm run real-table\n');
      process.exit(1);
    }
  } else if (next !== readme) {
    writeFileSync(path, next);
    process.stdout.write('README.md: real-world corpus table updated\n');
  } else process.stdout.write('README.md: real-world corpus table already up to date\n');
}
