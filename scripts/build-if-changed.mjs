// npm start: build only when a source the bundle is made from is newer than dist/cli.js,
// so starting the TUI twice does not pay for a build twice.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const built = join(root, 'dist', 'cli.js');

function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of readdirSync(path)) max = Math.max(max, newest(join(path, e)));
  return max;
}

const inputs = ['src', 'scripts/build.mjs', 'package.json', 'package-lock.json']
  .map((p) => join(root, p))
  .filter(existsSync);
if (!existsSync(built) || Math.max(...inputs.map(newest)) > statSync(built).mtimeMs) {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
