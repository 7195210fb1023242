import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLines } from '../../../src/drill/raw.js';
import { crashLoopingContainer, pod, startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';
import { kubectlAvailable, runKubectl, warnIfKubectlMissing } from '../../helpers/kubectl.js';

// A log pasted from the runtime's own file (/var/log/pods/..., `<time> stderr F <text>`) is served as
// `kubectl logs` prints it: the kubelet reads that file and gives each line's text, partial lines joined.
warnIfKubectlMissing('container logs in the runtime file form');

const etcdFile = readFileSync(
  new URL('../../../scenarios/real/raw/ro-ubuntu2110-etcd-sigterm-107892/etcd.log', import.meta.url),
  'utf8',
);
const partialFile = readFileSync(new URL('../../fixtures/cri-logs/podman-8879-partial.txt', import.meta.url), 'utf8');

const crashed = crashLoopingContainer({
  name: 'main',
  image: 'registry.example.com/app:1.0',
  restartCount: 3,
  exitCode: 0,
  reason: 'Completed',
  started: 'now-5m',
  finished: 'now-4m',
});

describe.runIf(kubectlAvailable())('logs in the runtime file form', () => {
  let d: TestDrill;
  const logs = (args: string[]) => runKubectl(d.drill.kubeconfigPath, ['logs', '-n', 'db', ...args]);

  beforeAll(async () => {
    d = await startTestDrill({
      objects: [
        pod('etcd', 'db', { nodeName: 'worker-1' }, { phase: 'Running', containerStatuses: [crashed] }),
        pod('split', 'db', { nodeName: 'worker-1' }, { phase: 'Running', containerStatuses: [crashed] }),
      ] as never,
      logs: [
        { namespace: 'db', pod: 'etcd', container: 'main', previous: true, lines: logLines(etcdFile) },
        { namespace: 'db', pod: 'split', container: 'main', previous: true, lines: logLines(partialFile) },
      ],
    });
  });
  afterAll(() => d.close());

  it("prints each line's text, without the runtime's time, stream and tag (kubernetes#107892's etcd log)", async () => {
    const r = await logs(['etcd', '--previous']);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(logLines(etcdFile).length);
    // etcd's own JSON lines and grpc's WARNING lines, each as etcd wrote it.
    for (const l of lines) expect(l).toMatch(/^(\{"level":"info","ts":"2022-02-01T|WARNING: 2022\/02\/01 )/);
    expect(lines[1]).toContain('"msg":"received signal; shutting down","signal":"terminated"');
    // --timestamps puts the runtime's time back in front, as the kubelet does.
    const stamped = await logs(['etcd', '--previous', '--timestamps']);
    expect(stamped.stdout.split('\n')[0]).toMatch(/^2022-02-01T00:00:19\.859266315Z \{"level":"info"/);
  });

  it('joins a partial line (P) to the line that ends it (podman#8879)', async () => {
    const r = await logs(['split', '--previous']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('1\n2\n');
  });
});
