import { createHash } from 'node:crypto';
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { findCheck } from '../../src/checks/registry.js';
import type { HostCheck } from '../../src/checks/host/define.js';
import type { RawOutputRef } from '../../src/engine/events.js';
import { runCheck } from '../../src/engine/runCheck.js';
import { noNodeAccess } from '../../src/nodeaccess/none.js';
import { readTranscript } from '../../src/transcript/read.js';
import type { CheckedRawRef, TranscriptEvent } from '../../src/transcript/read.js';
import { inlineRawLimit, TranscriptWriter } from '../../src/transcript/writer.js';
import { runCli } from '../helpers/cli.js';
import { event, pod, startTestDrill } from '../helpers/drill.js';

type CheckResultEvent = Extract<TranscriptEvent, { type: 'check.result' }>;

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const requestLine = /^(GET|POST|PATCH|DELETE) \/\S+ → \d{3}$/m;

async function walk(
  dir: string,
  scenario: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ transcript: string; results: CheckResultEvent[] }> {
  const transcript = join(dir, 't.jsonl');
  const run = await runCli(['drill', scenario, '--non-interactive', '--output', 'text', '--transcript', transcript], {
    env,
    timeoutMs: 60_000,
  });
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  const parsed = await readTranscript(transcript);
  expect(parsed.problems).toEqual([]);
  return { transcript, results: parsed.events.filter((e): e is CheckResultEvent => e.type === 'check.result') };
}

const refOf = (e: CheckResultEvent | undefined): CheckedRawRef | undefined =>
  e?.raw && 'file' in e.raw ? e.raw : undefined;
const textOf = (e: CheckResultEvent | undefined): string | undefined =>
  e?.raw && 'text' in e.raw ? e.raw.text : undefined;

