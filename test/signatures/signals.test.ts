import { describe, expect, it } from 'vitest';
import type { RecordedResponse } from '../../src/kube/client.js';
import { bundledCatalog } from '../../src/signatures/catalog.js';
import { matchSignals, rankAnomalies } from '../../src/signatures/match.js';
import { lineSeverity, signalsOf } from '../../src/signatures/signals.js';

const podCheck = { id: 'pod.status', layer: 'pod' as const };
const json = (path: string, body: unknown, status = 200): RecordedResponse => ({
  method: 'GET',
  path,
  status,
  body: JSON.stringify(body),
});

describe('signals a check read', () => {
  it('reads an evicted pod: its status reason and message, and its containers exit codes', () => {
    const pod = {
      kind: 'Pod',
      metadata: { name: 'web-1', namespace: 'shop' },
      status: {
        phase: 'Failed',
        reason: 'Evicted',
        // kubernetes/kubernetes#91600, verbatim
        message:
          'The node was low on resource: ephemeral-storage. Container ebaogi-bff-app was using 34260Ki, which exceeds its request of 0. ',
        containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 137, reason: 'Error' } }, lastState: {} }],
      },
    };
    const signals = signalsOf(podCheck, {}, [json('/api/v1/namespaces/shop/pods/web-1', pod)], undefined);
    expect(signals.map((s) => [s.kind, s.reason, s.text, s.exitCode])).toEqual([
      [
        'status',
        'Evicted',
        'The node was low on resource: ephemeral-storage. Container ebaogi-bff-app was using 34260Ki, which exceeds its request of 0. ',
        undefined,
      ],
      ['termination', 'Error', 'Error, exit code 137', 137],
    ]);
    expect(matchSignals(bundledCatalog(), signals)[0]?.signature.id).toBe('evicted-ephemeral-storage');
  });

  it('reads Events of both APIs with their reason and the object they are about', () => {
    const list = {
      kind: 'EventList',
      items: [
        {
          type: 'Warning',
          reason: 'Ext4Error',
          message:
            'EXT4-fs error (device nvme19n1): ext4_wait_block_bitmap:517: comm etcd: Cannot read block bitmap - block_group = 34, block_bitmap = 1048578',
          involvedObject: { kind: 'Node', name: 'n1' },
        },
        {
          type: 'Normal',
          reason: 'Pulled',
          message: 'Container image "x" already present on machine',
          involvedObject: { kind: 'Pod', namespace: 'a', name: 'p' },
        },
      ],
    };
    const signals = signalsOf(podCheck, {}, [json('/api/v1/events?fieldSelector=x', list)], undefined);
    expect(signals.map((s) => [s.layer, s.source, s.reason, s.severity])).toEqual([
      ['node', 'Warning event on node n1', 'Ext4Error', 2],
      ['pod', 'Normal event on pod a/p', 'Pulled', 0],
    ]);
  });

  it('keeps the frame of a Go panic that is not the runtime: the code that panicked', () => {
    // A Go panic as the runtime prints it (the frames are the form every Go program prints).
    const log = [
      'I0102 10:00:00.000000       1 main.go:20] starting',
      'panic: runtime error: invalid memory address or nil pointer dereference',
      '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x8b3c2a]',
      '',
      'goroutine 1 [running]:',
      'main.(*Server).Start(0x0)',
      '\t/app/server.go:42 +0x2a',
      'main.main()',
      '\t/app/main.go:25 +0x85',
    ].join('\n');
    const r: RecordedResponse = {
      method: 'GET',
      path: '/api/v1/namespaces/a/pods/p/log?container=app&previous=true',
      status: 200,
      body: log,
    };
    const signals = signalsOf(podCheck, {}, [r], undefined);
    const panic = signals.find((s) => s.text.startsWith('panic:'));
    expect(panic).toMatchObject({
      kind: 'log',
      source: 'log of a/p (app, previous)',
      severity: 3,
      text: 'panic: runtime error: invalid memory address or nil pointer dereference [at main.(*Server).Start(...) /app/server.go:42]',
    });
  });

  it('reads host output line by line, naming the check and the node', () => {
    const out = 'Feb 23 20:53:32 <IP> kernel: EXT4-fs (xvda9): Remounting filesystem read-only\n';
    const signals = signalsOf({ id: 'host.kernel-log', layer: 'host' }, { node: 'worker-2' }, undefined, out);
    expect(signals).toEqual([
      {
        kind: 'host',
        layer: 'host',
        source: 'host.kernel-log on worker-2',
        text: 'Feb 23 20:53:32 <IP> kernel: EXT4-fs (xvda9): Remounting filesystem read-only',
        severity: 3,
      },
    ]);
    expect(matchSignals(bundledCatalog(), signals).map((m) => m.signature.id)).toEqual(['ext4-remounted-read-only']);
  });

  it('does not count a log that could not be fetched, or a 404, as an anomaly', () => {
    const status = (message: string) => ({ kind: 'Status', status: 'Failure', message });
    const signals = signalsOf(
      podCheck,
      {},
      [
        json('/api/v1/namespaces/a/pods/p/log', status('not collected'), 500),
        json('/api/v1/namespaces/a/pods/q', status('pods "q" not found'), 404),
      ],
      undefined,
    );
    expect(rankAnomalies(signals)).toEqual([]);
  });

  it('reads a node: its bad conditions and its architecture, kernel and runtime', () => {
    const node = {
      kind: 'Node',
      metadata: { name: 'n1' },
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'KubeletNotReady',
            message: 'PLEG is not healthy: pleg was last seen active 3m0s ago',
          },
          { type: 'MemoryPressure', status: 'False' },
        ],
        nodeInfo: {
          architecture: 'arm64',
          operatingSystem: 'linux',
          kernelVersion: '5.15.0',
          containerRuntimeVersion: 'containerd://1.6.8',
          kubeletVersion: 'v1.27.3',
        },
      },
    };
    const signals = signalsOf(podCheck, {}, [json('/api/v1/nodes/n1', node)], undefined);
    expect(signals.map((s) => [s.kind, s.text])).toEqual([
      ['condition', 'Ready=False KubeletNotReady: PLEG is not healthy: pleg was last seen active 3m0s ago'],
      ['arch', 'architecture=arm64 os=linux kernel=5.15.0 runtime=containerd://1.6.8 kubelet=v1.27.3'],
    ]);
  });
});

