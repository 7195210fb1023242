import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseKubeletJournal } from '../../../src/checks/host/kubeletJournal.js';

const p = { node: 'node-1', sinceMinutes: 15, maxLines: 2000 };
const raw = (file: string) => readFileSync(join(import.meta.dirname, '../../../scenarios/real/raw', file), 'utf8');
const run = (file: string) =>
  parseKubeletJournal(
    { stdout: raw(file), stderr: '', exitCode: 0, durationMs: 5, timedOut: false, truncated: false },
    p,
  );

// Each file is a kubelet journal (or log) pasted in the public thread its scenario cites.
describe('host.kubelet-journal on pasted journals: the node failure classes', () => {
  it.each([
    // The API connection: a dead HTTP/2 connection the kubelet keeps using, in 1.1x syslog form and bare klog.
    [
      'rn-kubelet-closed-conn-92164/kubelet-journal.txt',
      'apiserver-connection-lost',
      {
        apiserverEndpoint: '510c811c-423f-4e3d-be59-7c71ce2f3505.local:8443',
        apiserverError: 'use of closed network connection',
      },
    ],
    [
      'rn-kubelet-closed-conn-87615/kubelet-journal.txt',
      'apiserver-connection-lost',
      { apiserverEndpoint: 'vm10.company.com:8443', apiserverConnectionLostLines: 5 },
    ],
    // The API server cannot be reached at all: structured klog, a Lease and a registration that time out.
    [
      'rn-kubelet-apiserver-timeout-kthw-822/kubelet-journal.txt',
      'apiserver-unreachable',
      { apiserverEndpoint: 'server.kubernetes.local:6443', apiserverUnreachableLines: 2 },
    ],
    // The kubelet exits at start on an error no class names: a bare cobra flag error, a klog F line (the catalog reads them).
    [
      'rl-network-plugin-flag-upgrade124-website-36896/kubelet-output.txt',
      'exits-on-error',
      { kubeletLastError: 'kubelet upgrade Error: failed to parse kubelet flag: unknown flag: --network-plugin' },
    ],
    ['rl-swap-never-registered-kthw-439/kubelet-output.txt', 'exits-on-error', { kubeletErrorLines: 1 }],
    // A proxy in HTTP(S)_PROXY answers the kubelet's API requests instead of the API server (kind's kubelet.log).
    [
      'rl-kubelet-proxy-auth-kind-1674/kubelet.log',
      'apiserver-unreachable',
      { apiserverEndpoint: 'kind-control-plane:6443', apiserverError: 'Proxy Authentication Required' },
    ],
    // Certificates: the bootstrap certificate expired (1.20 wording, and 1.10's capitalised one without a klog header).
    [
      'rn-kubelet-bootstrap-cert-expired-98150/kubelet-journal.txt',
      'certificate',
      { certificateLines: 1, kubeletLastExit: 'code=exited, status=255/EXCEPTION' },
    ],
    ['rn-kubelet-client-cert-expired-65991/kubelet-journal.txt', 'certificate', { certificateLines: 1 }],
    // PLEG with the runtime's calls timing out: dockershim's bare "operation timeout", gRPC code 4, k3s's DeadlineExceeded.
    [
      'rn-pleg-docker-hang-rook-7171/kubelet-journal.txt',
      'runtime-timeout',
      { runtimeTimeoutLines: 1, plegUnhealthyLines: 5, plegLastSeenSeconds: 182 },
    ],
    ['rn-pleg-runtime-deadline-54381/kubelet-journal.txt', 'runtime-timeout', { runtimeTimeoutLines: 3 }],
    ['rn-k3s-runtime-deadline-2370/k3s-journal.txt', 'runtime-timeout', { runtimeTimeoutLines: 2 }],
    // PLEG alone.
    // A sandbox that docker does not start in time, next to the streaming server's closed connections (noise).
    [
      'rn-sandbox-timeout-not-closed-conn-103765/kubelet-journal.txt',
      'runtime-timeout',
      { runtimeTimeoutLines: 3, apiserverConnectionLostLines: 0 },
    ],
    ['rn-pleg-alone-61117/kubelet-journal.txt', 'pleg-unhealthy', { plegUnhealthyLines: 5, plegLastSeenSeconds: 205 }],
    [
      'rn-pleg-eks-workshop-447/kubelet-journal.txt',
      'pleg-unhealthy',
      { plegUnhealthyLines: 2, plegLastSeenSeconds: 9198 },
    ],
    // OpenShift 3's kubelet logs as origin-node; a relist that never completed is Go's largest duration.
    [
      'rn-pleg-never-relisted-origin-84978/kubelet-journal.txt',
      'pleg-unhealthy',
      { plegUnhealthyLines: 4, plegLastSeenSeconds: 9223372037 },
    ],
    // gRPC code 4 on a sandbox stop beside PLEG; an expired client certificate the server no longer lets it renew.
    ['rn-pleg-sandbox-deadline-51919/kubelet-journal.txt', 'runtime-timeout', { runtimeTimeoutLines: 1 }],
    ['rn-kubelet-cert-expired-clock-96256/kubelet-journal.txt', 'certificate', { certificateLines: 2 }],
  ])('%s → %s', (file, outcome, facts) => {
    const r = run(file);
    expect(r.outcome).toBe(outcome);
    expect(r.facts).toMatchObject({ kubeletJournalFinding: outcome, ...facts });
  });

  it("the kubelet streaming server's closed connections (exec, port-forward) are not the API connection", () => {
    // kubernetes/kubernetes#98094, as pasted.
    const stdout = [
      'Jan 15 07:42:08 node-2 kubelet[1462]: E0115 07:42:08.437831    1462 conn.go:254] Error on socket receive: read tcp 127.0.0.1:42499->127.0.0.1:40584: use of closed network connection',
      'Jan 15 07:42:09 node-2 kubelet[1462]: E0115 07:42:09.268678    1462 conn.go:254] Error on socket receive: read tcp 127.0.0.1:42499->127.0.0.1:40588: use of closed network connection',
    ].join('\n');
    const r = parseKubeletJournal(
      { stdout, stderr: '', exitCode: 0, durationMs: 5, timedOut: false, truncated: false },
      p,
    );
    expect(r.outcome).toBe('quiet');
    expect(r.facts).toMatchObject({ apiserverConnectionLostLines: 0 });
  });

  it('says where and how the API connection failed', () => {
    expect(run('rn-kubelet-apiserver-timeout-kthw-822/kubelet-journal.txt').summary).toMatch(
      /^the kubelet cannot reach the API server .*\(server\.kubernetes\.local:6443: /,
    );
  });
});