describe('a walk on a 10-node drill keeps what each check saw', () => {
  let dir: string;
  let transcript: string;
  let results: CheckResultEvent[];
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plumbline-raw-'));
    ({ transcript, results } = await walk(dir, 'scale-10-nodes'));
  }, 90_000);

  it('puts a big list in a sidecar named by its sha256, written 0600 in a 0700 directory', () => {
    const refs = results.flatMap((e) => refOf(e) ?? []);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const content = readFileSync(join(dir, ref.file));
      expect(ref.file).toBe(`t.raw/${ref.sha256}.txt`);
      expect(sha256(content)).toBe(ref.sha256);
      expect(content.length).toBe(ref.bytes);
      expect(ref.bytes).toBeGreaterThan(inlineRawLimit);
      expect(content.toString('utf8')).toMatch(requestLine);
      expect(statSync(join(dir, ref.file)).mode & 0o777).toBe(0o600);
      expect(ref.found).toEqual({ state: 'ok' });
    }
    expect(statSync(join(dir, 't.raw')).mode & 0o777).toBe(0o700);
    // One file per distinct content, none left over (no temp files).
    expect(readdirSync(join(dir, 't.raw')).sort()).toEqual([...new Set(refs.map((r) => `${r.sha256}.txt`))].sort());

    // The node's pods, as the API listed them: the list a big cluster makes large.
    const podsOnNode = refOf(results.find((e) => e.check === 'node.pods'));
    expect(podsOnNode).toBeDefined();
    const listed = readFileSync(join(dir, podsOnNode?.file ?? ''), 'utf8');
    expect(listed).toMatch(/^GET \/api\/v1\/pods\?fieldSelector=spec\.nodeName%3D[\w-]+&limit=500 → 200$/m);
    expect(listed).toContain('"kind": "PodList"');
    expect(listed).toContain('"name": "app-30-1-0"');
  });

  it('keeps a small answer inline, under its request line', () => {
    const ready = textOf(results.find((e) => e.check === 'node.ready'));
    expect(ready).toMatch(/^GET \/api\/v1\/nodes\/worker-\d+ → 200\n\{\n {2}"kind": "Node",/);
    expect(Buffer.byteLength(ready ?? '')).toBeLessThanOrEqual(inlineRawLimit);
  });

  it("keeps a host command's output inline as the node printed it", () => {
    const disk = results.find((e) => e.check === 'host.disk-space');
    expect(textOf(disk)).toMatch(/^Filesystem +1024-blocks +Used +Available +Capacity +Mounted on\n\/dev\/\S+ .* \/\n/);
    expect(textOf(results.find((e) => e.check === 'host.kubelet-service'))).toContain('ActiveState=active\n');
  });

  it('report names the sidecar and shows an inline output; the JSON report carries the reference', async () => {
    const md = await runCli(['report', transcript]);
    expect(md.exitCode).toBe(0);
    const ref = refOf(results.find((e) => e.check === 'node.pods'));
    expect(md.stdout).toContain(
      `: \`t.raw/${ref?.sha256}.txt\` (${ref?.bytes} bytes, sha256 \`${ref?.sha256.slice(0, 12)}…\`)`,
    );
    expect(md.stdout).toMatch(
      /<summary>[\w-]+: \d+ bytes, \d+ lines<\/summary>\n\n```\nGET \/api\/v1\/nodes\/worker-\d+ → 200\n/,
    );
    expect(md.stdout).not.toContain('does not match');
    const json = await runCli(['report', transcript, '--format', 'json']);
    const report = JSON.parse(json.stdout) as { visits: { step: string; result: { raw?: CheckedRawRef } | null }[] };
    const visit = report.visits.find(
      (v) => v.result?.raw && 'file' in v.result.raw && v.result.raw.sha256 === ref?.sha256,
    );
    expect(visit?.result?.raw).toEqual({ ...ref, found: { state: 'ok' } });
  });

  it('report flags a sidecar changed or deleted after the session, and still reports', async () => {
    // A copy moved elsewhere: the reference is relative, so the pair travels together.
    const moved = mkdtempSync(join(tmpdir(), 'plumbline-raw-moved-'));
    cpSync(dir, moved, { recursive: true });
    const refs = [...new Map(results.flatMap((e) => refOf(e) ?? []).map((r) => [r.sha256, r])).values()];
    const [changed, deleted] = refs;
    if (!changed || !deleted) throw new Error('the walk left fewer than two sidecars');
    appendFileSync(join(moved, changed.file), 'edited afterwards\n');
    rmSync(join(moved, deleted.file));
    const md = await runCli(['report', join(moved, 't.jsonl')]);
    expect(md.exitCode).toBe(0);
    const nowSha = sha256(readFileSync(join(moved, changed.file)));
    expect(md.stdout).toContain(
      `the full output file \`${changed.file}\` does not match the transcript: it now has sha256 \`${nowSha.slice(0, 12)}…\` (${changed.bytes + 18} bytes)`,
    );
    expect(md.stdout).toContain(`the full output file \`${deleted.file}\` is missing`);
    // Every step whose output was one of those files is named (the same pod read twice shares a file).
    const hit = results.flatMap((e) => {
      const ref = refOf(e);
      return ref?.sha256 === changed.sha256
        ? [`\`${e.step}\` (mismatch)`]
        : ref?.sha256 === deleted.sha256
          ? [`\`${e.step}\` (missing)`]
          : [];
    });
    expect(md.stdout).toContain(
      `> **Warning:** the full output of ${hit.length} checks is missing or changed since the session: ${hit.join(', ')}.`,
    );
    // And on stderr, so a report written with --out does not hide it.
    const warned = md.stderr.split('\n').filter((l) => l.includes('full output'));
    expect(warned).toHaveLength(hit.length);
    expect(warned).toContainEqual(
      expect.stringMatching(
        new RegExp(`t\\.jsonl: step \\S+: full output ${deleted.file.replace(/\./g, '\\.')} is missing$`),
      ),
    );
    expect(warned).toContainEqual(
      expect.stringContaining(
        `full output ${changed.file} has changed since the session (sha256 ${nowSha.slice(0, 12)}…, ${changed.bytes + 18} bytes)`,
      ),
    );
    const json = JSON.parse((await runCli(['report', join(moved, 't.jsonl'), '--format', 'json'])).stdout) as {
      visits: { result: { raw?: CheckedRawRef } | null }[];
    };
    const states = json.visits.flatMap((v) =>
      v.result?.raw && 'file' in v.result.raw ? [[v.result.raw.sha256, v.result.raw.found?.state]] : [],
    );
    expect(states).toContainEqual([changed.sha256, 'mismatch']);
    expect(states).toContainEqual([deleted.sha256, 'missing']);
  });
});

