import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pod, startTestDrill } from '../../helpers/drill.js';
import type { TestDrill } from '../../helpers/drill.js';

// The default-host DaemonSet as the onecloud-operator makes it (nodeSelector onecloud.yunion.io/host=enable),
// and an agent DaemonSet selecting by node affinity.
const ds = (name: string, templateSpec: Record<string, unknown>, desired: number) => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name, namespace: 'onecloud', uid: `uid-${name}` },
  spec: {
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'main', image: 'x' }], ...templateSpec },
    },
  },
  status: {
    desiredNumberScheduled: desired,
    currentNumberScheduled: desired,
    numberReady: desired,
    numberMisscheduled: 0,
  },
});
const owned = (name: string, node: string, owner: string) => {
  const p = pod(name, 'onecloud', { nodeName: node }, { phase: 'Running' });
  return {
    ...p,
    metadata: {
      ...(p.metadata as object),
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'DaemonSet', name: owner, uid: `uid-${owner}`, controller: true },
      ],
    },
  };
};

describe('node.daemonset-coverage on the drill cluster', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: {
        nodes: [
          { name: 'hv-01', labels: { 'onecloud.yunion.io/host': 'enable' } },
          { name: 'hv-02' },
          {
            name: 'hv-03',
            labels: { 'onecloud.yunion.io/host': 'enable' },
            taints: [{ key: 'maintenance', value: 'disk-swap', effect: 'NoExecute' }],
          },
          { name: 'hv-04', labels: { 'onecloud.yunion.io/host': 'enable' }, unschedulable: true },
        ] as never,
      },
      objects: [
        ds('default-host', { nodeSelector: { 'onecloud.yunion.io/host': 'enable' } }, 2),
        ds(
          'agent',
          {
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [
                    { matchExpressions: [{ key: 'onecloud.yunion.io/host', operator: 'In', values: ['enable'] }] },
                  ],
                },
              },
            },
          },
          2,
        ),
        owned('default-host-k2x7p', 'hv-01', 'default-host'),
      ] as never,
    });
  });
  afterAll(() => t.close());

  it.each([
    ['hv-01', 'default-host', 'pod-present', { dsPod: 'default-host-k2x7p' }],
    [
      'hv-02',
      'default-host',
      'selector-mismatch',
      { missingLabels: 'onecloud.yunion.io/host=enable', dsNodeSelector: 'onecloud.yunion.io/host=enable' },
    ],
    ['hv-02', 'agent', 'selector-mismatch', { missingLabels: 'node affinity: onecloud.yunion.io/host In (enable)' }],
    ['hv-03', 'default-host', 'taint-not-tolerated', { untoleratedTaints: 'maintenance=disk-swap:NoExecute' }],
    // A cordon does not keep DaemonSet pods off: the controller tolerates it; the pod is simply not there.
    ['hv-04', 'default-host', 'pod-missing', { dsDesired: 2, dsScheduled: 2 }],
    ['hv-01', 'nothing', 'daemonset-not-found', {}],
    ['hv-99', 'default-host', 'node-not-found', {}],
  ])('%s, DaemonSet %s: %s', async (node, daemonset, outcome, facts) => {
    const r = await t.check('node.daemonset-coverage', { name: node, namespace: 'onecloud', daemonset });
    expect(r.outcome).toBe(outcome);
    expect(r.facts).toMatchObject(facts);
  });
});
