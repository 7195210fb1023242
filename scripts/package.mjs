// npm run package: the release artifacts, into release/:
//   plumbline-<version>.tgz                   the npm package (npm pack: no install scripts, no dependencies)
//   plumbline-linux-x64                       a single executable (Node's SEA: Node 24 from the npm registry + the bundle)
//   plumbline-v<version>-linux-x64.tar.gz     that executable for krew (with LICENSE)
//   plugins/plumbline.yaml                    the krew manifest, its sha256 taken from the archive above
// PLUMBLINE_PLATFORMS=linux-x64,linux-arm64 also builds other Linux platforms whose Node binary the
// npm registry has (node-linux-<arch>, same version as ours); they are built, not run, here.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { krewManifest } from './krew.mjs';

const root = join(import.meta.dirname, '..');
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? process.argv[outArg + 1] : join(root, 'release');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// --fast: lighter compression (tests); the artifacts are the same files, only larger.
const fast = process.argv.includes('--fast');
const platforms = (process.env.PLUMBLINE_PLATFORMS ?? 'linux-x64').split(',').filter(Boolean);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}`);
  return r.stdout;
}

/**
 * What the package ships, copied into a staging folder: the built entry and this build's
 * chunks (no source maps, no chunks an earlier build left for CLIs still running), runbooks,
 * scenarios, README and LICENSE, and a package.json with no scripts and no dependencies
 * (the bundle holds them all). The executable embeds the same tree.
 */
function stagePackage(stage) {
  rmSync(stage, { recursive: true, force: true });
  const chunks = JSON.parse(readFileSync(join(root, 'dist', '.chunks.json'), 'utf8')).filter(
    (f) => !f.endsWith('.map'),
  );
  // precompiled.json: the runbooks and scenarios validated at build time, so a start need not.
  const files = [
    'dist/cli.js',
    'dist/drill-worker.js',
    ...chunks.map((f) => `dist/chunks/${f}`),
    ...(existsSync(join(root, 'dist', 'precompiled.json')) ? ['dist/precompiled.json'] : []),
    ...(existsSync(join(root, 'dist', 'frames.json')) ? ['dist/frames.json'] : []),
    'README.md',
    'LICENSE',
  ];
  const walk = (dir) => {
    for (const e of readdirSync(join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.isFile()) files.push(rel);
    }
  };
  for (const top of pkg.files) if (top !== 'dist' && existsSync(join(root, top))) walk(top);
  for (const f of files) {
    mkdirSync(dirname(join(stage, f)), { recursive: true });
    copyFileSync(join(root, f), join(stage, f));
  }
  const { name, version, description, type, license, bin, engines, homepage, repository, keywords } = pkg;
  const shipped = {
    name,
    version,
    description,
    type,
    license,
    bin,
    files: pkg.files,
    engines,
    homepage,
    repository,
    keywords,
  };
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(shipped, null, 2)}\n`);
  return ['package.json', ...files];
}

function archive(stage, files) {
  const entries = files.map((f) => [
    f,
    statSync(join(stage, f)).mode & 0o755,
    readFileSync(join(stage, f)).toString('base64'),
  ]);
  return gzipSync(JSON.stringify({ version: pkg.version, files: entries }), { level: fast ? 1 : 9 });
}

/** The Node binary of a platform: ours for the machine's own, else node-<platform> of our version from the npm registry. */
function nodeBinary(platform) {
  const own = join(root, 'node_modules', 'node', 'node_modules', `node-${platform}`, 'bin', 'node');
  if (existsSync(own)) return own;
  const version = pkg.devDependencies.node;
  // The node package's bin/node is a hard link to node-<platform>'s binary, which a later install may prune.
  const linked = join(root, 'node_modules', 'node', 'bin', 'node');
  const installed = join(root, 'node_modules', 'node', 'package.json');
  if (
    platform === `${process.platform}-${process.arch}` &&
    existsSync(linked) &&
    existsSync(installed) &&
    JSON.parse(readFileSync(installed, 'utf8')).version === version
  )
    return linked;
  const dir = join(out, '.node', platform);
  const bin = join(dir, 'package', 'bin', 'node');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const tgz = run('npm', ['pack', `node-${platform}@${version}`, '--silent', '--pack-destination', dir])
    .trim()
    .split('\n')
    .pop();
  run('tar', ['-xzf', join(dir, tgz), '-C', dir]);
  return bin;
}

