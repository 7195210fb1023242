import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checks } from '../../src/checks/registry.js';

// Issue 14 item 13: the kubectl command a check shows is copied into a shell. A name, namespace, container or
// node taken from the alert or the cluster must reach kubectl as one argument, whatever it holds, and never run.
// The commands are run by a real sh, with a kubectl on PATH that records its argv.

const hostile = [`zq 0`, `zq's`, `$(touch PWNED-dollar)`, '`touch PWNED-tick`', `zq;touch PWNED-semi`, `zq"y`, `*`];

/** kubectl, and grep (a name can be grepped for in what kubectl printed), recording their argv. */
function fakeTools(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const tool of ['kubectl', 'grep']) {
    // One line per call: each argument, NUL-terminated, so a space or quote inside one stays visible.
    writeFileSync(
      join(bin, tool),
      `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a"; done >> "$ARGLOG"\nprintf '\\n' >> "$ARGLOG"\n`,
    );
    chmodSync(join(bin, tool), 0o755);
  }
  return bin;
}

/** A JSON document's string values joined, as the program reading it sees them. */
function decodedStrings(json: string): string {
  const out: string[] = [];
  JSON.parse(json, (_k, v: unknown) => {
    if (typeof v === 'string') out.push(v);
    return v;
  });
  return out.join(' ');
}

/** Params for a check with every string field set to `value`, or undefined when its schema takes none of them. */
function paramsFor(check: (typeof checks)[number], value: string): unknown {
  const fields = ['namespace', 'name', 'node', 'pod', 'container', 'image'];
  const parsed = (check.params as { safeParse(v: unknown): { success: boolean; data?: unknown } }).safeParse(
    Object.fromEntries(fields.map((f) => [f, value])),
  );
  return parsed.success ? parsed.data : undefined;
}

describe('copyable kubectl commands are shell-quoted', () => {
  const withValues = checks.filter(
    (c) =>
      c.layer !== 'host' &&
      paramsFor(c, 'web-0') !== undefined &&
      c.command(paramsFor(c, 'web-0') as never).includes('kubectl') &&
      c.command(paramsFor(c, 'web-0') as never).includes('web-0'),
  );

  it('finds the checks that show a kubectl command with a name in it', () => {
    expect(withValues.length).toBeGreaterThan(15);
  });

  it.each(hostile)('%j reaches kubectl as one argument and runs nothing', (value) => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-quote-'));
    const bin = fakeTools(dir);
    const problems: string[] = [];
    try {
      for (const check of withValues) {
        const command = check.command(paramsFor(check, value) as never);
        const log = join(dir, `${check.id}.args`);
        writeFileSync(log, '');
        try {
          execFileSync('sh', ['-c', command], {
            cwd: dir,
            env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, ARGLOG: log },
            stdio: 'ignore',
            timeout: 10_000,
          });
        } catch {
          // grep finding nothing exits 1: the exit status is not what is tested.
        }
        for (const p of ['PWNED-dollar', 'PWNED-tick', 'PWNED-semi'])
          if (existsSync(join(dir, p))) problems.push(`${check.id}: ran ${p}: ${command}`);
        rmSync(join(dir, 'PWNED-dollar'), { force: true });
        rmSync(join(dir, 'PWNED-tick'), { force: true });
        rmSync(join(dir, 'PWNED-semi'), { force: true });
        const calls = readFileSync(log, 'utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => l.split('\0').slice(0, -1));
        // A JSON argument (the test pod's --overrides) holds the value JSON-escaped: compare it decoded.
        const args = calls
          .flat()
          .map((a) => (a.startsWith('--overrides=') ? decodedStrings(a.slice('--overrides='.length)) : a));
        // Every argument carrying part of the value carries all of it (alone, or inside a selector or jsonpath).
        if (!args.some((a) => a.includes(value)))
          problems.push(`${check.id}: no argument holds ${JSON.stringify(value)}: ${JSON.stringify(calls)}`);
        const marker = value.includes('PWNED') ? 'PWNED' : value.includes('zq') ? 'zq' : '';
        // The test pod's own name is made from the node's, with what a name may not hold replaced: not a split argument.
        for (const a of args)
          if (marker !== '' && a.includes(marker) && !a.includes(value) && !/^(?:pod\/)?plumbline-test-/.test(a))
            problems.push(`${check.id}: argument ${JSON.stringify(a)} holds part of ${JSON.stringify(value)}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(problems).toEqual([]);
  });

  it('leaves ordinary names bare, as a person would type them', () => {
    const status = checks.find((c) => c.id === 'pod.status');
    expect(status?.command(paramsFor(status, 'web-0') as never)).toBe('kubectl get pod web-0 -n web-0 -o wide');
  });
});
