import { z } from 'zod';
import { quoteArg } from '../../nodeaccess/quote.js';
import { plural } from '../format.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import {
  classifyLines,
  describePod,
  lineEvidence,
  plainLogs,
  listComponentPods,
  podHealth,
  podsByContainer,
  readComponentLogs,
  systemNamespace,
} from './components.js';
import type { LinePattern } from './components.js';

const outcomes = ['etcd-timeouts', 'quiet', 'no-pod'] as const;
type Outcome = (typeof outcomes)[number];

const component = 'kube-apiserver';

/**
 * The API server's side of a slow or lost etcd: the etcd client's error as the API server logs it when a request
 * gets no answer in time. klog: `E1116 23:59:06.732861 1 status.go:71] apiserver received an error that is not an
 * metav1.Status: rpctypes.EtcdError{code:0xe, desc:"etcdserver: request timed out"}: etcdserver: request timed out`
 * (Platform9 KB, excessive-kubernetes-master-pod-restarts; the same line in k3s, rancher/rancher#29223). The words
 * are etcd's error names (server/etcdserver/errors.go); "leader changed" and "timed out waiting for read index" come
 * from the same client.
 */
export const apiserverEtcdPatterns: LinePattern<'etcd-timeout'>[] = [
  {
    class: 'etcd-timeout',
    re: /etcdserver: (request timed out|leader changed|timed out waiting for read index|too many requests|server stopped)/,
    detail: (m) => m[1],
  },
];

/**
 * Reads kube-apiserver's log for etcd's timeouts. It finds the API server's container wherever the distribution
 * puts it: a pod labelled component=kube-apiserver (kubeadm, RKE2), else a container named kube-apiserver in a
 * kube-system pod on the control-plane node (Platform9's k8s-master pod, which has no kubeadm labels).
 */
export const clusterApiserverLog = defineCheck({
  id: 'cluster.apiserver-log',
  layer: 'cluster',
  title: "kube-apiserver's log: does it say etcd timed out?",
  why: "When etcd does not answer in time, the API server logs etcd's own error (etcdserver: request timed out) and returns it to its clients. It says etcd did not answer, not why: a slow disk, a member without quorum and an unreachable etcd all end in it.",
  params: z.object({ node: z.string().default('') }),
  outcomes,
  healthy: ['quiet'],
  facts: ['apiserverPod', 'apiserverEtcdTimeouts', 'apiserverEtcdError', 'apiserverLogLine'],
  sets: {
    'etcd-timeouts': ['apiserverPod', 'apiserverEtcdTimeouts', 'apiserverEtcdError', 'apiserverLogLine'],
    quiet: ['apiserverPod', 'apiserverEtcdTimeouts'],
  },
  // Without a labelled pod, the pods on the control-plane node and their containers name the one to read.
  command: (p) =>
    `kubectl logs -n ${systemNamespace} -l component=${component} --tail=300 | grep etcdserver${
      p.node
        ? `; kubectl get pods -n ${systemNamespace} --field-selector ${quoteArg(`spec.nodeName=${p.node}`)} -o 'custom-columns=POD:.metadata.name,CONTAINERS:.spec.containers[*].name'`
        : ''
    }`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const now = ctx.now();
    const labelled = await listComponentPods(ctx.kube, `component=${component}`);
    const pods = labelled.length > 0 ? labelled : await podsByContainer(ctx.kube, component, p.node);
    if (pods.length === 0) {
      return {
        outcome: 'no-pod',
        summary: `no kube-apiserver container found in ${systemNamespace} (no pod labelled component=${component}${p.node ? `, no container named ${component} in a pod on ${p.node}` : ''}): its log cannot be read through the API here. Where the API server runs outside pods (a managed control plane, a systemd service, a docker container as on RKE1) its log is read there`,
        evidence: [{ label: `pods -l component=${component}`, value: 'none' }],
        facts: {},
      };
    }
    const health = pods.map((pod) => podHealth(pod, component));
    const evidence: Evidence[] = health.map((h) => ({
      ...describePod(h, now),
      ...(labelled.length === 0 ? { label: `pod ${h.name} (container ${h.container}; no component label)` } : {}),
    }));
    const logs = await Promise.all(health.map((h) => readComponentLogs(ctx.kube, h)));
    for (const l of logs) for (const note of l.notes) evidence.push({ label: l.pod, value: note });
    const facts: Facts = { apiserverPod: health.map((h) => h.name).join(',') };
    const timeouts = classifyLines(plainLogs(logs), apiserverEtcdPatterns);
    facts.apiserverEtcdTimeouts = timeouts.length;
    const last = timeouts.at(-1);
    if (last) {
      facts.apiserverEtcdError = `etcdserver: ${last.detail ?? 'request timed out'}`;
      facts.apiserverLogLine = last.line;
      evidence.push(lineEvidence(last));
      return {
        outcome: 'etcd-timeouts',
        summary: `kube-apiserver (${last.pod}) logged ${plural(timeouts.length, 'etcd error')} ("${facts.apiserverEtcdError}"): etcd did not answer it in time. That says etcd failed to answer, not why`,
        evidence,
        facts,
      };
    }
    const read = logs.filter((l) => l.current.length > 0 || l.previous.length > 0);
    if (read.length === 0) {
      const notCollected = logs.every((l) => l.notes.every((n) => n.includes('not collected')));
      return {
        outcome: 'error',
        summary: `kube-apiserver's log in ${health.map((h) => h.name).join(', ')} could not be read: whether it says etcd timed out was not checked`,
        evidence,
        facts: { ...facts, errorKind: notCollected ? 'not-collected' : 'unreadable' },
      };
    }
    return {
      outcome: 'quiet',
      summary: `kube-apiserver's log (${read.map((l) => l.pod).join(', ')}) names no etcd timeout in its last 300 lines`,
      evidence,
      facts,
    };
  },
});
