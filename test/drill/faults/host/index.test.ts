import { describe, expect, it } from 'vitest';
import { findFault } from '../../../../src/drill/faults/catalog.js';
import { hostFaults } from '../../../../src/drill/faults/host/index.js';
import { buildCluster, ScenarioBuildError } from '../../../../src/drill/scenario.js';
import { scenarioSchema } from '../../../../src/drill/scenarioSchema.js';

const now = new Date('2026-11-25T12:00:00Z');
const scenario = (faults: Record<string, unknown>[]) =>
  scenarioSchema.parse({
    id: 's',
    title: 't',
    page: 'p',
    runbook: 'node-not-ready',
    expect: { diagnosis: null },
    cluster: { generate: { controlPlanes: 1, workers: 2 } },
    faults,
  });
const required: Record<string, Record<string, unknown>> = { 'firewall-blocks-port': { port: 10250 } };

describe('the host faults', () => {
  it('are all in the catalog a scenario names faults from', () => {
    expect(hostFaults.map((f) => f.id)).toEqual([
      'kubelet-config-missing',
      'kubelet-service-failed',
      'stray-control-plane-services',
      'systemd-dbus-hang',
      'cpu-steal',
      'cpu-hog',
      'disk-pressure',
      'kubelet-cert-expired',
      'clock-skew',
      'firewall-blocks-port',
      'front-proxy-down',
    ]);
    for (const f of hostFaults) expect(findFault(f.id)).toBe(f);
  });

  it.each(hostFaults.map((f) => [f.id]))('%s on a node the cluster lacks is a ScenarioBuildError naming it', (id) => {
    const s = scenario([
      { fault: 'cpu-steal', node: 'worker-1' },
      { fault: id, node: 'worker-9', ...required[id] },
    ]);
    let err: unknown;
    try {
      buildCluster(s, now);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioBuildError);
    expect(err).toMatchObject({ faultIndex: 1, message: `fault ${id}: the cluster has no Node worker-9` });
  });

  it.each(hostFaults.map((f) => [f.id]))('%s without a node is a parameter error', (id) => {
    expect(
      scenarioSchema.safeParse({
        id: 's',
        title: 't',
        page: 'p',
        runbook: 'r',
        expect: { diagnosis: null },
        faults: [{ fault: id, ...required[id] }],
      }).success,
    ).toBe(false);
  });

  it('compose: two faults on one node each leave their traces', () => {
    const built = buildCluster(
      scenario([
        { fault: 'kubelet-config-missing', node: 'worker-1' },
        { fault: 'stray-control-plane-services', node: 'worker-1' },
      ]),
      now,
    );
    const host = built.hosts['worker-1'] ?? {};
    const ps = (host['ps -eo pid,etimes,args'] as { stdout: string }).stdout;
    expect(ps).toContain('/usr/local/bin/kube-apiserver ');
    expect(ps).not.toContain('/usr/bin/kubelet ');
    expect((host['cat -- /var/lib/kubelet/config.yaml'] as { exitCode?: number }).exitCode).toBe(1);
  });
});
