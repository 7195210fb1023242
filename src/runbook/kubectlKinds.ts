/**
 * Fix commands valid for the object they name. A runbook's texts hold kubectl
 * lines filled from facts; where a fact says what kind of object it names,
 * the verb must work on that kind: `rollout undo` on a Deployment, never on the
 * ReplicaSet a pod's ownerReference names; `cordon` on a node; `delete pod`
 * and `logs` with the namespace the walk already knows.
 */

const controllers = [
  'replicaset',
  'deployment',
  'statefulset',
  'daemonset',
  'job',
  'cronjob',
  'replicationcontroller',
] as const;
const rollable = new Set(['deployment', 'statefulset', 'daemonset']);

/** The kinds of object a template's value can name. */
const kinds: Record<string, readonly string[]> = {
  // The pod's ownerReference: a Deployment's pod is owned by its ReplicaSet.
  'facts.owner': [...controllers, 'node'],
  'facts.controller': controllers,
  'facts.workload': controllers,
  'facts.rolloutTarget': ['deployment', 'statefulset', 'daemonset'],
  'inputs.node': ['node'],
  'facts.nodeName': ['node'],
  'facts.attachedNode': ['node'],
  'facts.componentNode': ['node'],
  'facts.metricsServerNode': ['node'],
  'facts.taintedNodes': ['node'],
  'facts.strayNodes': ['node'],
  'inputs.pod': ['pod'],
  'inputs.agentPod': ['pod'],
  'facts.componentPod': ['pod'],
  'facts.metricsServerPod': ['pod'],
};

const template = /^\{\{\s*(inputs|facts)\.([A-Za-z0-9_]+)\s*(?:\|\s*"[^"]*"\s*)?\}\}/;

/** The kinds an argument can name: from its template, or from a literal `kind/name` or `kind name`. */
function kindsOf(arg: string, next: string | undefined): { kinds: readonly string[]; what: string } | undefined {
  const t = template.exec(arg);
  if (t) {
    const key = `${t[1]}.${t[2]}`;
    const k = kinds[key];
    return k ? { kinds: k, what: `{{${key}}}` } : undefined;
  }
  const slash = /^([a-z]+)\//.exec(arg);
  const kind = normalKind(slash ? slash[1] : arg);
  if (kind && (slash || next !== undefined))
    return { kinds: [kind], what: slash ? arg : `${arg} ${next ?? ''}`.trim() };
  return undefined;
}

function normalKind(word: string | undefined): string | undefined {
  switch (word) {
    case 'deploy':
    case 'deployment':
    case 'deployments':
      return 'deployment';
    case 'sts':
    case 'statefulset':
    case 'statefulsets':
      return 'statefulset';
    case 'ds':
    case 'daemonset':
    case 'daemonsets':
      return 'daemonset';
    case 'rs':
    case 'replicaset':
    case 'replicasets':
      return 'replicaset';
    case 'job':
    case 'jobs':
      return 'job';
    case 'no':
    case 'node':
    case 'nodes':
      return 'node';
    default:
      return undefined;
  }
}

/** Splits a kubectl line into words, a template (with its fallback words) counting as one. */
function words(line: string): string[] {
  return [...line.matchAll(/\{\{[^}]*\}\}\S*|\S+/g)].map((m) => m[0]);
}

/** The kubectl commands in a text: from each `kubectl` to the end of its command (`;`, `&&`, `|`, two spaces, `(`). */
export function kubectlCommands(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\bkubectl\s+/g)) {
    const rest = text.slice((m.index ?? 0) + m[0].length);
    // A template's fallback may hold any of the enders: skip over templates while looking for the end.
    let end = rest.length;
    for (let i = 0; i < rest.length; i++) {
      if (rest.startsWith('{{', i)) {
        const close = rest.indexOf('}}', i);
        if (close < 0) break;
        i = close + 1;
        continue;
      }
      if (/^(;|&&|\||\s{2}|\(|, then |\))/.test(rest.slice(i))) {
        end = i;
        break;
      }
    }
    out.push(rest.slice(0, end).trim());
  }
  return out;
}

/** What is wrong with each kubectl command of a text for the kinds it names, in words a runbook author can act on. */
export function kubectlKindProblems(text: string): string[] {
  const problems: string[] = [];
  for (const cmd of kubectlCommands(text)) {
    const w = words(cmd);
    // Drop flags (and -n's value) to find the verb and its arguments.
    const args: string[] = [];
    let namespaced = false;
    for (let i = 0; i < w.length; i++) {
      const x = w[i] ?? '';
      if (
        x === '-n' ||
        x === '--namespace' ||
        x === '-l' ||
        x === '-c' ||
        x === '-o' ||
        x === '--field-selector' ||
        x === '--tail' ||
        x === '--since' ||
        x === '-p'
      ) {
        if (x === '-n' || x === '--namespace') namespaced = true;
        i++;
        continue;
      }
      if (x.startsWith('--namespace=') || x === '-A' || x === '--all-namespaces') namespaced = true;
      if (x.startsWith('-')) continue;
      args.push(x);
    }
    const [verb, sub] = args;
    const shown = `kubectl ${cmd}`;
    if (verb === 'rollout' && sub && ['undo', 'restart', 'history', 'status', 'pause', 'resume'].includes(sub)) {
      const target = kindsOf(args[2] ?? '', args[3]);
      const bad = target?.kinds.filter((k) => !rollable.has(k)) ?? [];
      if (target && bad.length > 0)
        problems.push(
          `"${shown}": kubectl rollout works on a Deployment, StatefulSet or DaemonSet, but ${target.what} can name a ${bad.join(' or ')}; use {{facts.rolloutTarget}} (pod.status sets it only for those kinds) with words for when there is none`,
        );
    }
    if ((verb === 'set' && sub === 'image') || verb === 'edit' || verb === 'scale' || verb === 'rollout') {
      const arg = verb === 'set' || verb === 'rollout' ? args[2] : args[1];
      if (arg && /^\{\{\s*facts\.owner\b/.test(arg))
        problems.push(
          `"${shown}": {{facts.owner}} is the pod's ownerReference, the ReplicaSet of a Deployment (which would undo the change); name {{facts.workload}} instead`,
        );
    }
    if (verb === 'cordon' || verb === 'uncordon' || verb === 'drain') {
      const target = kindsOf(args[1] ?? '', undefined);
      if (target && !target.kinds.includes('node'))
        problems.push(
          `"${shown}": kubectl ${verb} takes a node, but ${target.what} names a ${target.kinds.join(' or ')}`,
        );
    }
    if (
      ((verb === 'delete' &&
        normalKind(sub) === undefined &&
        (sub === 'pod' || sub === 'pods' || sub?.startsWith('pod/'))) ||
        verb === 'logs') &&
      !namespaced
    ) {
      problems.push(
        `"${shown}": kubectl ${verb === 'logs' ? 'logs' : 'delete pod'} without -n acts on the current namespace, not the pod's; add -n {{inputs.namespace}} (or the namespace this runbook knows)`,
      );
    }
  }
  return problems;
}
