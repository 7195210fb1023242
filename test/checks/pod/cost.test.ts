import { describe, expect, it } from 'vitest';
import { event, pod } from '../../helpers/drill.js';
import { startRestrictedDrill } from './restrictedDrill.js';
import type { RestrictedDrill } from './restrictedDrill.js';

/** The pod and node checks of this layer, each with the parameters a walk would give it. */
const walk: [string, Record<string, string>][] = [
  ['pod.last-termination', { namespace: 'db', name: 'mysql-0' }],
  ['pod.probes', { namespace: 'db', name: 'mysql-0' }],
  ['pod.image-pull', { namespace: 'db', name: 'mysql-0' }],
  ['pod.volumes', { namespace: 'db', name: 'mysql-0' }],
  ['pod.create-failures', { namespace: 'db', name: 'mysql-0' }],
  ['pod.logs', { namespace: 'db', name: 'mysql-0' }],
  ['pod.owner', { namespace: 'db', name: 'mysql-0' }],
  ['node.heartbeat-lease', { name: 'worker-1' }],
  ['node.pressure', { name: 'worker-1' }],
  ['node.schedulable', { name: 'worker-1', namespace: 'db', pod: 'mysql-0' }],
  ['node.pods', { name: 'worker-1' }],
];

const objects = [
  {
    ...pod(
      'mysql-0',
      'db',
      { nodeName: 'worker-1', volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data-mysql-0' } }] },
      {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'main',
            image: 'mysql:8.0.36',
            imageID: '',
            ready: false,
            started: false,
            restartCount: 3,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: 'now-3m', finishedAt: 'now-2m' } },
          },
        ],
      },
    ),
  },
  event('db', 'mysql-0', 'Warning', 'BackOff', 'Back-off restarting failed container main in pod mysql-0_db(5d1c)', 9),
  {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data-mysql-0', namespace: 'db', creationTimestamp: 'now-30d' },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '20Gi' } },
      storageClassName: 'standard',
      volumeName: 'pvc-1',
    },
    status: { phase: 'Bound' },
  },
  {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pvc-1', creationTimestamp: 'now-30d' },
    spec: {
      accessModes: ['ReadWriteOnce'],
      capacity: { storage: '20Gi' },
      csi: { driver: 'pd.csi.storage.gke.io', volumeHandle: 'projects/p/zones/z/disks/pvc-1' },
      storageClassName: 'standard',
    },
    status: { phase: 'Bound' },
  },
];

/** Requests with their query, minus what varies between runs; lists of the same thing read the same. */
async function requestsOf(d: RestrictedDrill): Promise<string[]> {
  for (const [id, params] of walk) {
    const r = await d.check(id, params);
    expect(r.outcome, `${id}: ${r.summary}`).not.toBe('error');
  }
  return d.requests.map((r) => r.replace(/&?_continue=[^&]*/, ''));
}

describe('what the pod and node checks cost', () => {
  it('never lists a resource without a selector, except VolumeAttachments (which have none)', async () => {
    const d = await startRestrictedDrill({ nodes: [{ name: 'worker-1' }], objects });
    try {
      const lists = (await requestsOf(d)).filter((r) =>
        /^GET \/api(?:s\/[^/]+)?\/v1\/(?:namespaces\/[^/]+\/)?[a-z]+(?:\?|$)/.test(r),
      );
      expect(lists.length).toBeGreaterThan(0);
      for (const r of lists) {
        if (r.includes('/volumeattachments')) continue;
        expect(r, r).toMatch(/[?&](?:fieldSelector|labelSelector)=/);
      }
    } finally {
      await d.close();
    }
  });

  it('makes the same requests for one pod on 3 nodes and on 300 nodes with 1,500 pods', async () => {
    const small = await startRestrictedDrill({
      nodes: [{ name: 'worker-1' }, { name: 'worker-2' }, { name: 'worker-3' }],
      objects,
    });
    const big = await startRestrictedDrill({
      nodes: [{ name: 'worker-1' }],
      objects,
      generate: { controlPlanes: 1, workers: 300, podsPerWorker: 5, addons: true },
    });
    try {
      expect(await requestsOf(big)).toEqual(await requestsOf(small));
    } finally {
      await Promise.all([small.close(), big.close()]);
    }
  });
});
