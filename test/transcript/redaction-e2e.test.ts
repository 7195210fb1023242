import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { findCheck } from '../../src/checks/registry.js';
import type { HostCheck } from '../../src/checks/host/define.js';
import { castPathFor } from '../../src/transcript/cast.js';
import { runCli } from '../helpers/cli.js';

// Secrets planted where a real cluster leaks them: events, container state, host journals.
const token = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06bm9kZTp3b3JrZXItMiJ9.c2lnbmF0dXJlc2VjcmV0MQ';
const password = 'Tr0ub4dor-and-3';
const house = 'acme-7f3e9a1c';
const key = [
  '-----BEGIN RSA PRIVATE KEY-----',
  'MIIEowIBAAKCAQEA7bq9planted0key0material0that0must0never0leak',
  '-----END RSA PRIVATE KEY-----',
].join('\n');
const secrets = [token, password, house, 'planted0key0material'];

async function walkAndRead(dir: string, scenario: object): Promise<string> {
  const file = join(dir, 's.yaml');
  writeFileSync(file, stringify(scenario));
  const transcript = join(dir, 't.jsonl');
  // A house pattern from PLUMBLINE_REDACT is honoured like the built-in ones.
  const env = { PLUMBLINE_REDACT: 'acme-[0-9a-f]{8}' };
  const walk = await runCli(['drill', file, '--non-interactive', '--output', 'text', '--transcript', transcript], {
    env,
  });
  expect(walk.exitCode).toBe(0);
  const report = await runCli(['report', transcript], { env });
  expect(report.exitCode).toBe(0);
  const replay = await runCli(['replay', transcript], { env });
  expect(replay.exitCode).toBe(0);
  return [
    walk.stdout,
    walk.stderr,
    readFileSync(transcript, 'utf8'),
    readFileSync(castPathFor(transcript), 'utf8'),
    report.stdout,
    replay.stdout,
  ].join('\n');
}

describe('planted secrets reach no transcript, recording, report, replay or screen', () => {
  it('in pod events and container state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-redact-e2e-'));
    const everything = await walkAndRead(dir, {
      id: 'planted-pod',
      title: 'secrets in events',
      page: 'pod api-0 in namespace shop is not starting',
      runbook: 'workload-down',
      inputs: { namespace: 'shop', pod: 'api-0' },
      expect: { diagnosis: 'image-pull-unauthorized' },
      cluster: { nodes: [{ name: 'worker-1' }] },
      objects: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: 'api-0',
            namespace: 'shop',
            uid: '5f0c7d1e-1111-4222-8333-944455556666',
            creationTimestamp: 'now-10m',
          },
          spec: { nodeName: 'worker-1', containers: [{ name: 'api', image: 'registry.example.com/shop/api:1.0' }] },
          status: {
            phase: 'Pending',
            containerStatuses: [
              {
                name: 'api',
                image: 'registry.example.com/shop/api:1.0',
                imageID: '',
                ready: false,
                restartCount: 0,
                state: {
                  waiting: {
                    reason: 'ImagePullBackOff',
                    message: `Back-off pulling image; DOCKER_PASSWORD=${password} ${house}`,
                  },
                },
              },
            ],
          },
        },
        {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { name: 'api-0.1', namespace: 'shop', creationTimestamp: 'now-9m' },
          involvedObject: {
            apiVersion: 'v1',
            kind: 'Pod',
            name: 'api-0',
            namespace: 'shop',
            uid: '5f0c7d1e-1111-4222-8333-944455556666',
          },
          reason: 'Failed',
          message: `Failed to pull image "registry.example.com/shop/api:1.0": unexpected status from GET request with header Authorization: Bearer ${token}: 401 Unauthorized (${house})`,
          source: { component: 'kubelet', host: 'worker-1' },
          firstTimestamp: 'now-9m',
          lastTimestamp: 'now-1m',
          count: 7,
          type: 'Warning',
        },
      ],
    });
    expect(everything).toContain('Failed to pull image');
    expect(everything).toContain('REDACTED');
    for (const s of secrets) expect(everything).not.toContain(s);
  });

  it('in host command output (kubelet journal)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-redact-e2e-'));
    const journal = findCheck('host.kubelet-journal') as unknown as HostCheck<{ node: string }, string> & {
      params: { parse(v: unknown): { node: string } };
    };
    const argv = journal.argv(journal.params.parse({ node: 'worker-2' })).join(' ');
    const everything = await walkAndRead(dir, {
      id: 'planted-host',
      title: 'secrets in a journal',
      page: 'node worker-2 is NotReady',
      runbook: 'node-not-ready',
      inputs: { node: 'worker-2' },
      expect: { diagnosis: null },
      cluster: { generate: { controlPlanes: 1, workers: 2 } },
      faults: [{ fault: 'systemd-dbus-hang', node: 'worker-2' }],
      hosts: {
        'worker-2': {
          [argv]: {
            stdout: [
              `2026-11-23T02:41:13+0000 worker-2 kubelet[1123]: E1123 02:41:13.512301    1123 kubelet.go:2359] "Skipping pod synchronization" err="PLEG is not healthy: pleg was last seen active 3m10.512s ago; threshold is 3m0s" token="${token}"`,
              `2026-11-23T02:41:14+0000 worker-2 kubelet[1123]: I1123 02:41:14.000001    1123 config.go:1] "dumping env" KUBELET_TOKEN=${token} DB_PASSWORD=${password} ${house}`,
              ...key.split('\n').map((l) => `2026-11-23T02:41:15+0000 worker-2 kubelet[1123]: ${l}`),
              '',
            ].join('\n'),
          },
        },
      },
    });
    // The planted journal line itself was read and shown (kubelet pid 1123 is ours, not the fault's).
    expect(everything).toMatch(/kubelet\[1123\].*PLEG is not healthy.*REDACTED/);
    for (const s of secrets) expect(everything).not.toContain(s);
  });
});
