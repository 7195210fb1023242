import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { findCheck } from '../../src/checks/registry.js';
import type { HostCheck } from '../../src/checks/host/define.js';
import { castPathFor } from '../../src/transcript/cast.js';
import { sidecarDirFor } from '../../src/transcript/writer.js';
import { runCli } from '../helpers/cli.js';
import { crashLoopingContainer } from '../helpers/drill.js';

// Every exit point of issue 14 item 4: `plumbline check`, the transcript's raw sidecars (with the
// transcript, recording, report, replay and screen), stderr, and replay of an edited transcript.

const url = 'postgres://app:Url-Pa55word@db.shop.svc:5432/orders';
const pgpassword = 'Pg-Pa55word-1';
const bearer = '4f9c1b2a7d3e8f60a1b2c3d4e5';

function plantedPodScenario(): object {
  return {
    id: 'planted-logs',
    title: 'secrets in a log',
    page: 'pod api-0 in namespace shop keeps restarting',
    runbook: 'workload-down',
    inputs: { namespace: 'shop', pod: 'api-0' },
    expect: { diagnosis: null },
    cluster: { nodes: [{ name: 'worker-1' }] },
    objects: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'api-0', namespace: 'shop', creationTimestamp: 'now-10m' },
        spec: { nodeName: 'worker-1', containers: [{ name: 'api', image: 'registry.example.com/shop/api:1.0' }] },
        status: {
          phase: 'Running',
          containerStatuses: [
            crashLoopingContainer({
              name: 'api',
              image: 'registry.example.com/shop/api:1.0',
              restartCount: 4,
              exitCode: 1,
              reason: 'Error',
              started: 'now-3m',
              finished: 'now-2m',
            }),
          ],
        },
      },
    ],
    logs: [
      {
        namespace: 'shop',
        pod: 'api-0',
        container: 'api',
        previous: true,
        lines: [
          `now-3m starting with PGHOST=db PGPASSWORD=${pgpassword}`,
          `now-3m calling auth with Authorization: Bearer ${bearer}`,
          `now-2m FATAL: could not connect to ${url}: connection refused`,
        ],
      },
    ],
  };
}

describe('plumbline check prints what a check saw redacted', () => {
  it.each([['text'], ['json']])('--output %s', async (output) => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-secret-check-'));
    const file = join(dir, 'planted.yaml');
    writeFileSync(file, stringify(plantedPodScenario()));
    const r = await runCli([
      'check',
      'pod.logs',
      '--drill',
      file,
      '--set',
      'namespace=shop',
      '--set',
      'name=api-0',
      '--output',
      output,
    ]);
    const all = r.stdout + r.stderr;
    // The log was read (its line is there) and its secrets are not.
    expect(all).toContain('could not connect to postgres://app:[REDACTED]@db.shop.svc:5432/orders');
    for (const s of ['Url-Pa55word', pgpassword, bearer]) expect(all).not.toContain(s);
  });
});

// Host output with the forms the sidecars missed, padded past the inline limit so it goes to a sidecar file.
const hostSecrets = {
  awsSecret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  asia: 'ASIAIOSFODNN7EXAMPLE',
  apiKey: 'k-83c1f0e2a9-apikey',
  dbPass: 'db-pass-hunter2',
  xApiKey: '5d41402abc4b2a76b9719d91',
  digest: '6629fae49393a05397450978507c4ef1',
  pgp: 'lQOYBF2lnPIBCADJexamplePGPkeymaterial',
  putty: 'AAAAIExamplePuttyPrivateKeyMaterial',
  stripe: 'sk_live_51H8exampleExampleExample00',
  clientKey: 'LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVB',
};

function journal(): string {
  const prefix = '2026-11-23T02:41:14+0000 worker-2 kubelet[1123]:';
  const lines = [
    `${prefix} E1123 02:41:13.512301    1123 kubelet.go:2359] "Skipping pod synchronization" err="PLEG is not healthy: pleg was last seen active 3m10.512s ago; threshold is 3m0s"`,
    'aws_secret_access_key = ' + hostSecrets.awsSecret,
    `${prefix} assumed key ${hostSecrets.asia}`,
    `${prefix} exec agent --api-key ${hostSecrets.apiKey}`,
    '    - --api-key',
    `    - ${hostSecrets.apiKey}`,
    `${prefix} env DB_PASS=${hostSecrets.dbPass}`,
    `${prefix} headers="Accept: */* X-Api-Key: ${hostSecrets.xApiKey} User-Agent: agent/1.2"`,
    `${prefix} Authorization: Digest username="Mufasa", uri="/dir/index.html", response="${hostSecrets.digest}", opaque="5ccc"`,
    '-----BEGIN PGP PRIVATE KEY BLOCK-----',
    hostSecrets.pgp,
    '-----END PGP PRIVATE KEY BLOCK-----',
    'PuTTY-User-Key-File-3: ssh-ed25519',
    'Private-Lines: 1',
    hostSecrets.putty,
    'Private-MAC: 5c8b7a4d1f0e9c2b3a6d5e4f7081a2b3',
    `${prefix} stripe key ${hostSecrets.stripe}`,
    `clientKeyData: ${hostSecrets.clientKey}`,
  ];
  for (let i = 0; lines.join('\n').length < 6_000; i++)
    lines.push(
      `${prefix} I1123 02:41:${String(i % 60).padStart(2, '0')}.000001    1123 status.go:71] "ordinary line" n=${i}`,
    );
  return `${lines.join('\n')}\n`;
}

