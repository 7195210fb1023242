import { existsSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The scenario `plumbline drill` walks when none is named. */
export const defaultScenario = 'pod-pending-node-selector';

/** The installed package's root: runbooks/ and scenarios/ ship beside dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'runbooks'))) return dir;
    dir = dirname(dir);
  }
  throw new Error('cannot find plumbline package root (runbooks/ is missing)');
}

export type AssetKind = 'runbooks' | 'scenarios';

/** A name that is neither a bundled runbook or scenario nor a path: the CLI says which names there are and exits 2. */
export class UnknownAssetError extends Error {
  constructor(kind: AssetKind, name: string) {
    const noun = kind === 'runbooks' ? 'runbook' : 'scenario';
    const names = kind === 'runbooks' ? runbookEntries().map((e) => e.name) : bundledNames(kind);
    const known =
      names.length <= 8
        ? `${kind === 'runbooks' ? 'known' : 'bundled'} ${kind} are ${names.join(', ')}`
        : `${nearest(name, names).length > 0 ? `did you mean ${nearest(name, names).join(', ')}? ` : ''}plumbline list ${kind} shows all ${names.length}`;
    super(`no ${noun} named "${name}": ${known}; or give a path to a YAML file`);
    this.name = 'UnknownAssetError';
  }
}

/** Up to three names close to a mistyped one: containing it, or a few edits away. */
export function nearest(name: string, names: string[]): string[] {
  const scored = names.map((n) => ({ n, d: n.includes(name) || name.includes(n) ? 0 : editDistance(name, n) }));
  const limit = Math.max(2, Math.floor(name.length / 3));
  return scored
    .filter((s) => s.d <= limit)
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
    .slice(0, 3)
    .map((s) => s.n);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    prev = row;
  }
  return prev[b.length] ?? 0;
}

/** A folder runbooks are looked up in by id, before the bundled ones, and why it is searched. */
export interface RunbookDir {
  dir: string;
  /** `--runbooks`, `$PLUMBLINE_RUNBOOKS` or `$XDG_CONFIG_HOME/plumbline/runbooks`. */
  from: string;
}

let runbookPath: RunbookDir[] | undefined;

/**
 * The runbook path: `--runbooks DIR` (in the order given), then each folder of
 * `$PLUMBLINE_RUNBOOKS` (separated like PATH), then the user's own
 * `$XDG_CONFIG_HOME/plumbline/runbooks` (`~/.config/...` when unset). A runbook
 * found there wins over a bundled one of the same id.
 */
export function setRunbookPath(flagDirs: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  const dirs: RunbookDir[] = flagDirs.map((d) => ({ dir: resolve(d), from: '--runbooks' }));
  for (const d of (env.PLUMBLINE_RUNBOOKS ?? '').split(delimiter))
    if (d !== '') dirs.push({ dir: resolve(d), from: '$PLUMBLINE_RUNBOOKS' });
  const config = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  dirs.push({ dir: join(config, 'plumbline', 'runbooks'), from: '$XDG_CONFIG_HOME/plumbline/runbooks' });
  runbookPath = dirs;
}

export function runbookDirs(): readonly RunbookDir[] {
  if (!runbookPath) setRunbookPath([]);
  return runbookPath ?? [];
}

/** One runbook a name finds: where it is and why it is searched there. */
export interface RunbookEntry {
  name: string;
  file: string;
  /** `bundled`, or the RunbookDir's `from`. */
  from: string;
  /** The bundled runbook (or a later folder's) it hides, if any. */
  shadows?: string;
}

function yamlNames(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -'.yaml'.length))
      .sort();
  } catch {
    return [];
  }
}

/** Every runbook by id, the first found on the runbook path winning, then the bundled ones. */
export function runbookEntries(): RunbookEntry[] {
  const out = new Map<string, RunbookEntry>();
  const places = [...runbookDirs(), { dir: join(packageRoot(), 'runbooks'), from: 'bundled' }];
  for (const { dir, from } of places) {
    for (const name of yamlNames(dir)) {
      const file = join(dir, `${name}.yaml`);
      const first = out.get(name);
      if (first) first.shadows ??= file;
      else out.set(name, { name, file, from });
    }
  }
  return [...out.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The file a runbook id names: on the runbook path first, else bundled (whether or not it is there). */
export function runbookFile(name: string): string {
  for (const { dir } of runbookDirs()) {
    const file = join(dir, `${name}.yaml`);
    if (existsSync(file)) return file;
  }
  return bundledPath('runbooks', name);
}

const isPath = (nameOrPath: string): boolean =>
  nameOrPath.includes('/') || nameOrPath.endsWith('.yaml') || nameOrPath.endsWith('.yml');

/** Where a bundled name would be (`workload-down` → runbooks/workload-down.yaml), whether or not it is there. */
export function bundledPath(kind: AssetKind, name: string): string {
  return join(packageRoot(), kind, `${name}.yaml`);
}

/** A path as given, or a bundled name (`real/<id>` for the real-world corpus); an unknown name throws UnknownAssetError. */
export function resolveAsset(kind: AssetKind, nameOrPath: string): string {
  if (kind === 'scenarios' && realName.test(nameOrPath) && !existsSync(nameOrPath)) {
    const file = bundledPath(kind, nameOrPath);
    if (!existsSync(file)) throw new UnknownAssetError(kind, nameOrPath);
    return file;
  }
  if (isPath(nameOrPath)) return resolve(nameOrPath);
  const file = kind === 'runbooks' ? runbookFile(nameOrPath) : bundledPath(kind, nameOrPath);
  if (!existsSync(file)) throw new UnknownAssetError(kind, nameOrPath);
  return file;
}

export function bundledNames(kind: AssetKind): string[] {
  const dir = join(packageRoot(), kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

const realName = /^real\/[a-z0-9][a-z0-9-]*$/;

/** The real-world corpus (scenarios/real/*.yaml), named `real/<id>`. */
export function realScenarioNames(): string[] {
  const dir = join(packageRoot(), 'scenarios', 'real');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `real/${f.slice(0, -'.yaml'.length)}`)
    .sort();
}

/** Every scenario file under a folder, recursively, in name order; `raw/` folders hold pasted material, not scenarios. */
export function scenarioFilesIn(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'raw') out.push(...scenarioFilesIn(path));
    } else if (/\.ya?ml$/.test(entry.name) && entry.name !== 'README.yaml') out.push(path);
  }
  return out;
}

/** Whether a command-line argument names a folder. */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
