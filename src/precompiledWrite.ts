import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { bundledNames, bundledPath, packageRoot } from './assets.js';
import { findCheck } from './checks/registry.js';
import { loadScenarioFile } from './drill/scenario.js';
import { depKey, sha256 } from './precompiled.js';
import type { FrameIndex, Precompiled } from './precompiled.js';
import { includedRunbookFile, loadRunbookFile } from './runbook/load.js';
import { readYamlSource } from './base/source.js';
import { bundledSignatureFiles, loadSignatureFile } from './signatures/catalog.js';

/**
 * Build step (scripts/build.mjs bundles and runs this file, never the CLI):
 * loads every bundled runbook and scenario with full validation and writes
 * what they load to, with the sha256 of each file it came from. A runbook or
 * scenario with an error fails the build.
 */
async function buildPrecompiled(): Promise<Precompiled> {
  const root = packageRoot();
  const out: Precompiled = { runbooks: {}, scenarios: {}, signatures: {} };
  for (const name of bundledNames('runbooks')) {
    const file = bundledPath('runbooks', name);
    const { spec, hash, declared } = await loadRunbookFile(file, findCheck);
    // Declared checks are code compiled at load time, not JSON: such a runbook is validated at each start.
    if (declared.size > 0) continue;
    out.runbooks[depKey(root, file)] = {
      deps: deps(root, await runbookFiles(file)),
      value: JSON.stringify({ spec, hash }),
    };
  }
  for (const name of bundledNames('scenarios')) {
    const file = bundledPath('scenarios', name);
    const { scenario } = await loadScenarioFile(file);
    out.scenarios[depKey(root, file)] = {
      deps: deps(root, [file, ...(await namedFiles(file))]),
      value: JSON.stringify(scenario),
    };
  }
  for (const file of bundledSignatureFiles()) {
    const entries = loadSignatureFile(file).map(({ file: _file, test: _test, ...entry }) => entry);
    out.signatures![depKey(root, file)] = { deps: deps(root, [file]), value: JSON.stringify(entries) };
  }
  return out;
}

function deps(root: string, files: string[]): Record<string, string> {
  return Object.fromEntries(files.map((f) => [depKey(root, f), sha256(readFileSync(f))]));
}

/** A runbook and every runbook it includes, transitively. */
async function runbookFiles(file: string, seen = new Set<string>()): Promise<string[]> {
  if (seen.has(file)) return [];
  seen.add(file);
  const { data } = await readYamlSource(file);
  const include = (data as { include?: { runbook?: unknown }[] } | null)?.include ?? [];
  for (const inc of include) {
    if (typeof inc.runbook === 'string') await runbookFiles(includedRunbookFile(inc.runbook, file), seen);
  }
  return [...seen];
}

/** The raw files a scenario names (objectFiles, logFiles[].file, hosts answers' file): what inlineRawFiles reads. */
async function namedFiles(file: string): Promise<string[]> {
  const { data } = await readYamlSource(file);
  const found = new Set<string>();
  const visit = (v: unknown, key: string): void => {
    if (typeof v === 'string') {
      if (/files?$/i.test(key)) found.add(resolve(dirname(file), v));
      return;
    }
    if (Array.isArray(v)) for (const x of v) visit(x, key);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) visit(x, k);
  };
  visit(data, '');
  return [...found].filter((f) => existsSync(f));
}

/** The few facts a first frame shows (src/precompiled.ts frameFacts), with the files each came from. */
async function buildFrames(): Promise<FrameIndex> {
  const root = packageRoot();
  const out: FrameIndex = { scenarios: {}, runbooks: {} };
  const titles = new Map<string, { title: string; files: string[] }>();
  for (const name of bundledNames('runbooks')) {
    const file = bundledPath('runbooks', name);
    const { spec } = await loadRunbookFile(file, findCheck);
    const files = await runbookFiles(file);
    titles.set(name, { title: spec.title, files });
    out.runbooks[depKey(root, file)] = { title: spec.title, deps: deps(root, files) };
  }
  for (const name of bundledNames('scenarios')) {
    const file = bundledPath('scenarios', name);
    const { scenario } = await loadScenarioFile(file);
    const runbook = titles.get(scenario.runbook);
    if (!runbook) continue; // a runbook given by path: its title is read at the start
    out.scenarios[depKey(root, file)] = {
      page: scenario.page,
      runbook: scenario.runbook,
      runbookTitle: runbook.title,
      deps: deps(root, [file, ...runbook.files]),
    };
  }
  return out;
}

const [target] = process.argv.slice(2);
if (!target) throw new Error('usage: precompile <out.json>');
writeFileSync(target, JSON.stringify(await buildPrecompiled()));
writeFileSync(join(dirname(target), 'frames.json'), JSON.stringify(await buildFrames()));
