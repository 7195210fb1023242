// The release artifacts as an on-call engineer gets them: the single executable on a
// machine with no Node.js (PATH without node, empty HOME), the npm package installed
// globally into a clean prefix, and the krew manifest held to krew's own rules.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { krewProblems } from '../../scripts/krew.mjs';
import { repoRoot } from '../helpers/cli.js';
import { kubectlAvailable, warnIfKubectlMissing } from '../helpers/kubectl.js';

warnIfKubectlMissing('the executable as a kubectl plugin');

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  version: string;
  engines: { node: string };
};
const work = mkdtempSync(join(tmpdir(), 'plumbline-package-'));
const out = join(work, 'release');
const nodeDir = dirname(process.execPath);

/** Where kubectl lives, to put it (and only it) on a PATH without node. */
function kubectlDir(): string | undefined {
  const r = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' });
  return r.status === 0 ? dirname(r.stdout.trim()) : undefined;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(cmd, args, { env, encoding: 'utf8', timeout: 60_000 });
}

const drillArgs = (t: string) => [
  'drill',
  'pod-pending-node-selector',
  '--non-interactive',
  '--output',
  'json',
  '--transcript',
  t,
];

beforeAll(() => {
  execFileSync(process.execPath, [join(repoRoot, 'scripts', 'package.mjs'), '--no-build', '--fast', '--out', out], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PLUMBLINE_RELEASE_URL: 'https://releases.example.com/plumbline/v{version}/',
      PATH: `${nodeDir}:${process.env.PATH ?? ''}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 240_000,
  });
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the single executable', () => {
  const bin = join(work, 'bin');
  const home = join(work, 'home');
  const env = (): NodeJS.ProcessEnv => ({ HOME: home, PATH: bin, TERM: 'dumb', NO_COLOR: '1' });

  beforeAll(() => {
    mkdirSync(bin, { recursive: true });
    mkdirSync(home, { recursive: true });
    copyFileSync(join(out, 'plumbline-linux-x64'), join(bin, 'plumbline'));
    chmodSync(join(bin, 'plumbline'), 0o755);
    symlinkSync('plumbline', join(bin, 'kubectl-plumbline'));
  });

  it('runs where there is no Node.js and HOME is empty: --version, then a drill headless', () => {
    expect(run('sh', ['-c', 'command -v node'], env()).status).not.toBe(0);
    const v = run(join(bin, 'plumbline'), ['--version'], env());
    expect(v.stderr).toBe('');
    expect(v.stdout.trim()).toBe(pkg.version);
    const d = run(join(bin, 'plumbline'), drillArgs(join(home, 't.jsonl')), env());
    expect(d.status, d.stderr).toBe(0);
    const r = JSON.parse(d.stdout) as { outcome: string; diagnosis: { id: string } };
    expect(r.outcome).toBe('diagnosis');
    expect(r.diagnosis.id).toBe('unschedulable-node-selector');
  });

  it.runIf(kubectlAvailable())('runs as `kubectl plumbline`', () => {
    const kdir = kubectlDir() ?? '';
    const r = run('kubectl', ['plumbline', '--version'], { ...env(), PATH: `${bin}:${kdir}` });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('refuses a cache folder others can write to, instead of running code from it', () => {
    const shared = join(work, 'shared-cache');
    mkdirSync(shared, { recursive: true });
    chmodSync(shared, 0o777);
    const r = run(join(bin, 'plumbline'), ['--version'], { ...env(), PLUMBLINE_CACHE_DIR: shared });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('is not a private folder of this user');
  });
});

describe('the npm package', () => {
  const prefix = join(work, 'prefix');
  const tgz = () => join(out, `plumbline-${pkg.version}.tgz`);

  it('ships no install scripts, no dependencies, the engines it needs, and no source maps', () => {
    const list = execFileSync('tar', ['-tzf', tgz()], { encoding: 'utf8' }).split('\n');
    expect(list).toContain('package/dist/cli.js');
    expect(list).toContain('package/runbooks/workload-down.yaml');
    // The runbooks and scenarios validated at build time: an installed start reads JSON, not YAML.
    expect(list).toContain('package/dist/precompiled.json');
    expect(list.filter((f) => f.endsWith('.map'))).toEqual([]);
    const shipped = JSON.parse(
      execFileSync('tar', ['-xzOf', tgz(), 'package/package.json'], { encoding: 'utf8' }),
    ) as Record<string, unknown>;
    expect(shipped.scripts).toBeUndefined();
    expect(shipped.dependencies).toBeUndefined();
    expect(shipped.devDependencies).toBeUndefined();
    expect(shipped.engines).toEqual(pkg.engines);
  });

  // npm install -g unpacks and links the package: tens of seconds on a loaded 2-core machine, not a hang.
  it('installs globally into a clean prefix; plumbline and kubectl-plumbline walk a drill', () => {
    const env = {
      ...process.env,
      PATH: `${nodeDir}:${process.env.PATH ?? ''}`,
      npm_config_cache: join(work, 'npm-cache'),
    };
    const inst = run('npm', ['install', '-g', tgz(), '--prefix', prefix, '--no-audit', '--no-fund', '--offline'], env);
    expect(inst.status, inst.stderr).toBe(0);
    expect(inst.stderr).not.toContain('EBADENGINE');
    const home = join(work, 'home-npm');
    mkdirSync(home, { recursive: true });
    const runEnv = { HOME: home, PATH: `${join(prefix, 'bin')}:${nodeDir}`, NO_COLOR: '1' };
    for (const cmd of ['plumbline', 'kubectl-plumbline']) {
      const d = run(join(prefix, 'bin', cmd), drillArgs(join(home, `${cmd}.jsonl`)), runEnv);
      expect(d.status, d.stderr).toBe(0);
      expect((JSON.parse(d.stdout) as { diagnosis: { id: string } }).diagnosis.id).toBe('unschedulable-node-selector');
    }
  }, 90_000);
});

describe('the krew manifest', () => {
  it('passes krew’s manifest rules and names the archive by its real sha256', () => {
    const manifest = parse(readFileSync(join(out, 'plugins', 'plumbline.yaml'), 'utf8')) as {
      spec: { version: string; platforms: { uri: string; sha256: string; bin: string }[] };
    };
    expect(krewProblems('plumbline', manifest)).toEqual([]);
    expect(manifest.spec.version).toBe(`v${pkg.version}`);
    const [platform] = manifest.spec.platforms;
    const archive = join(out, `plumbline-v${pkg.version}-linux-x64.tar.gz`);
    expect(platform?.uri).toBe(
      `https://releases.example.com/plumbline/v${pkg.version}/plumbline-v${pkg.version}-linux-x64.tar.gz`,
    );
    expect(platform?.sha256).toBe(createHash('sha256').update(readFileSync(archive)).digest('hex'));
    expect(execFileSync('tar', ['-tzf', archive], { encoding: 'utf8' }).split('\n').filter(Boolean).sort()).toEqual([
      'LICENSE',
      'plumbline',
    ]);
  });

  it.each([
    ['a version without v', (m: Plugin) => (m.spec.version = '0.1.0'), 'is not "v" + semver'],
    ['a short sha256', (m: Plugin) => (m.spec.platforms[0]!.sha256 = 'abc'), 'is not valid'],
    [
      'a selector on a key krew does not know',
      (m: Plugin) => (m.spec.platforms[0]!.selector = { matchLabels: { distro: 'debian' } }),
      'not supported',
    ],
    ['a line break in the short description', (m: Plugin) => (m.spec.shortDescription = 'a\nb'), 'line breaks'],
    ['no bin', (m: Plugin) => (m.spec.platforms[0]!.bin = ''), '`bin` has to be set'],
  ])('rejects %s, as krew does', (_what, spoil, message) => {
    const m = parse(readFileSync(join(out, 'plugins', 'plumbline.yaml'), 'utf8')) as Plugin;
    spoil(m);
    expect(krewProblems('plumbline', m).join('; ')).toContain(message);
  });
});

interface Plugin {
  spec: { version: string; shortDescription: string; platforms: { sha256: string; bin: string; selector: unknown }[] };
}
