import { describe, expect, it } from 'vitest';
import { getAdjacencyMap } from 'xstate/graph';
import type { AdjacencyValue } from 'xstate/graph';
import type { AnyMachineSnapshot, AnyStateMachine, EventObject } from 'xstate';
import { bundledNames, resolveAsset } from '../../src/assets.js';
import { findCheck } from '../../src/checks/registry.js';
import { factsSetOn } from '../../src/checks/types.js';
import { actionActorId, checkActorId, compileRunbook, mergeFacts } from '../../src/runbook/compile.js';
import { placeholderShapes, stepTexts, unprovenFacts } from '../../src/runbook/factProof.js';
import { kubectlKindProblems } from '../../src/runbook/kubectlKinds.js';
import { loadRunbookFile } from '../../src/runbook/load.js';
import type { RunbookSpec } from '../../src/runbook/schema.js';
import { templateRefs } from '../../src/runbook/template.js';
import { stepOfSnapshot } from '../../src/runbook-graph/paths.js';
import { podStatusStep } from '../helpers/podStatusStep.js';
import { problems } from '../helpers/runbookProblems.js';

const header = `id: x
title: X
symptom: something is wrong
inputs:
  - { name: namespace, description: ns }
  - { name: pod, description: pod }
  - { name: deployment, description: its deployment, required: false }
start: pod-status
steps:
`;

/** pod.status with crash-loop, running and terminating sent where the case needs them. Its outcomes start on line 16. */
const podStatus = (crash: string, running = '$no-finding', terminating = '$no-finding') =>
  podStatusStep({ 'crash-loop': crash, running, terminating, error: '$incomplete' });

/** A diagnosis whose first chain line is on its 6th line. */
const diagnosis = (id: string, chain: string, fix = 'restart it') => `  ${id}:
    type: diagnosis
    layer: pod
    title: The container crashes
    why: because
    chain: ["${chain.replaceAll('"', '\\"')}"]
    fix: ["${fix.replaceAll('"', '\\"')}"]
`;

