import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/drill/types.js';
import { startTestDrill } from '../helpers/drill.js';
import type { TestDrill } from '../helpers/drill.js';
import { kubectlAvailable, runKubectl, warnIfKubectlMissing } from '../helpers/kubectl.js';

/** Every kind generation makes, by the API path that lists it across namespaces. */
const served: Record<string, string> = {
  Namespace: '/api/v1/namespaces',
  Node: '/api/v1/nodes',
  Pod: '/api/v1/pods',
  Service: '/api/v1/services',
  Endpoints: '/api/v1/endpoints',
  ConfigMap: '/api/v1/configmaps',
  PersistentVolumeClaim: '/api/v1/persistentvolumeclaims',
  PersistentVolume: '/api/v1/persistentvolumes',
  Deployment: '/apis/apps/v1/deployments',
  ReplicaSet: '/apis/apps/v1/replicasets',
  DaemonSet: '/apis/apps/v1/daemonsets',
  StatefulSet: '/apis/apps/v1/statefulsets',
  EndpointSlice: '/apis/discovery.k8s.io/v1/endpointslices',
  VolumeAttachment: '/apis/storage.k8s.io/v1/volumeattachments',
  Lease: '/apis/coordination.k8s.io/v1/leases',
  APIService: '/apis/apiregistration.k8s.io/v1/apiservices',
};

type Json = Record<string, unknown>;
const key = (kind: string, namespace: string | undefined, name: string) => `${kind}/${namespace ?? ''}/${name}`;
const labelsOf = (o: KubeObject): Record<string, string> => o.metadata.labels ?? {};
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);
const isReady = (p: KubeObject) =>
  ((p.status as Json).conditions as { type: string; status: string }[]).some(
    (c) => c.type === 'Ready' && c.status === 'True',
  );

