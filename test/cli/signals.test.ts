import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTranscript } from '../../src/transcript/read.js';
import { cliPath, repoRoot } from '../helpers/cli.js';

// Issue 14 item 13: every command ends cleanly on Ctrl-C, SIGTERM and SIGHUP (a closed terminal):
// the session gets its session.end, the drill's temp dir and kubeconfig go, and the exit code says so.
// Each test runs the built CLI with its own TMPDIR, so what it leaves behind can be listed.

/** The default drill with the events API slowed, so a walk (or a check) is caught half way. */
function slowScenario(dir: string): string {
  const base = readFileSync(join(repoRoot, 'scenarios', 'pod-pending-node-selector.yaml'), 'utf8');
  const file = join(dir, 'slow.yaml');
  writeFileSync(file, `${base}\napi:\n  faults:\n    - { kind: latency, resource: events, ms: 60000 }\n`);
  return file;
}

async function until(cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition never held');
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Started {
  tmp: string;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill: (s: NodeJS.Signals) => void;
}

function start(args: string[], tmp: string): Started {
  const child = spawn(process.execPath, [cliPath, ...args], {
    env: { ...process.env, NO_COLOR: '1', TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { tmp, stdout: () => out, stderr: () => err, exited, kill: (s) => child.kill(s) };
}

/** What plumbline left in its TMPDIR (Node's own compile cache aside). */
const leftIn = (tmp: string) => readdirSync(tmp).filter((f) => f.startsWith('plumbline-'));

function dirs(): { work: string; tmp: string } {
  const work = mkdtempSync(join(tmpdir(), 'plumbline-signals-'));
  const tmp = join(work, 'tmp');
  mkdirSync(tmp);
  return { work, tmp };
}

describe('a headless walk on a drill', () => {
  it.each(['SIGHUP', 'SIGINT', 'SIGTERM'] as const)(
    '%s: session.end with its reason, the drill temp dir gone, exit 130',
    async (sig) => {
      const { work, tmp } = dirs();
      const transcript = join(work, 't.jsonl');
      const p = start(
        ['drill', slowScenario(work), '--non-interactive', '--output', 'text', '--transcript', transcript],
        tmp,
      );
      await until(
        () =>
          existsSync(transcript) &&
          readFileSync(transcript, 'utf8').includes('"type":"check.start","step":"pod-scheduling"'),
      );
      expect(leftIn(tmp).some((f) => f.startsWith('plumbline-drill-'))).toBe(true);
      p.kill(sig);
      const { code } = await p.exited;
      expect(code).toBe(130);
      const events = parseTranscript(readFileSync(transcript, 'utf8')).events;
      expect(events.at(-1)).toMatchObject({ type: 'session.end', reason: 'interrupted' });
      expect(leftIn(tmp)).toEqual([]);
    },
    60_000,
  );
});

describe('plumbline test', () => {
  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)(
    '%s: the walks stop, their drills and the temp dir go, exit 130',
    async (sig) => {
      const { work, tmp } = dirs();
      const p = start(['test', slowScenario(work), 'pod-pending-node-selector'], tmp);
      // A drill is up and the slow walk is waiting on its events API.
      await until(
        () =>
          leftIn(tmp).some((f) => f.startsWith('plumbline-drill-')) &&
          leftIn(tmp).some((f) => f.startsWith('plumbline-test-')),
      );
      await new Promise((r) => setTimeout(r, 1_000));
      p.kill(sig);
      const { code, signal } = await p.exited;
      expect({ code, signal }).toEqual({ code: 130, signal: null });
      expect(p.stderr()).toMatch(/^plumbline: interrupted: \d of 2 scenarios walked$/m);
      expect(p.stderr()).not.toMatch(/at .*\(.*:\d+:\d+\)/);
      expect(leftIn(tmp)).toEqual([]);
    },
    60_000,
  );
});

describe('plumbline check --drill', () => {
  it.each(['SIGINT', 'SIGHUP'] as const)(
    '%s: the check is cancelled, the drill temp dir goes, exit 130',
    async (sig) => {
      const { work, tmp } = dirs();
      const p = start(
        ['check', 'pod.events', '--drill', slowScenario(work), '--set', 'namespace=shop', '--set', 'name=web-0'],
        tmp,
      );
      await until(() => p.stdout().includes('$ kubectl get events'));
      p.kill(sig);
      const { code } = await p.exited;
      expect(code).toBe(130);
      expect(leftIn(tmp)).toEqual([]);
    },
    60_000,
  );
});

describe('plumbline cluster serve', () => {
  it('SIGHUP (its terminal closed) stops it and removes the kubeconfig', async () => {
    const { tmp } = dirs();
    const p = start(['cluster', 'serve', 'pod-pending-node-selector'], tmp);
    await until(() => p.stdout().includes('Ctrl-C stops it'));
    const kubeconfig = /^export KUBECONFIG=(\S+)$/m.exec(p.stdout())?.[1] ?? '';
    expect(existsSync(kubeconfig)).toBe(true);
    p.kill('SIGHUP');
    const { code } = await p.exited;
    expect(code).toBe(0);
    expect(existsSync(kubeconfig)).toBe(false);
    expect(leftIn(tmp)).toEqual([]);
  }, 60_000);

  it.each([
    ['a space', 'my tmp'],
    ['a command substitution', '$(touch PWNED)'],
    ['a quote', "it's"],
  ])(
    'the export line is one shell word under eval, with %s in TMPDIR',
    async (_what, name) => {
      const { work } = dirs();
      const tmp = join(work, name);
      mkdirSync(tmp);
      const p = start(['cluster', 'serve', 'pod-pending-node-selector'], tmp);
      await until(() => p.stdout().includes('Ctrl-C stops it'));
      const line = p.stdout().split('\n')[0] ?? '';
      // As the help says to use it: eval the first line, then kubectl reads $KUBECONFIG.
      const seen = execFileSync('sh', ['-c', `eval "$1"; printf '%s' "$KUBECONFIG"`, 'sh', line], {
        cwd: work,
        encoding: 'utf8',
      });
      p.kill('SIGTERM');
      await p.exited;
      expect(seen.startsWith(join(tmp, 'plumbline-drill-'))).toBe(true);
      expect(seen.endsWith('/kubeconfig')).toBe(true);
      expect(existsSync(join(work, 'PWNED'))).toBe(false);
    },
    60_000,
  );
});