describe('host output with every form reaches no sidecar, transcript, recording, report, replay or screen', () => {
  it('redacts the kubelet journal wherever it goes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-secret-sidecar-'));
    const check = findCheck('host.kubelet-journal') as unknown as HostCheck<{ node: string }, string> & {
      params: { parse(v: unknown): { node: string } };
    };
    const argv = check.argv(check.params.parse({ node: 'worker-2' })).join(' ');
    const file = join(dir, 's.yaml');
    writeFileSync(
      file,
      stringify({
        id: 'planted-host-forms',
        title: 'secrets in a journal',
        page: 'node worker-2 is NotReady',
        runbook: 'node-not-ready',
        inputs: { node: 'worker-2' },
        expect: { diagnosis: null },
        cluster: { generate: { controlPlanes: 1, workers: 2 } },
        faults: [{ fault: 'systemd-dbus-hang', node: 'worker-2' }],
        hosts: { 'worker-2': { [argv]: { stdout: journal() } } },
      }),
    );
    const transcript = join(dir, 't.jsonl');
    const walk = await runCli(['drill', file, '--non-interactive', '--output', 'text', '--transcript', transcript], {
      timeoutMs: 60_000,
    });
    expect(walk.exitCode).toBe(0);
    const sidecars = readdirSync(sidecarDirFor(transcript)).map((f) =>
      readFileSync(join(sidecarDirFor(transcript), f), 'utf8'),
    );
    // The journal went to a sidecar (it is bigger than the inline limit) and was read there.
    expect(sidecars.join('\n')).toContain('"Skipping pod synchronization"');
    expect(sidecars.join('\n')).toContain('X-Api-Key: [REDACTED] User-Agent: agent/1.2');
    const report = await runCli(['report', transcript]);
    const replay = await runCli(['replay', transcript]);
    const everything = [
      walk.stdout,
      walk.stderr,
      readFileSync(transcript, 'utf8'),
      readFileSync(castPathFor(transcript), 'utf8'),
      ...sidecars,
      report.stdout,
      report.stderr,
      replay.stdout,
      replay.stderr,
    ].join('\n');
    for (const [form, secret] of Object.entries(hostSecrets)) expect(everything, form).not.toContain(secret);
  }, 90_000);
});

describe('stderr says what failed without its secrets', () => {
  it('a kubeconfig server address with a password', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-secret-stderr-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: 'https://admin:Srv-Pa55word@127.0.0.1:1' } }],
        users: [{ name: 'u', user: { token: 'not-a-real-token-0123456789' } }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'x',
      }),
      { mode: 0o600 },
    );
    const r = await runCli([
      'run',
      'workload-down',
      '--kubeconfig',
      kubeconfig,
      '--set',
      'namespace=shop',
      '--set',
      'pod=web-0',
      '--non-interactive',
    ]);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('127.0.0.1:1');
    expect(r.stderr).not.toContain('Srv-Pa55word');
  });

  it("an exec credential plugin's failure text", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-secret-exec-'));
    const plugin = join(dir, 'cred-plugin');
    // A plugin that fails and says too much, as a misconfigured one does (it echoes what it was given).
    writeFileSync(
      plugin,
      '#!/bin/sh\necho "login failed for https://ops:Exec-Pa55word@sso.example.com: refresh_token=Exec-Refresh-0123456789 rejected" >&2\nexit 1\n',
    );
    chmodSync(plugin, 0o755);
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
        users: [
          {
            name: 'u',
            user: {
              exec: { apiVersion: 'client.authentication.k8s.io/v1', command: plugin, interactiveMode: 'Never' },
            },
          },
        ],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'x',
      }),
      { mode: 0o600 },
    );
    const r = await runCli([
      'run',
      'workload-down',
      '--kubeconfig',
      kubeconfig,
      '--set',
      'namespace=shop',
      '--set',
      'pod=web-0',
      '--non-interactive',
    ]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('login failed for https://ops:[REDACTED]@sso.example.com');
    for (const s of ['Exec-Pa55word', 'Exec-Refresh-0123456789']) expect(r.stderr).not.toContain(s);
  });
});

describe('replay redacts a transcript again', () => {
  it('an edited transcript: a secret put into an event and a bad line quoting one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-secret-replay-'));
    const transcript = join(dir, 't.jsonl');
    const walk = await runCli([
      'drill',
      'pod-pending-node-selector',
      '--non-interactive',
      '--output',
      'text',
      '--transcript',
      transcript,
    ]);
    expect(walk.exitCode).toBe(0);
    const lines = readFileSync(transcript, 'utf8').trimEnd().split('\n');
    const edited = lines.map((l) => {
      const e = JSON.parse(l) as { type: string; summary?: string };
      if (e.type !== 'check.result') return l;
      return JSON.stringify({
        ...e,
        summary: `${e.summary ?? ''} (X-Api-Key: Replay-Key-0123456789 DB_PASS=Replay-Pass-1)`,
      });
    });
    // A line that is not JSON: the reader's problem quotes it.
    edited.splice(2, 0, 'aws_secret_access_key = Replay-Aws-Secret-0123456789');
    writeFileSync(transcript, `${edited.join('\n')}\n`);
    const r = await runCli(['replay', transcript]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('X-Api-Key: [REDACTED]');
    for (const s of ['Replay-Key-0123456789', 'Replay-Pass-1', 'Replay-Aws-Secret-0123456789'])
      expect(r.stdout + r.stderr).not.toContain(s);
  });
});