// 10 header lines + 22 of pod-status: the diagnosis starts on line 33, its chain on 38, its fix on 39.
describe('the placeholder proof: a text names a fact bare only where every walk has set it', () => {
  it('passes a fact the check declares it sets on the outcome that leads there', () => {
    expect(
      problems(`${header}${podStatus('crashing')}${diagnosis('crashing', 'container {{facts.container}} crashes')}`),
    ).toEqual([]);
  });

  it('refuses a fact no step on the way sets, at file:line:col, naming the walk', () => {
    expect(problems(`${header}${podStatus('crashing')}${diagnosis('crashing', 'fix it in {{facts.owner}}')}`)).toEqual([
      'runbooks/x.yaml:38:13: step "crashing": chain line 1 uses {{facts.owner}}, but this walk gets here without owner: pod-status (crash-loop) → crashing. ' +
        'Say in words what to write when it is not known ({{facts.owner | "words"}}), or reach this step only through checks that set owner (declared in their sets)',
    ]);
  });

  it('passes the same fact with words for when it is not known', () => {
    expect(
      problems(
        `${header}${podStatus('crashing')}${diagnosis('crashing', 'fix it in {{facts.owner | "its controller"}}')}`,
      ),
    ).toEqual([]);
  });

  it('refuses a fact set on one way in but not on another, naming the other', () => {
    const out = problems(
      `${header}${podStatus('crashing', 'crashing')}${diagnosis('crashing', 'container {{facts.container}} crashes')}`,
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toContain(
      'step "crashing": chain line 1 uses {{facts.container}}, but this walk gets here without container: pod-status (running) → crashing.',
    );
  });

  it('counts a fact as set after a check that needed it in its parameters ran (without it, the check ends in error)', () => {
    const nodeReady = `  node-ready:
    type: check
    layer: node
    why: the node
    check: node.ready
    with: { name: "{{facts.nodeName}}" }
    next: { ready: down, not-ready: down, unknown: down, not-found: down, error: $incomplete }
`;
    // pod.status does not promise nodeName on terminating: only node.ready having run does.
    expect(
      problems(
        `${header}${podStatus('$no-finding', '$no-finding', 'node-ready')}${nodeReady}${diagnosis('down', 'node {{facts.nodeName}} is down')}`,
      ),
    ).toEqual([]);
    const viaError = nodeReady.replace('error: $incomplete', 'error: gone');
    const out = problems(
      `${header}${podStatus('$no-finding', '$no-finding', 'node-ready')}${viaError}${diagnosis('down', 'node {{facts.nodeName}} is down')}${diagnosis('gone', 'node {{facts.nodeName}} is gone')}`,
    );
    expect(
      out.some((p) =>
        p.includes(
          'step "gone": chain line 1 uses {{facts.nodeName}}, but this walk gets here without nodeName: pod-status (terminating) → node-ready (error) → gone.',
        ),
      ),
    ).toBe(true);
  });

  it('refuses a <placeholder> in a text a person reads', () => {
    expect(
      problems(
        `${header}${podStatus('crashing')}${diagnosis('crashing', 'it crashes', 'kubectl label node <node> disk=ssd')}`,
      ),
    ).toEqual([
      'runbooks/x.yaml:39:11: step "crashing": fix line 1 has <node>, which a person would copy as it stands: name the value ({{facts.x}}, {{inputs.x}}) or say in words what to put there',
    ]);
  });

  it('refuses an optional input with no default named bare', () => {
    expect(
      problems(
        `${header}${podStatus('crashing')}${diagnosis('crashing', 'it crashes', 'kubectl describe deployment {{inputs.deployment}}')}`,
      ),
    ).toEqual([
      'runbooks/x.yaml:39:11: step "crashing": fix line 1 uses {{inputs.deployment}}, an optional input with no default: say what to write when it is not given ({{inputs.deployment | "words"}})',
    ]);
  });

  it('finds <placeholder> shapes but not redirections or templates', () => {
    expect(placeholderShapes('kubectl get apiservice <name> -o yaml')).toEqual(['<name>']);
    expect(placeholderShapes('openssl s_client -connect x:443 </dev/null 2>&1')).toEqual([]);
    expect(placeholderShapes('{{facts.x | "<not this>"}} and <this one>')).toEqual(['<this one>']);
    // A kubelet line quoted verbatim (awslabs/amazon-eks-ami#699): Go prints nil as <nil>, which is no blank.
    expect(
      placeholderShapes(
        'grpc: addrConn.createTransport failed to connect to {/run/dockershim.sock  <nil> 0 <nil>}. Err :connection error',
      ),
    ).toEqual([]);
  });
});

describe('fix commands valid for the object they name', () => {
  it('refuses kubectl rollout on what may be a ReplicaSet or a Job', () => {
    expect(kubectlKindProblems('kubectl -n {{inputs.namespace}} rollout undo {{facts.owner}}')).toHaveLength(2);
    expect(kubectlKindProblems('kubectl rollout undo {{facts.controller | "its controller"}}')[0]).toContain(
      'kubectl rollout works on a Deployment, StatefulSet or DaemonSet, but {{facts.controller}} can name a replicaset or job',
    );
    expect(kubectlKindProblems('kubectl rollout undo replicaset/web-5d9c')[0]).toContain(
      'replicaset/web-5d9c can name a replicaset',
    );
  });

  it('passes rollout on a Deployment, StatefulSet or DaemonSet', () => {
    expect(
      kubectlKindProblems('kubectl -n {{inputs.namespace}} rollout undo {{facts.rolloutTarget | "(none)"}}'),
    ).toEqual([]);
    expect(
      kubectlKindProblems(
        'kubectl -n kube-system rollout restart deployment coredns; kubectl rollout status ds/kube-proxy -n kube-system',
      ),
    ).toEqual([]);
  });

  it('refuses an edit or image change on the ReplicaSet a pod names as owner', () => {
    expect(kubectlKindProblems('kubectl -n {{inputs.namespace}} set image {{facts.owner}} app=x:1')[0]).toContain(
      "{{facts.owner}} is the pod's ownerReference",
    );
    expect(kubectlKindProblems('kubectl -n {{inputs.namespace}} edit {{facts.workload | "(none)"}}')).toEqual([]);
  });

  it('refuses cordon and drain on anything but a node', () => {
    expect(kubectlKindProblems('kubectl drain {{inputs.pod}} --ignore-daemonsets')[0]).toContain(
      'kubectl drain takes a node, but {{inputs.pod}} names a pod',
    );
    expect(kubectlKindProblems('kubectl drain {{facts.nodeName}} --ignore-daemonsets --delete-emptydir-data')).toEqual(
      [],
    );
  });

  it('refuses delete pod and logs without the namespace', () => {
    expect(kubectlKindProblems('kubectl delete pod {{inputs.pod}}')[0]).toContain('kubectl delete pod without -n');
    expect(kubectlKindProblems('kubectl logs {{inputs.pod}} --previous')[0]).toContain('kubectl logs without -n');
    expect(
      kubectlKindProblems(
        'kubectl -n {{inputs.namespace}} delete pod {{inputs.pod}}; kubectl logs {{inputs.pod}} -n {{inputs.namespace}} -c app',
      ),
    ).toEqual([]);
  });
});

describe('facts only grow along a walk', () => {
  it('keeps a known fact when a later result leaves it empty', () => {
    expect(
      mergeFacts({ nodeName: 'worker-1', container: 'app' }, { nodeName: '', container: 'sidecar', phase: 'Running' }),
    ).toEqual({ nodeName: 'worker-1', container: 'sidecar', phase: 'Running' });
  });
});

const bundled = new Map<string, RunbookSpec>();
for (const name of bundledNames('runbooks'))
  bundled.set(name, (await loadRunbookFile(resolveAsset('runbooks', name), findCheck)).spec);

describe.each([...bundled.keys()])('bundled runbook %s', (name) => {
  const spec = bundled.get(name) as RunbookSpec;

  it('names no fact bare where a walk can reach it unset', () => {
    expect(unprovenFacts(spec, findCheck).map((u) => `${u.step} ${u.text.label}: ${u.ref.name}`)).toEqual([]);
  });

  /**
   * The same proof, the other way: through the compiled xstate machine, each
   * check finishing with only the facts its check declares for that outcome
   * (and those its own parameters needed), every state a walk reaches is a
   * vertex with the facts it holds, and each text of its step finds them.
   */
  // One traversal per fact is costly on the runbooks that inline node-not-ready twice: their own lint proof covers them, and node-not-ready is traversed here on its own.
  it.skipIf(spec.include.length > 0)(
    'fills every text in every state of its compiled machine',
    () => {
      const unset = machineUnset(spec);
      expect(unset).toEqual([]);
    },
    120_000,
  );
});

function bare(texts: readonly unknown[]): string[] {
  return texts.flatMap((t) =>
    typeof t === 'string'
      ? templateRefs(t)
          // A section tests its fact; a ref inside `{{#facts.x}}` of its own fact is shown only when known.
          .filter((r) => r.scope === 'facts' && r.fallback === undefined && r.section === undefined && !r.guarded)
          .map((r) => r.name)
      : [],
  );
}

/**
 * One traversal per fact a text names bare: a vertex is a state and whether
 * that fact is known there (all facts at once would multiply the states).
 */
function machineUnset(spec: RunbookSpec): string[] {
  const texts = Object.entries(spec.steps).flatMap(([id, step]) =>
    stepTexts(step).map((t) => ({ id, label: t.label, facts: bare([t.text]) })),
  );
  const used = new Set(texts.flatMap((t) => t.facts));
  const machine: AnyStateMachine = compileRunbook(spec);
  const unset = new Set<string>();
  for (const fact of used) {
    const always: EventObject[] = [{ type: 'CONTINUE' }, { type: 'CONFIRM' }, { type: 'DECLINE' }, { type: 'FAIL' }];
    // Each step's own events, sent only in its states: a step's states alone handle its actor's results and
    // its answers (the machine has no handler above the steps), so elsewhere they would loop back to the same
    // vertex. Sending every step's events in every state made the same vertices at many times the cost.
    const ofStep = new Map<string, EventObject[]>();
    for (const [id, step] of Object.entries(spec.steps)) {
      const events: EventObject[] = [];
      ofStep.set(id, events);
      if (step.type === 'check') {
        for (const outcome of new Set([...Object.keys(step.next), 'error'])) {
          const sets =
            outcome !== 'error' &&
            [...factsSetOn(findCheck(step.check), outcome), ...bare(Object.values(step.with))].includes(fact);
          events.push({
            type: `xstate.done.actor.${checkActorId(id)}`,
            output: { outcome, summary: '', evidence: [], facts: sets ? { [fact]: 'x' } : {}, durationMs: 0 },
          } as EventObject);
        }
      }
      if (step.type === 'action') {
        for (const result of ['done', 'failed'])
          events.push({
            type: `xstate.done.actor.${actionActorId(id)}`,
            output: { result, facts: {}, durationMs: 0 },
          } as EventObject);
      }
      if (step.type === 'ask')
        for (const choice of Object.keys(step.choices))
          events.push({ type: 'ANSWER', choice, by: 'default' } as EventObject);
    }
    const key = (s: AnyMachineSnapshot) =>
      `${JSON.stringify(s.value)} ${fact in (s.context as { facts: object }).facts}`;
    const events = (s: AnyMachineSnapshot) => [...always, ...(ofStep.get(stepOfSnapshot(s)) ?? [])];
    const adjacency = getAdjacencyMap(machine, { events, serializeState: key, input: { inputs: {} } }) as Record<
      string,
      AdjacencyValue<AnyMachineSnapshot, EventObject>
    >;
    for (const v of Object.values(adjacency)) {
      if (fact in (v.state.context as { facts: object }).facts) continue;
      const id = stepOfSnapshot(v.state);
      for (const t of texts) if (t.id === id && t.facts.includes(fact)) unset.add(`${id} ${t.label}: ${fact}`);
    }
  }
  return [...unset].sort();
}