function seaExecutable(platform, bundle) {
  const work = join(out, '.sea', platform);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const key = `${pkg.version}-${createHash('sha256').update(bundle).digest('hex').slice(0, 16)}`;
  const launcher = readFileSync(join(root, 'scripts', 'sea-launcher.cjs'), 'utf8').replace('__PLUMBLINE_KEY__', key);
  writeFileSync(join(work, 'launcher.cjs'), launcher);
  writeFileSync(join(work, 'bundle.gz'), bundle);
  const config = {
    main: join(work, 'launcher.cjs'),
    output: join(work, 'sea.blob'),
    disableExperimentalSEAWarning: true,
    useCodeCache: false,
    assets: { bundle: join(work, 'bundle.gz') },
  };
  writeFileSync(join(work, 'sea-config.json'), JSON.stringify(config));
  // The blob is made by the Node that runs this script (ours: same version as every node-<platform> binary).
  run(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')], { stdio: 'ignore' });
  const exe = join(out, `plumbline-${platform}`);
  copyFileSync(nodeBinary(platform), exe);
  chmodSync(exe, 0o755);
  run(
    process.execPath,
    [
      join(root, 'node_modules', 'postject', 'dist', 'cli.js'),
      exe,
      'NODE_SEA_BLOB',
      config.output,
      '--sentinel-fuse',
      'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
    ],
    {
      stdio: ['ignore', 'ignore', 'ignore'],
    },
  );
  rmSync(join(out, '.sea'), { recursive: true, force: true });
  return exe;
}

function krewArchive(platform, exe) {
  const stage = join(out, '.krew', platform);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  copyFileSync(exe, join(stage, 'plumbline'));
  chmodSync(join(stage, 'plumbline'), 0o755);
  copyFileSync(join(root, 'LICENSE'), join(stage, 'LICENSE'));
  const file = join(out, `plumbline-v${pkg.version}-${platform}.tar.gz`);
  // Fixed owner and time, so the same build gives the same archive and sha256.
  run('tar', [
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    '--mtime=@0',
    '--sort=name',
    '-I',
    fast ? 'gzip -1' : 'gzip -9',
    '-cf',
    file,
    '-C',
    stage,
    'plumbline',
    'LICENSE',
  ]);
  rmSync(join(out, '.krew'), { recursive: true, force: true });
  return file;
}

mkdirSync(out, { recursive: true });
// --no-build: package the dist/ that is there (tests do, while other tests run that same dist/).
if (!process.argv.includes('--no-build')) run('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
const stage = join(out, '.stage');
const files = stagePackage(stage);

const tgz = run('npm', ['pack', '--silent', '--pack-destination', out], { cwd: stage }).trim().split('\n').pop();
console.log(
  `npm package     ${relative(root, join(out, tgz))} (${(statSync(join(out, tgz)).size / 1024).toFixed(0)} KiB)`,
);

const bundle = archive(stage, files);
const artifacts = [];
for (const platform of platforms) {
  const exe = seaExecutable(platform, bundle);
  const tar = krewArchive(platform, exe);
  const sha256 = createHash('sha256').update(readFileSync(tar)).digest('hex');
  artifacts.push({ platform, file: tar, sha256 });
  console.log(`executable      ${relative(root, exe)} (${(statSync(exe).size / 2 ** 20).toFixed(1)} MiB)`);
  console.log(`krew archive    ${relative(root, tar)} sha256 ${sha256}`);
}
if (process.env.PLUMBLINE_RELEASE_URL) {
  const manifest = krewManifest(
    pkg,
    artifacts.map((a) => ({ platform: a.platform, name: a.file.split('/').pop(), sha256: a.sha256 })),
  );
  mkdirSync(join(out, 'plugins'), { recursive: true });
  writeFileSync(join(out, 'plugins', 'plumbline.yaml'), manifest);
  console.log(`krew manifest   ${relative(root, join(out, 'plugins', 'plumbline.yaml'))}`);
} else {
  console.log(
    'krew manifest   not written: set PLUMBLINE_RELEASE_URL to the https folder the archives will be published in',
  );
}
rmSync(stage, { recursive: true, force: true });