describe('a generated cluster', () => {
  let d: TestDrill;
  const all = new Map<string, KubeObject[]>();
  const byKey = new Map<string, KubeObject>();
  const pods = (): KubeObject[] => all.get('Pod') ?? [];
  const ownedBy = (o: KubeObject) =>
    pods().filter((p) => p.metadata.ownerReferences?.some((r) => r.controller && r.uid === o.metadata.uid));

  beforeAll(async () => {
    d = await startTestDrill({
      cluster: { name: 'gen', nodes: [], generate: { controlPlanes: 1, workers: 3, podsPerWorker: 4, addons: true } },
    });
    // Read back through the API server, as kubectl would: what was served, not what was built.
    for (const [kind, path] of Object.entries(served)) {
      const r = await d.kube.getRaw(path);
      expect(r.status, path).toBe(200);
      const items = (JSON.parse(r.body) as { items: Omit<KubeObject, 'kind'>[] }).items.map(
        (i) => ({ ...i, kind }) as KubeObject,
      );
      all.set(kind, items);
      for (const o of items) byKey.set(key(kind, o.metadata.namespace, o.metadata.name), o);
    }
  });
  afterAll(() => d.close());

  it('has what kubeadm and the add-ons make, under the names scenarios use', () => {
    const names = (kind: string) =>
      (all.get(kind) ?? []).map((o) => `${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`);
    expect(names('Namespace')).toEqual(['data', 'default', 'kube-node-lease', 'kube-public', 'kube-system', 'load']);
    expect(names('Deployment')).toEqual(
      expect.arrayContaining(['kube-system/coredns', 'kube-system/metrics-server', 'load/app-0', 'load/app-11']),
    );
    expect(names('DaemonSet')).toEqual(['kube-system/kube-proxy']);
    expect(names('StatefulSet')).toEqual(['data/postgres', 'data/rabbitmq', 'data/redis']);
    expect(names('Pod')).toEqual(
      expect.arrayContaining([
        'kube-system/coredns-7c65d6cfc9-x8k2p',
        'kube-system/coredns-7c65d6cfc9-q7lmn',
        'kube-system/metrics-server-6d94bc8694-vz5t2',
        'kube-system/etcd-cp-1',
        'load/app-6-1-2',
      ]),
    );
    expect(names('Service')).toEqual(
      expect.arrayContaining([
        'default/kubernetes',
        'kube-system/kube-dns',
        'kube-system/metrics-server',
        'load/app-0',
        'data/postgres',
      ]),
    );
    for (const ns of names('Namespace'))
      expect(
        String((byKey.get(key('ConfigMap', ns, 'kube-root-ca.crt'))?.data as Json | undefined)?.['ca.crt']),
        ns,
      ).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect((byKey.get(key('ConfigMap', 'kube-system', 'coredns'))?.data as Json).Corefile).toContain(
      'kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure',
    );
  });

  it('gives every ownerReference an owner that exists with that uid', () => {
    let refs = 0;
    for (const objects of all.values()) {
      for (const o of objects) {
        for (const r of o.metadata.ownerReferences ?? []) {
          const namespaced = !['Node', 'PersistentVolume'].includes(r.kind);
          const owner = byKey.get(key(r.kind, namespaced ? o.metadata.namespace : undefined, r.name));
          expect(owner, `${o.kind} ${o.metadata.name} → ${r.kind} ${r.name}`).toBeDefined();
          expect(owner?.metadata.uid, `${o.kind} ${o.metadata.name} → ${r.kind} ${r.name}`).toBe(r.uid);
          refs++;
        }
      }
    }
    // Pods, ReplicaSets, EndpointSlices and Leases all point somewhere.
    expect(refs).toBeGreaterThan(pods().length);
  });

  it("lists in every Service's Endpoints and EndpointSlices exactly the pods its selector matches", () => {
    const services = (all.get('Service') ?? []).filter((s) => (s.spec as Json).selector);
    expect(services.length).toBeGreaterThan(5);
    for (const svc of services) {
      const ns = svc.metadata.namespace;
      const selected = pods().filter(
        (p) =>
          p.metadata.namespace === ns && matches((svc.spec as Json).selector as Record<string, string>, labelsOf(p)),
      );
      expect(selected.length, svc.metadata.name).toBeGreaterThan(0);
      const want = selected
        .map((p) => `${p.metadata.name} ${(p.status as Json).podIP as string} ${p.metadata.uid ?? ''}`)
        .sort();

      const ep = byKey.get(key('Endpoints', ns, svc.metadata.name));
      const addresses = ((ep?.subsets as Json[] | undefined) ?? []).flatMap(
        (s) => (s.addresses as Json[] | undefined) ?? [],
      );
      expect(
        addresses
          .map(
            (a) => `${(a.targetRef as Json).name as string} ${a.ip as string} ${(a.targetRef as Json).uid as string}`,
          )
          .sort(),
        svc.metadata.name,
      ).toEqual(want);

      const slices = (all.get('EndpointSlice') ?? []).filter(
        (s) => s.metadata.namespace === ns && labelsOf(s)['kubernetes.io/service-name'] === svc.metadata.name,
      );
      const endpoints = slices.flatMap((s) => s.endpoints as Json[]);
      expect(
        endpoints
          .map(
            (e) =>
              `${(e.targetRef as Json).name as string} ${(e.addresses as string[])[0] ?? ''} ${(e.targetRef as Json).uid as string}`,
          )
          .sort(),
        svc.metadata.name,
      ).toEqual(want);

      // Every service port has its pod port in the Endpoints, by name.
      const epPorts = ((ep?.subsets as Json[])[0]?.ports as Json[])
        .map((p) => `${String(p.name)}/${String(p.protocol)}`)
        .sort();
      expect(epPorts).toEqual(
        ((svc.spec as Json).ports as Json[]).map((p) => `${String(p.name)}/${String(p.protocol)}`).sort(),
      );
    }
    const dns = byKey.get(key('Service', 'kube-system', 'kube-dns'))?.spec as Json;
    expect(dns.clusterIP).toBe('10.96.0.10');
    expect((dns.ports as Json[]).map((p) => `${String(p.port)}/${String(p.protocol)}`)).toEqual([
      '53/UDP',
      '53/TCP',
      '9153/TCP',
    ]);
  });

  it("gives every pod a unique IP inside its node's pod range, or the node's own with hostNetwork", () => {
    const ips = pods()
      .filter((p) => !(p.spec as Json).hostNetwork)
      .map((p) => (p.status as Json).podIP as string);
    expect(new Set(ips).size).toBe(ips.length);
  });

  it('counts in controller status exactly the pods the controller owns', () => {
    const nodes = all.get('Node') ?? [];
    for (const ds of all.get('DaemonSet') ?? []) {
      const owned = ownedBy(ds);
      const status = ds.status as Json;
      expect(owned.map((p) => (p.spec as Json).nodeName).sort()).toEqual(nodes.map((n) => n.metadata.name).sort());
      expect(status).toMatchObject({
        desiredNumberScheduled: nodes.length,
        currentNumberScheduled: owned.length,
        numberReady: owned.filter(isReady).length,
        numberAvailable: owned.filter(isReady).length,
      });
    }
    for (const rs of all.get('ReplicaSet') ?? []) {
      const owned = ownedBy(rs);
      expect(owned.length, rs.metadata.name).toBeGreaterThan(0);
      expect(rs.spec, rs.metadata.name).toMatchObject({ replicas: owned.length });
      expect(rs.status, rs.metadata.name).toMatchObject({
        replicas: owned.length,
        readyReplicas: owned.filter(isReady).length,
      });
      for (const p of owned) expect(labelsOf(p)['pod-template-hash']).toBe(labelsOf(rs)['pod-template-hash']);
      const deployment = byKey.get(
        key('Deployment', rs.metadata.namespace, rs.metadata.ownerReferences?.[0]?.name ?? ''),
      );
      expect(deployment?.status, rs.metadata.name).toMatchObject({
        replicas: owned.length,
        readyReplicas: owned.filter(isReady).length,
        availableReplicas: owned.filter(isReady).length,
      });
      expect(
        matches(
          ((deployment?.spec as Json).selector as Json).matchLabels as Record<string, string>,
          labelsOf(owned[0] as KubeObject),
        ),
      ).toBe(true);
    }
    for (const sts of all.get('StatefulSet') ?? []) {
      const owned = ownedBy(sts);
      expect(owned.map((p) => p.metadata.name).sort()).toEqual([0, 1, 2].map((i) => `${sts.metadata.name}-${i}`));
      expect(sts.status).toMatchObject({
        replicas: 3,
        readyReplicas: 3,
        currentRevision: labelsOf(owned[0] as KubeObject)['controller-revision-hash'],
      });
    }
  });

  it('binds each StatefulSet claim to a volume attached to the node its pod runs on', () => {
    const attachments = all.get('VolumeAttachment') ?? [];
    for (const sts of all.get('StatefulSet') ?? []) {
      for (const pod of ownedBy(sts)) {
        const claim = byKey.get(key('PersistentVolumeClaim', pod.metadata.namespace, `data-${pod.metadata.name}`));
        expect((claim?.status as Json).phase).toBe('Bound');
        const pv = byKey.get(key('PersistentVolume', undefined, (claim?.spec as Json).volumeName as string));
        expect((pv?.spec as Json).claimRef).toMatchObject({
          name: claim?.metadata.name,
          namespace: pod.metadata.namespace,
          uid: claim?.metadata.uid,
        });
        const va = attachments.filter(
          (a) => ((a.spec as Json).source as Json).persistentVolumeName === pv?.metadata.name,
        );
        expect(va.map((a) => (a.spec as Json).nodeName)).toEqual([(pod.spec as Json).nodeName]);
      }
    }
  });
});