// Secrets where a real cluster leaks them: an env var, an event, a unit's environment and its stderr.
const token = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06bm9kZTp3b3JrZXItMSJ9.c2lnbmF0dXJlc2VjcmV0Mg';
const password = 'Tr0ub4dor-and-7';
const house = 'acme-9c1d2e3f';
const secrets = [token, password, house];

describe('planted secrets reach neither the transcript nor a sidecar', () => {
  it('in the pod, its events and a host command', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-raw-secrets-'));
    const kubelet = findCheck('host.kubelet-service') as unknown as HostCheck<{ node: string }, string> & {
      params: { parse(v: unknown): { node: string } };
    };
    const argv = kubelet.argv(kubelet.params.parse({ node: 'worker-1' })).join(' ');
    const running = { running: { startedAt: 'now-29m' } };
    const healthy = pod(
      'api-0',
      'shop',
      {
        nodeName: 'worker-1',
        containers: [
          { name: 'main', image: 'registry.example.com/app:1.0', env: [{ name: 'DB_PASSWORD', value: password }] },
        ],
      },
      {
        phase: 'Running',
        conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
          type,
          status: 'True',
          lastTransitionTime: 'now-29m',
        })),
        containerStatuses: [
          {
            name: 'main',
            image: 'registry.example.com/app:1.0',
            imageID: '',
            ready: true,
            started: true,
            restartCount: 0,
            state: running,
          },
        ],
      },
    );
    // Enough events that their list goes to a sidecar; one carries a bearer token, one a house secret.
    const events = [
      ...Array.from({ length: 12 }, (_, i) =>
        event(
          'shop',
          'api-0',
          'Normal',
          'Pulled',
          `Container image "registry.example.com/app:1.0" already present on machine (${i})`,
        ),
      ),
      event(
        'shop',
        'api-0',
        'Normal',
        'Pulling',
        `Pulling image with header Authorization: Bearer ${token} (${house})`,
      ),
    ];
    const scenario = {
      id: 'planted-raw',
      title: 'secrets in raw output',
      page: 'pod api-0 in namespace shop is slow',
      runbook: 'workload-down',
      inputs: { namespace: 'shop', pod: 'api-0' },
      expect: { diagnosis: null },
      cluster: { generate: { controlPlanes: 1, workers: 2 } },
      objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, healthy, ...events],
      hosts: {
        'worker-1': {
          [argv]: {
            stdout: [
              'Result=success',
              'NRestarts=0',
              'ExecMainStatus=0',
              `Environment=KUBELET_TOKEN=${token} DB_PASSWORD=${password}`,
              'LoadState=loaded',
              'ActiveState=active',
              'SubState=running',
              '',
            ].join('\n'),
            stderr: `Warning: kubelet.service changed on disk, key ${house}\n`,
          },
        },
      },
    };
    const file = join(dir, 's.yaml');
    writeFileSync(file, stringify(scenario));
    const env = { PLUMBLINE_REDACT: 'acme-[0-9a-f]{8}' };
    const { transcript, results } = await walk(dir, file, env);

    const host = textOf(results.find((e) => e.check === 'host.kubelet-service'));
    expect(host).toBe(
      [
        'Result=success',
        'NRestarts=0',
        'ExecMainStatus=0',
        'Environment=KUBELET_TOKEN=[REDACTED] DB_PASSWORD=[REDACTED]',
        'LoadState=loaded',
        'ActiveState=active',
        'SubState=running',
        '--- stderr ---',
        'Warning: kubelet.service changed on disk, key [REDACTED]',
        '',
      ].join('\n'),
    );
    const podRaw = results.find((e) => e.step === 'pod-status');
    const podText = textOf(podRaw) ?? readFileSync(join(dir, refOf(podRaw)?.file ?? 'none'), 'utf8');
    expect(podText).toMatch(/"name": "DB_PASSWORD",\n\s+"value": "\[REDACTED\]"/);
    const eventsRef = refOf(results.find((e) => e.check === 'pod.events'));
    expect(eventsRef).toBeDefined();
    const eventsText = readFileSync(join(dir, eventsRef?.file ?? ''), 'utf8');
    expect(eventsText).toContain('Pulling image with header Authorization: Bearer [REDACTED] ([REDACTED])');

    const sidecars = readdirSync(join(dir, 't.raw')).map((f) => readFileSync(join(dir, 't.raw', f), 'utf8'));
    const report = await runCli(['report', transcript], { env });
    const everything = [readFileSync(transcript, 'utf8'), ...sidecars, report.stdout].join('\n');
    for (const s of secrets) expect(everything).not.toContain(s);
  }, 90_000);
});

