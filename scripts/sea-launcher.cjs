// The single executable's entry point (Node's SEA runs CommonJS only): the
// bundle, runbooks and scenarios are one gzip'd archive embedded as an asset.
// On first run it is unpacked once into a private cache folder (0700, owned by
// this user, never a symlink), then the unpacked dist/cli.js runs exactly as
// it does from an npm install. Later runs only stat the folder's marker.
'use strict';
const fs = require('node:fs');
const { homedir, tmpdir, userInfo } = require('node:os');
const { dirname, join, sep } = require('node:path');
const { pathToFileURL } = require('node:url');
const { gunzipSync } = require('node:zlib');
const sea = require('node:sea');

const key = '__PLUMBLINE_KEY__';

function fail(message) {
  process.stderr.write(`plumbline: ${message}\n`);
  process.exit(2);
}

/** A folder for this user only: made 0700 if missing; refused if it is a symlink, someone else's, or open to others. */
function privateDir(dir) {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = fs.lstatSync(dir);
  const uid = typeof process.getuid === 'function' ? process.getuid() : -1;
  if (!st.isDirectory() || (uid >= 0 && st.uid !== uid) || (st.mode & 0o022) !== 0) {
    fail(`${dir} is not a private folder of this user; remove it or set PLUMBLINE_CACHE_DIR`);
  }
  return dir;
}

function cacheRoot() {
  if (process.env.PLUMBLINE_CACHE_DIR) return process.env.PLUMBLINE_CACHE_DIR;
  if (process.env.XDG_CACHE_HOME) return join(process.env.XDG_CACHE_HOME, 'plumbline');
  const home = process.env.HOME || safeHome();
  if (home && home !== sep) return join(home, '.cache', 'plumbline');
  return join(tmpdir(), `plumbline-${userInfo().uid}`);
}

function safeHome() {
  try {
    return homedir();
  } catch {
    return '';
  }
}

/** Unpacks into a fresh sibling folder, then renames it into place: a concurrent or interrupted first run leaves no half tree. */
function unpack(root, target) {
  const archive = JSON.parse(gunzipSync(Buffer.from(sea.getAsset('bundle'))).toString('utf8'));
  const stage = fs.mkdtempSync(join(root, `.unpack-${key}-`));
  for (const [rel, mode, b64] of archive.files) {
    if (rel.startsWith('/') || rel.split('/').includes('..')) fail(`refusing archive path ${rel}`);
    const file = join(stage, rel);
    fs.mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, Buffer.from(b64, 'base64'), { mode });
  }
  fs.writeFileSync(join(stage, '.complete'), key);
  try {
    fs.renameSync(stage, target);
  } catch (err) {
    // Another first run got there first: its tree is as good as ours.
    fs.rmSync(stage, { recursive: true, force: true });
    if (!fs.existsSync(join(target, '.complete'))) throw err;
  }
}

function main() {
  const root = privateDir(cacheRoot());
  const target = join(root, key);
  if (!fs.existsSync(join(target, '.complete'))) unpack(root, target);
  const entry = join(target, 'dist', 'cli.js');
  // So `plumbline --version` and bug reports can tell the executable from an npm install.
  process.env.PLUMBLINE_EXECUTABLE = process.execPath;
  import(pathToFileURL(entry).href).catch((err) => fail(`cannot start: ${err && err.message ? err.message : err}`));
}

try {
  main();
} catch (err) {
  fail(`cannot unpack into its cache folder: ${err && err.message ? err.message : err} (set PLUMBLINE_CACHE_DIR to a writable folder)`);
}
