import { podStatus } from '../../src/checks/pod/status.js';

/** A runbook fixture's first 8 lines, through `steps:`: inputs namespace and pod, starting at the step podStatusStep writes. */
export const podRunbookHeader = `id: x
title: X
symptom: something is wrong
inputs:
  - { name: namespace, description: ns }
  - { name: pod, description: pod }
start: pod-status
steps:
`;

/** Every outcome a pod.status step must send somewhere: the check's own, in its order, then error. */
export const podStatusOutcomes: readonly string[] = [...podStatus.outcomes, 'error'];

/**
 * Where a pod.status step sends each outcome: those named in `to` go there, every other one to `rest`;
 * `omit` leaves some out (a runbook that forgets one). Read from the check, so an outcome it gains
 * reaches every runbook fixture; a name in `to` the check does not have is a fixture gone stale.
 */
export function podStatusNext(
  to: Readonly<Record<string, string>>,
  rest: string,
  omit: readonly string[] = [],
): [string, string][] {
  const stale = Object.keys(to).filter((o) => !podStatusOutcomes.includes(o));
  if (stale.length > 0) throw new Error(`pod.status has no outcome ${stale.join(', ')}`);
  return podStatusOutcomes.filter((o) => !omit.includes(o)).map((o) => [o, to[o] ?? rest]);
}

/** The same as a YAML flow map on one line: `{ not-found: x, ..., error: y }`. */
export function podStatusNextFlow(to: Readonly<Record<string, string>>, rest: string): string {
  return `{ ${podStatusNext(to, rest)
    .map(([o, next]) => `${o}: ${next}`)
    .join(', ')} }`;
}

/**
 * The step `pod-status` of a runbook fixture: pod.status on inputs.namespace and inputs.pod, its
 * outcomes sent as podStatusNext says. 7 lines up to `next:`, then one line an outcome, error last
 * (16 lines when none is omitted), so a test can name the line a problem is on.
 */
export function podStatusStep(
  to: Readonly<Record<string, string>> = {},
  rest = '$no-finding',
  omit: readonly string[] = [],
): string {
  return `  pod-status:
    type: check
    layer: pod
    why: look at the pod
    check: pod.status
    with: { namespace: "{{inputs.namespace}}", name: "{{inputs.pod}}" }
    next:
${podStatusNext(to, rest, omit)
  .map(([o, next]) => `      ${o}: ${next}\n`)
  .join('')}`;
}
