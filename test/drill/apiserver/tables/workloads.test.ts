import { describe, expect, it } from 'vitest';
import {
  daemonSetTable,
  deploymentTable,
  replicaSetTable,
  statefulSetTable,
} from '../../../../src/drill/apiserver/tables/workloads.js';
import type { KubeObject } from '../../../../src/drill/types.js';

const now = new Date('2025-01-10T12:00:00Z');

function workload(kind: string, spec: Record<string, unknown>, status: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name: 'w', namespace: 'n', creationTimestamp: '2025-01-10T11:55:00Z' },
    spec: {
      selector: { matchLabels: { app: 'w' } },
      template: {
        spec: {
          containers: [
            { name: 'app', image: 'app:1' },
            { name: 'sidecar', image: 'proxy:2' },
          ],
          ...spec,
        },
      },
      ...(spec.replicas !== undefined ? { replicas: spec.replicas } : {}),
    },
    status,
  };
}

describe('workload printers', () => {
  it('prints a deployment as READY ready/desired, then up-to-date and available', () => {
    expect(
      deploymentTable.row(
        workload('Deployment', { replicas: 3 }, { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 }),
        now,
      ).cells,
    ).toEqual(['w', '2/3', 3, 2, '5m', 'app,sidecar', 'app:1,proxy:2', 'app=w']);
  });

  it('defaults unset replicas to 1 and unset counts to 0, as the stored object would have them', () => {
    expect(deploymentTable.row(workload('Deployment', {}, {}), now).cells.slice(1, 4)).toEqual(['0/1', 0, 0]);
    expect(statefulSetTable.row(workload('StatefulSet', {}, {}), now).cells.slice(1, 3)).toEqual(['0/1', '5m']);
    expect(replicaSetTable.row(workload('ReplicaSet', {}, { replicas: 1 }), now).cells.slice(1, 4)).toEqual([1, 1, 0]);
  });

  it('prints a daemonset with its node selector', () => {
    const ds = workload(
      'DaemonSet',
      { nodeSelector: { 'kubernetes.io/os': 'linux' } },
      {
        desiredNumberScheduled: 5,
        currentNumberScheduled: 5,
        numberReady: 4,
        updatedNumberScheduled: 5,
        numberAvailable: 4,
      },
    );
    expect(daemonSetTable.row(ds, now).cells).toEqual([
      'w',
      5,
      5,
      4,
      5,
      4,
      'kubernetes.io/os=linux',
      '5m',
      'app,sidecar',
      'app:1,proxy:2',
      'app=w',
    ]);
    expect(daemonSetTable.row(workload('DaemonSet', {}, {}), now).cells[6]).toBe('<none>');
  });
});
