import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dockerJsonLogText } from '../../../src/checks/cluster/components.js';
import { startTestDrill } from '../../helpers/drill.js';
import { lease, systemPod } from './helpers.js';

/** The Platform9 KB's lines, verbatim (https://platform9.com/kb/pmk/solutions/excessive-kubernetes-master-pod-restarts.md). */
const raw = (f: string) =>
  readFileSync(new URL(`../../../scenarios/real/raw/rk-pf9-etcd-latency-kb/${f}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
const pf9Apiserver = raw('kube-apiserver.log');
const pf9ControllerManager = raw('kube-controller-manager.log');

/** The same API server line in k3s's log (rancher/rancher#29223, Rancher v2.4.8 on a t2.small with a magnetic disk). */
const k3sApiserver =
  'E1015 17:21:24.249538      22 status.go:71] apiserver received an error that is not an metav1.Status: rpctypes.EtcdError{code:0xe, desc:"etcdserver: request timed out"}';

/** A control-plane node and nothing else generated (the drill fills in the rest of a node, as the scenario schema does). */
const onlyNode = (name: string) =>
  ({ generate: { controlPlanes: 0, workers: 0, addons: false }, nodes: [{ name, role: 'control-plane' }] }) as never;

const pmkMaster = 'k8s-master-fe9d1e3a-4c43-417b-9720-c2a3d0732d9d000003';
const node = '172.17.0.14';

/** PMK's control plane: one pod, three containers, none of kubeadm's labels (the KB's kubectl get po row). */
const pmkPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: pmkMaster, namespace: 'kube-system', creationTimestamp: 'now-27d' },
  spec: {
    nodeName: node,
    hostNetwork: true,
    containers: ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((name) => ({
      name,
      image: 'platform9/hyperkube',
    })),
  },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: 'now-1h' }],
    containerStatuses: ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((name) => ({
      name,
      image: 'platform9/hyperkube',
      imageID: '',
      ready: true,
      restartCount: name === 'kube-controller-manager' ? 119 : 0,
      state: { running: { startedAt: 'now-1h' } },
    })),
  },
};

function pmkDrill(objects: Record<string, unknown>[] = []) {
  return startTestDrill({
    cluster: onlyNode(node),
    objects: [pmkPod, ...objects] as never,
    logs: [
      { namespace: 'kube-system', pod: pmkMaster, container: 'kube-apiserver', previous: false, lines: pf9Apiserver },
      {
        namespace: 'kube-system',
        pod: pmkMaster,
        container: 'kube-controller-manager',
        previous: false,
        lines: pf9ControllerManager,
      },
    ],
  });
}

/** One control-plane node whose kube-apiserver pod carries kubeadm's component label, with these log lines. */
function labelledApiserverDrill(lines: string[], labels: Record<string, string> = {}) {
  return startTestDrill({
    cluster: onlyNode('cp-1'),
    objects: [
      systemPod('kube-apiserver-cp-1', {
        node: 'cp-1',
        labels: { component: 'kube-apiserver', ...labels },
        container: 'kube-apiserver',
      }),
    ] as never,
    logs: [
      { namespace: 'kube-system', pod: 'kube-apiserver-cp-1', container: 'kube-apiserver', previous: false, lines },
    ],
  });
}

describe('cluster.apiserver-log: the API server says whether etcd answers it', () => {
  it("Platform9: finds kube-apiserver as a container of the k8s-master pod (no component label) and reads etcd's timeout in its json-file line", async () => {
    const t = await pmkDrill();
    try {
      const r = await t.check('cluster.apiserver-log', { node });
      expect(r.outcome).toBe('etcd-timeouts');
      expect(r.facts).toMatchObject({
        apiserverPod: pmkMaster,
        apiserverEtcdTimeouts: 1,
        apiserverEtcdError: 'etcdserver: request timed out',
      });
      expect(r.facts.apiserverLogLine).toBe(
        'E1116 23:59:06.732861       1 status.go:71] apiserver received an error that is not an metav1.Status: rpctypes.EtcdError{code:0xe, desc:"etcdserver: request timed out"}: etcdserver: request timed out<br>',
      );
      expect(r.summary).toContain('That says etcd failed to answer, not why');
    } finally {
      await t.close();
    }
  });

  it('without the node it is asked about, a pod without kubeadm labels is not looked for: no-pod, never a guess', async () => {
    const t = await pmkDrill();
    try {
      const r = await t.check('cluster.apiserver-log', {});
      expect(r.outcome).toBe('no-pod');
    } finally {
      await t.close();
    }
  });

  it('kubeadm-labelled pods are read first (the k3s line of rancher#29223 in a labelled pod)', async () => {
    const t = await labelledApiserverDrill([k3sApiserver], { tier: 'control-plane' });
    try {
      const r = await t.check('cluster.apiserver-log', { node: 'cp-1' });
      expect(r.outcome).toBe('etcd-timeouts');
      expect(r.facts.apiserverLogLine).toBe(k3sApiserver);
    } finally {
      await t.close();
    }
  });

  it('a log without etcd errors is quiet; no API server container at all is no-pod', async () => {
    const t = await labelledApiserverDrill(pf9ControllerManager);
    const empty = await startTestDrill({
      cluster: onlyNode('cp-1'),
    });
    try {
      expect((await t.check('cluster.apiserver-log', { node: 'cp-1' })).outcome).toBe('quiet');
      expect((await empty.check('cluster.apiserver-log', { node: 'cp-1' })).outcome).toBe('no-pod');
    } finally {
      await t.close();
      await empty.close();
    }
  });

  it("Platform9: cluster.controller-manager finds its container in the k8s-master pod on the control-plane node and reads the KB's line", async () => {
    // A Lease renewed just now (the KB shows none): the log, not the Lease, decides.
    const t = await pmkDrill([lease('kube-controller-manager', `${node}_4f1c`, 'now-3s')]);
    try {
      const r = await t.check('cluster.controller-manager', {});
      expect(r.facts.componentPod).toBe(pmkMaster);
      expect(r.outcome).toBe('log-errors');
      expect(r.facts.logLine).toContain('error retrieving resource lock kube-system/kube-controller-manager');
    } finally {
      await t.close();
    }
  });

  it("docker's json-file line is read by its text; other lines pass as they are", () => {
    expect(dockerJsonLogText(pf9Apiserver[0] ?? '')).toMatch(/^E1116 23:59:06\.732861 {7}1 status\.go:71\] /);
    expect(dockerJsonLogText(k3sApiserver)).toBe(k3sApiserver);
    expect(dockerJsonLogText('{"log": broken')).toBe('{"log": broken');
  });
});
