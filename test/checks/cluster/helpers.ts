import { runCheck } from '../../../src/engine/runCheck.js';
import { noNodeAccess } from '../../../src/nodeaccess/none.js';
import type { CheckOutput } from '../../../src/runbook/compile.js';
import type { TestDrill } from '../../helpers/drill.js';

/** Runs a check like the engine does, with its own deadline and clock (for timeouts and for dates far from today). */
export async function runWithin(
  t: TestDrill,
  id: string,
  params: Record<string, string>,
  opts: { timeoutMs?: number; now?: Date } = {},
): Promise<CheckOutput & { command: string }> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const now = opts.now ?? t.now;
  let command = '';
  const out = await runCheck(
    { step: id, check: id, with: params, timeoutMs, inputs: {}, facts: {}, phase: 'top-down' },
    AbortSignal.timeout(timeoutMs),
    { kube: t.kube, nodes: noNodeAccess, now: () => now, onStart: (s) => (command = s.command) },
  );
  return { ...out, command };
}

interface ComponentPodOptions {
  node: string;
  labels: Record<string, string>;
  container: string;
  image?: string;
  ready?: boolean;
  restarts?: number;
  /** The container is in CrashLoopBackOff after its last exit. */
  crashLoop?: boolean;
  lastExit?: { exitCode: number; reason: string; finishedAt: string };
}

/** A kube-system pod as `kubectl get pod -o yaml` shows a control-plane or add-on pod. */
export function systemPod(name: string, o: ComponentPodOptions): Record<string, unknown> {
  const ready = o.ready ?? !o.crashLoop;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'kube-system', creationTimestamp: 'now-90d', labels: o.labels },
    spec: {
      nodeName: o.node,
      containers: [{ name: o.container, image: o.image ?? `registry.k8s.io/${o.container}:v1.31.4` }],
      priorityClassName: 'system-node-critical',
    },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: 'now-2m' },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: 'now-90d' },
      ],
      containerStatuses: [
        {
          name: o.container,
          image: o.image ?? `registry.k8s.io/${o.container}:v1.31.4`,
          imageID: '',
          ready,
          started: ready,
          restartCount: o.restarts ?? 0,
          state: o.crashLoop
            ? {
                waiting: {
                  reason: 'CrashLoopBackOff',
                  message: `back-off 5m0s restarting failed container=${o.container} pod=${name}_kube-system`,
                },
              }
            : { running: { startedAt: 'now-2m' } },
          ...(o.lastExit ? { lastState: { terminated: { ...o.lastExit, startedAt: 'now-10m' } } } : {}),
        },
      ],
    },
  };
}

export function lease(
  name: string,
  holder: string,
  renewTime: string,
  leaseDurationSeconds = 15,
): Record<string, unknown> {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name, namespace: 'kube-system', creationTimestamp: 'now-90d' },
    spec: { holderIdentity: holder, leaseDurationSeconds, renewTime, acquireTime: 'now-90d' },
  };
}
