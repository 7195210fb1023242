import { z } from 'zod';
import { ageSeconds, formatAge } from '../format.js';
import { groupEvents, involvedObjectSelector } from '../events.js';
import type { EventGroup } from '../events.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence } from '../types.js';
import { quoteArg } from '../../nodeaccess/quote.js';

const outcomes = [
  'dbus-closed',
  'systemd',
  'sandbox-image',
  'runtime-timeout',
  'network',
  'other-failure',
  'no-failures',
] as const;
type Outcome = (typeof outcomes)[number];

/** The kubelet's reasons for a pod whose sandbox or containers it could not create (ContainerCreating, CreateContainerError). */
const createReasons =
  /^(FailedCreatePodSandBox|FailedCreatePodContainer|FailedCreatePodSandbox|Failed|FailedKillPod|FailedSync)$/;

/**
 * What the message blames, most specific first. With the systemd cgroup driver the kubelet asks systemd
 * over D-Bus for the pod's slice (`Timeout waiting for systemd to create kubepods-...slice`), and runC
 * asks it for each container's scope (`unable to start unit`, `dbus: connection closed by user`,
 * CRI-O's `sd-bus call`).
 */
const kinds: { outcome: Exclude<Outcome, 'other-failure' | 'no-failures'>; re: RegExp }[] = [
  // The kubelet's own D-Bus connection died when dbus was restarted, and libcontainer before runc 1.1.3
  // (opencontainers/runc#3475) never reconnected: systemd is fine, the kubelet is not.
  { outcome: 'dbus-closed', re: /dbus: connection closed by user/ },
  {
    outcome: 'systemd',
    re: /Timeout waiting for systemd to create|unable to start unit|sd-bus call|Failed to activate service 'org\.freedesktop\.systemd1'|org\.freedesktop\.systemd1[^\n]*(?:timed out|NoReply)|Establishing a D-Bus connection|failed to connect to (?:the )?(?:system )?bus/i,
  },
  // The runtime cannot pull the sandbox ("pause") image, so no pod on the node gets a sandbox: containerd's
  // `failed to get sandbox image "k8s.gcr.io/pause:3.1": failed to pull image ...` (canonical/microk8s#2593),
  // dockershim's `failed pulling image "k8s.gcr.io/pause:3.1"`. Before runtime-timeout: a pull that timed out is still a pull.
  { outcome: 'sandbox-image', re: /failed to get sandbox image|failed pulling image "[^"]*pause[^"]*"/i },
  { outcome: 'runtime-timeout', re: /rpc error: code = DeadlineExceeded|context deadline exceeded|operation timeout/ },
  {
    outcome: 'network',
    re: /failed to (?:set ?up|setup) (?:sandbox container|network for sandbox)|networkPlugin cni failed|plugin type="[^"]+" failed|failed to find plugin|NetworkPlugin cni failed/i,
  },
];

export const podCreateFailures = defineCheck({
  id: 'pod.create-failures',
  layer: 'pod',
  title: "Why the kubelet cannot create the pod's sandbox or containers",
  why: 'A pod in ContainerCreating whose volumes are fine waits on its node: the kubelet says in FailedCreatePodSandBox / FailedCreatePodContainer events whether systemd did not make its cgroup, the runtime timed out, or the network plugin failed, and each points at a different part of the node.',
  params: z.object({ namespace: z.string().min(1), name: z.string().min(1) }),
  outcomes,
  healthy: ['no-failures'],
  facts: ['createFailureReason', 'createFailureMessage', 'createFailureCount', 'sandboxImage'],
  sets: {
    'dbus-closed': ['createFailureCount', 'createFailureMessage', 'createFailureReason'],
    systemd: ['createFailureCount', 'createFailureMessage', 'createFailureReason'],
    'sandbox-image': ['createFailureCount', 'createFailureMessage', 'createFailureReason', 'sandboxImage'],
    'runtime-timeout': ['createFailureCount', 'createFailureMessage', 'createFailureReason'],
    network: ['createFailureCount', 'createFailureMessage', 'createFailureReason'],
    'other-failure': ['createFailureCount', 'createFailureMessage', 'createFailureReason'],
  },
  command: (p) =>
    `kubectl get events -n ${quoteArg(p.namespace)} --field-selector ${quoteArg(involvedObjectSelector('Pod', p.name, p.namespace))} | grep -E 'FailedCreatePod|CreateContainerError|Failed'`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const events = await ctx.kube.listEvents({
      namespace: p.namespace,
      fieldSelector: involvedObjectSelector('Pod', p.name, p.namespace),
    });
    const now = ctx.now();
    // A container image's pull failures are the image-pull check's; a sandbox that fails on its own (pause) image is this check's.
    const failures = groupEvents(events).filter(
      (g) =>
        g.type === 'Warning' &&
        createReasons.test(g.reason) &&
        (!/image|pull/i.test(g.message) || /sandbox/i.test(g.reason + g.message)),
    );
    const evidence: Evidence[] = failures
      .slice(0, 4)
      .map((g) => ({ label: `${g.reason} ×${g.count}`, value: describe(g, now) }));
    if (failures.length === 0) {
      return {
        outcome: 'no-failures',
        summary: 'no FailedCreatePodSandBox or FailedCreatePodContainer event for this pod',
        evidence: [{ label: 'events', value: `${events.length} for this pod, none about creating it` }],
        facts: {},
      };
    }
    for (const k of kinds) {
      const hit = failures.find((g) => k.re.test(g.message));
      if (hit) return found(k.outcome, hit, evidence);
    }
    const first = failures[0] as EventGroup;
    return found('other-failure', first, evidence);
  },
});

const meaning: Record<Exclude<Outcome, 'no-failures'>, string> = {
  'dbus-closed': "the kubelet's connection to D-Bus is closed, so it cannot ask systemd for the pod's cgroup",
  systemd: "systemd did not create the pod's cgroup (the kubelet and runC ask it over D-Bus)",
  'runtime-timeout': 'the container runtime did not answer in time',
  'sandbox-image': 'the runtime cannot pull the sandbox (pause) image, so no pod on this node gets a sandbox',
  network: "the network plugin could not set up the pod's network",
  'other-failure': 'the kubelet could not create the pod',
};

function found(outcome: Exclude<Outcome, 'no-failures'>, g: EventGroup, evidence: Evidence[]): CheckResult<Outcome> {
  return {
    outcome,
    summary: `${meaning[outcome]}: ${g.reason} ×${g.count}: ${g.message}`,
    evidence,
    facts: {
      createFailureReason: g.reason,
      createFailureMessage: g.message,
      createFailureCount: g.count,
      ...(outcome === 'sandbox-image'
        ? {
            sandboxImage:
              /(?:sandbox image|pulling image) "([^"]+)"/i.exec(g.message)?.[1] ?? 'the sandbox (pause) image',
          }
        : {}),
    },
  };
}

function describe(g: EventGroup, now: Date): string {
  const age = ageSeconds(g.lastSeen, now);
  return `${age === undefined ? '' : `last ${formatAge(age)} ago: `}${g.message}`;
}