describe('the transcript writer', () => {
  it(`keeps ${inlineRawLimit} bytes inline, moves one more to a sidecar, and writes the same output once`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-raw-writer-'));
    const w = TranscriptWriter.open(join(dir, 'w.jsonl'));
    const result = (step: string, text: string) =>
      w.write({
        type: 'check.result',
        step,
        check: 'pod.status',
        outcome: 'running',
        summary: 's',
        evidence: [],
        facts: {},
        durationMs: 1,
        timedOut: false,
        verdict: 'ok',
        raw: { text },
      });
    const small = 'x'.repeat(inlineRawLimit);
    const big = `${'é'.repeat(inlineRawLimit / 2)}\n`;
    result('a', small);
    result('b', big);
    result('c', big);
    w.close();
    const lines = readFileSync(join(dir, 'w.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { raw: { text?: string } & Partial<RawOutputRef> });
    expect(lines[0]?.raw).toEqual({ text: small });
    const ref = { sha256: sha256(big), bytes: Buffer.byteLength(big), file: `w.raw/${sha256(big)}.txt` };
    expect(lines[1]?.raw).toEqual(ref);
    expect(lines[2]?.raw).toEqual(ref);
    expect(readdirSync(join(dir, 'w.raw'))).toEqual([`${ref.sha256}.txt`]);
    expect(readFileSync(join(dir, ref.file), 'utf8')).toBe(big);
  });
});

describe('runCheck', () => {
  it('records the API answers only when asked', async () => {
    const d = await startTestDrill({ cluster: { nodes: [{ name: 'worker-1' }] } as never });
    try {
      const inv = {
        step: 'n',
        check: 'node.ready',
        with: { name: 'worker-1' },
        timeoutMs: 10_000,
        inputs: {},
        facts: {},
        phase: 'top-down' as const,
      };
      const deps = { kube: d.kube, nodes: noNodeAccess, now: () => d.now, onStart: () => undefined };
      const quiet = await runCheck(inv, AbortSignal.timeout(10_000), deps);
      expect(quiet.outcome).toBe('ready');
      expect(quiet.raw).toBeUndefined();
      const recorded = await runCheck(inv, AbortSignal.timeout(10_000), { ...deps, recordRaw: true });
      expect(recorded.raw).toMatch(/^GET \/api\/v1\/nodes\/worker-1 → 200\n/);
      expect(JSON.parse((recorded.raw ?? '').split('\n').slice(1).join('\n'))).toMatchObject({
        kind: 'Node',
        metadata: { name: 'worker-1' },
      });
      // A missing object is an answer too: the API's Status under its 404.
      const gone = await runCheck({ ...inv, with: { name: 'worker-9' } }, AbortSignal.timeout(10_000), {
        ...deps,
        recordRaw: true,
      });
      expect(gone.outcome).toBe('not-found');
      expect(gone.raw).toMatch(/^GET \/api\/v1\/nodes\/worker-9 → 404\n\{\n {2}"kind": "Status",/);
    } finally {
      await d.close();
    }
  });
});
