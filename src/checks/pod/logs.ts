import { z } from 'zod';
import type { KubeClient } from '../../kube/client.js';
import { KubeError } from '../../kube/errors.js';
import { plural } from '../format.js';
import { clip, containerNotFound, pickContainer, podNotFound, readPodIfExists } from '../pods.js';
import type { ContainerView } from '../pods.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { classifyLog, decisive, logClasses } from './logPatterns.js';
import type { LogClass, LogMatch } from './logPatterns.js';
import { quoteArg } from '../../nodeaccess/quote.js';

const outcomes = [
  'missing-binary-or-module',
  'panic',
  'permission-denied',
  'dependency-unreachable',
  'startup-step-failed',
  'error-lines',
  'no-failure-pattern',
  'no-logs',
  'not-found',
  'container-not-found',
] as const;
type Outcome = (typeof outcomes)[number];

type Instance = 'current' | 'previous';

const maxEvidenceLines = 8;
/** Enough for the start-up sequence of a chatty service, small enough for one screen of evidence. */
const defaultTail = 200;

export const podLogs = defineCheck({
  id: 'pod.logs',
  layer: 'pod',
  title: "The container's recent logs, classified",
  why: 'The instance that died wrote why in its last lines: a start-up step that failed, a missing module or binary, a dependency it cannot reach, a panic; after a restart that is in the previous log, not the current one.',
  params: z.object({
    namespace: z.string().min(1),
    name: z.string().min(1),
    container: z.string().optional(),
    tailLines: z.coerce.number().int().positive().max(5000).default(defaultTail),
  }),
  outcomes,
  healthy: ['no-failure-pattern', 'no-logs'],
  facts: ['container', 'logClass', 'logLine', 'logDetail', 'logInstance', 'logTailLines'],
  sets: {
    'missing-binary-or-module': ['container', 'logDetail', 'logInstance', 'logLine'],
    panic: ['container', 'logDetail', 'logInstance', 'logLine'],
    'dependency-unreachable': ['container', 'logDetail', 'logInstance', 'logLine'],
    'startup-step-failed': ['container', 'logDetail', 'logInstance', 'logLine'],
    'no-failure-pattern': ['container'],
    'no-logs': ['container'],
  },
  command: (p) => {
    const base = `kubectl logs ${quoteArg(p.name)} -n ${quoteArg(p.namespace)}${p.container ? ` -c ${quoteArg(p.container)}` : ''} --tail=${p.tailLines}`;
    return `${base} && ${base} --previous`;
  },
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const pod = await readPodIfExists(ctx.kube, p.namespace, p.name);
    if (!pod) return podNotFound(p.namespace, p.name);
    const c = pickContainer(pod, p.container);
    if (!c)
      return p.container
        ? containerNotFound(pod, p.container)
        : { outcome: 'no-logs', summary: 'the pod has no containers', evidence: [], facts: {} };
    const facts: Facts = { container: c.name };
    const instances = instancesOf(c);
    if (instances.length === 0) {
      const reason = c.status?.state?.waiting?.reason ?? 'not started';
      return {
        outcome: 'no-logs',
        summary: `container ${c.name} has not started yet (${reason}): there is no log to read`,
        evidence: [{ label: `container ${c.name}`, value: `waiting: ${reason}` }],
        facts,
      };
    }

    const texts = await Promise.all(
      instances.map((i) => readLog(ctx.kube, p.namespace, p.name, c.name, i, p.tailLines)),
    );
    const evidence: Evidence[] = [];
    const matches: (LogMatch & { instance: Instance })[] = [];
    let total = 0;
    instances.forEach((instance, i) => {
      const t = texts[i];
      if (t === undefined) return;
      if ('refused' in t) {
        evidence.push({ label: `${instance} log`, value: `not read: ${t.refused}` });
        return;
      }
      const lines = t.text.split('\n').filter((l) => l.trim() !== '');
      total += lines.length;
      for (const m of classifyLog(lines.join('\n'))) matches.push({ ...m, instance });
    });
    facts.logTailLines = total;

    // The dead instance explains a restart; on a tie of class, its line wins.
    const top = decisive(matches);
    const chosen = top && (decisive(matches.filter((m) => m.instance === 'previous' && m.class === top.class)) ?? top);
    if (!chosen) {
      for (const [i, instance] of instances.entries()) {
        const t = texts[i];
        if (!t || 'refused' in t) continue;
        const tail = t.text.trimEnd().split('\n').filter(Boolean).slice(-3);
        for (const line of tail) evidence.push({ label: `${instance} log`, value: clip(line) });
      }
      return {
        outcome: total === 0 ? 'no-logs' : 'no-failure-pattern',
        summary:
          total === 0
            ? `container ${c.name} logged nothing${instances.includes('previous') ? ' in this or its previous instance' : ''}`
            : `no known failure pattern in the last ${plural(total, 'line')} of container ${c.name}'s ${instances.join(' and ')} log${instances.length > 1 ? 's' : ''}`,
        evidence: evidence.slice(0, maxEvidenceLines),
        facts,
      };
    }

    facts.logClass = chosen.class;
    facts.logLine = clip(chosen.line, 300);
    facts.logInstance = chosen.instance;
    if (chosen.detail) facts.logDetail = clip(chosen.detail, 120);
    const ordered = [chosen, ...matches.filter((m) => m !== chosen).sort((a, b) => rank(a.class) - rank(b.class))];
    for (const m of ordered.slice(0, maxEvidenceLines))
      evidence.push({ label: `${m.instance} · ${m.class}`, value: clip(m.line) });
    return { outcome: chosen.class, summary: summarize(chosen, c.name), evidence, facts };
  },
});

