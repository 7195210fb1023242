import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** A path as given, or a bundled name (`workload-down` → runbooks/workload-down.yaml). */
export function resolveAsset(kind: AssetKind, nameOrPath: string): string {
  if (nameOrPath.includes('/') || nameOrPath.endsWith('.yaml') || nameOrPath.endsWith('.yml')) return resolve(nameOrPath);
  return join(packageRoot(), kind, `${nameOrPath}.yaml`);
}

export function bundledNames(kind: AssetKind): string[] {
  const dir = join(packageRoot(), kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}