describe('kubectl on a generated cluster', () => {
  warnIfKubectlMissing('generated cluster');
  it.skipIf(!kubectlAvailable())('shows the add-ons READY, as on a real kubeadm cluster', async () => {
    const d = await startTestDrill({
      cluster: { name: 'gen', nodes: [], generate: { controlPlanes: 1, workers: 3, podsPerWorker: 0, addons: true } },
    });
    try {
      const r = await runKubectl(d.drill.kubeconfigPath, ['get', 'deploy,ds,sts,svc', '-A']);
      expect(r.stderr).toBe('');
      const lines = r.stdout.split('\n').map((l) => l.replace(/\s+/g, ' ').trim());
      expect(lines).toEqual(
        expect.arrayContaining([
          'NAMESPACE NAME READY UP-TO-DATE AVAILABLE AGE',
          'kube-system deployment.apps/coredns 2/2 2 2 90d',
          'kube-system deployment.apps/metrics-server 1/1 1 1 90d',
          'NAMESPACE NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE',
          'kube-system daemonset.apps/kube-proxy 4 4 4 4 4 kubernetes.io/os=linux 90d',
          'NAMESPACE NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE',
          'default service/kubernetes ClusterIP 10.96.0.1 <none> 443/TCP 90d',
          'kube-system service/kube-dns ClusterIP 10.96.0.10 <none> 53/UDP,53/TCP,9153/TCP 90d',
        ]),
      );
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.stringMatching(
            /^kube-system service\/metrics-server ClusterIP 10\.\d+\.\d+\.\d+ <none> 443\/TCP 90d$/,
          ),
        ]),
      );
      // Without filler pods there is no filler workload and no StatefulSet.
      expect(r.stdout).not.toMatch(/statefulset|app-0/);

      const ep = await runKubectl(d.drill.kubeconfigPath, ['get', 'endpoints', 'kube-dns', '-n', 'kube-system']);
      expect(ep.stdout).toMatch(
        /^kube-dns\s+10\.64\.\d+\.2:53,10\.64\.\d+\.2:53,10\.64\.\d+\.2:53 \+ 3 more\.\.\.\s+90d$/m,
      );
    } finally {
      await d.close();
    }
  });
});