function rank(cls: LogClass): number {
  return logClasses.indexOf(cls);
}

/**
 * Which instances have a log. The kubelet serves a crash-looping container's
 * "current" log from the instance that just died, so reading both would read it twice.
 */
function instancesOf(c: ContainerView): Instance[] {
  const state = c.status?.state;
  const hasPrevious = c.status?.lastState?.terminated !== undefined;
  if (state?.running || state?.terminated) return hasPrevious ? ['previous', 'current'] : ['current'];
  return hasPrevious ? ['previous'] : [];
}

async function readLog(
  kube: KubeClient,
  namespace: string,
  pod: string,
  container: string,
  instance: Instance,
  tailLines: number,
): Promise<{ text: string } | { refused: string }> {
  try {
    // limitBytes caps a pathological line length; tailLines caps the count.
    return {
      text: await kube.readPodLog(namespace, pod, {
        container,
        previous: instance === 'previous',
        tailLines,
        limitBytes: tailLines * 2048,
      }),
    };
  } catch (err) {
    // The kubelet refuses logs it does not have (rotated away, container gone): that is an answer, not a failure.
    if (err instanceof KubeError && (err.kind === 'bad-request' || err.kind === 'not-found'))
      return { refused: err.message };
    throw err;
  }
}

function summarize(m: LogMatch & { instance: Instance }, container: string): string {
  const where = `${m.instance === 'previous' ? 'the previous instance of ' : ''}container ${container}`;
  const line = clip(m.line, 160);
  switch (m.class) {
    case 'missing-binary-or-module':
      return `${where} is missing ${m.detail ?? 'a binary or module it needs'}: ${line}`;
    case 'panic':
      return `${where} crashed with a panic or unhandled exception: ${line}`;
    case 'permission-denied':
      return `${where} was denied access${m.detail ? ` to ${m.detail}` : ''}: ${line}`;
    case 'dependency-unreachable':
      return `${where} cannot reach a dependency${m.detail ? ` (${m.detail})` : ''}: ${line}`;
    case 'startup-step-failed':
      return `a start-up step of ${where} failed: ${line}`;
    case 'error-lines':
      return `${where} logged errors; the last: ${line}`;
  }
}