describe('anomalies nothing explains', () => {
  it('ranks the worst first, and the deeper layer first among equals', () => {
    const ranked = rankAnomalies([
      {
        kind: 'event',
        layer: 'pod',
        source: 'e',
        text: 'Back-off restarting failed container',
        reason: 'BackOff',
        severity: 2,
      },
      { kind: 'host', layer: 'host', source: 'h', text: 'kubelet: failed to x', severity: 2 },
      { kind: 'log', layer: 'pod', source: 'l', text: 'panic: boom', severity: 3 },
      { kind: 'log', layer: 'pod', source: 'l', text: 'all good', severity: 0 },
    ]);
    expect(ranked.map((a) => a.line)).toEqual([
      'panic: boom',
      'kubelet: failed to x',
      'BackOff: Back-off restarting failed container',
    ]);
  });

  it.each([
    ['E0102 10:00:00.000000       1 reflector.go:138] failed to list', 2],
    ['level=error msg="dial tcp 10.0.0.1:443: connect: connection refused"', 2],
    ['{"level":"warn","msg":"slow"}', 1],
    ['fatal error: concurrent map writes', 3],
    ['I0102 10:00:00.000000 started', 0],
  ])('%s reads as severity %d', (line, severity) => {
    expect(lineSeverity(line)).toBe(severity);
  });
});

describe('a webhook the API server reached through a proxy', () => {
  const page = (text: string) => [
    { kind: 'api' as const, layer: 'cluster' as const, source: 'the error on the page', text, severity: 2 },
  ];
  const ids = (text: string) => matchSignals(bundledCatalog(), page(text)).map((m) => m.signature.id);

  it("a bare HTTP reason after the webhook's URL is a proxy's answer to CONNECT (kubernetes#97704, verbatim)", () => {
    expect(
      ids(
        'Error from server (InternalError): error when creating "ingress-myapp.yaml": Internal error occurred: failed calling webhook "validate.nginx.ingress.kubernetes.io": Post https://ingress-nginx-controller-admission.ingress-nginx.svc:443/extensions/v1beta1/ingresses?timeout=30s: Gateway Timeout',
      ),
    ).toContain('apiserver-webhook-via-proxy');
  });

  it("k3s's own egress proxy (bitnami/charts#15094) and a webhook without endpoints (metallb#1669) are not that", () => {
    expect(
      ids(
        'failed to call webhook: Post "https://metallb-webhook-service.metallb-system.svc:443/validate-metallb-io-v1beta1-l2advertisement?timeout=10s": proxy error from',
      ),
    ).not.toContain('apiserver-webhook-via-proxy');
    expect(
      ids(
        'Error from server (InternalError): error when creating "/tmp/MetallbConfig-1528688034.yaml": Internal error occurred: failed calling webhook "ipaddresspoolvalidationwebhook.metallb.io": Post "https://webhook-service.metallb-system.svc:443/validate-metallb-io-v1beta1-ipaddresspool?timeout=10s": no endpoints available for service "webhook-service"',
      ),
    ).not.toContain('apiserver-webhook-via-proxy');
  });
});
