import { z } from 'zod';
import type { KubeClient } from '../../kube/client.js';
import { KubeError } from '../../kube/errors.js';
import { defineCheck } from '../types.js';
import type { Artifact, CheckResult, Evidence, Facts } from '../types.js';
import { ProfileFormatError, summarizeProfile, topLine } from './pprofSummary.js';
import type { ProfileSummary } from './pprofSummary.js';
import { quoteArg, quoteInside } from '../../nodeaccess/quote.js';

const outcomes = ['starved', 'apiserver-hot', 'kubelet-hot', 'unremarkable', 'profiling-disabled'] as const;
type Outcome = (typeof outcomes)[number];

/** A process that keeps a core busy on average is burning CPU itself. */
const hotCores = 1;
/** Far less than a core while the node is saturated: the process waited for CPU it did not get. */
const starvedCores = 0.5;

interface Capture {
  who: string;
  path: string;
  summary?: ProfileSummary;
  bytes?: Buffer;
  /** Why there is no profile: 404/403 (profiling off or not allowed), or the error. */
  missing?: { disabled: boolean; why: string };
}

export const clusterCpuProfiles = defineCheck({
  id: 'cluster.cpu-profiles',
  layer: 'cluster',
  title: 'CPU profiles of kube-apiserver and a node’s kubelet, through the API server',
  why: 'A CPU profile says how much CPU a process got and where it spent it. A process that burns cores shows what it is busy with; one that got far less CPU than the wall time while its node is saturated lost its time outside itself (steal, another process), which no profile of it can show.',
  params: z.object({
    /** The node whose kubelet to profile (through the API server's node proxy), and whose CPU usage to read. */
    node: z.string().min(1).optional(),
    seconds: z.coerce.number().int().min(1).max(300).default(10),
    /** Node CPU use (metrics.k8s.io) at or above which the node counts as saturated. */
    saturatedPercent: z.coerce.number().min(1).max(100).default(85),
  }),
  outcomes,
  healthy: ['unremarkable'],
  facts: [
    'profileLine',
    'apiserverCores',
    'apiserverTop',
    'kubeletCores',
    'kubeletTop',
    'profileSeconds',
    'nodeCpuPercent',
    'hotProcess',
    'hotTop',
    'hotCores',
  ],
  sets: {
    starved: ['apiserverCores', 'nodeCpuPercent', 'profileLine', 'profileSeconds'],
    'apiserver-hot': ['apiserverCores', 'hotCores', 'hotTop', 'profileLine', 'profileSeconds'],
    'kubelet-hot': ['apiserverCores', 'hotCores', 'hotTop', 'profileLine', 'profileSeconds'],
  },
  command: (p) =>
    [
      `kubectl get --raw '/debug/pprof/profile?seconds=${p.seconds}' > apiserver.pb.gz`,
      ...(p.node
        ? [
            `kubectl get --raw '/api/v1/nodes/${quoteInside(p.node)}/proxy/debug/pprof/profile?seconds=${p.seconds}' > kubelet.pb.gz`,
            `kubectl top node ${quoteArg(p.node)}`,
          ]
        : []),
      'go tool pprof -top apiserver.pb.gz',
    ].join(' && '),
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const targets: Capture[] = [{ who: 'kube-apiserver', path: `/debug/pprof/profile?seconds=${p.seconds}` }];
    if (p.node)
      targets.push({
        who: `kubelet on ${p.node}`,
        path: `/api/v1/nodes/${encodeURIComponent(p.node)}/proxy/debug/pprof/profile?seconds=${p.seconds}`,
      });
    // Both at once, so they cover the same seconds.
    const [captures, busy] = await Promise.all([
      Promise.all(targets.map((t) => capture(ctx.kube, t))),
      p.node ? nodeCpuPercent(ctx.kube, p.node) : Promise.resolve(undefined),
    ]);
    const [api, kubelet] = captures;
    const evidence: Evidence[] = captures.map((c) => ({
      label: c.who,
      value: c.summary ? describe(c.summary) : `no profile: ${c.missing?.why ?? 'unknown'}`,
    }));
    evidence.push({
      label: `node ${p.node ?? '(none given)'} CPU in use`,
      value:
        busy?.percent === undefined ? `unknown: ${busy?.why ?? 'no node given'}` : `${busy.percent}% (${busy.detail})`,
    });
    const facts: Facts = { profileSeconds: p.seconds };
    if (api?.summary)
      Object.assign(facts, { apiserverCores: round(api.summary.cores), apiserverTop: topLine(api.summary) });
    if (kubelet?.summary)
      Object.assign(facts, { kubeletCores: round(kubelet.summary.cores), kubeletTop: topLine(kubelet.summary) });
    if (busy?.percent !== undefined) facts.nodeCpuPercent = busy.percent;
    const profiled = captures
      .filter((c) => c.summary)
      .map(
        (c) =>
          `${c.who} got ${round((c.summary as ProfileSummary).cores)} cores (${topLine(c.summary as ProfileSummary)})`,
      );
    if (profiled.length > 0) facts.profileLine = profiled.join('; ');
    const artifacts: Artifact[] = captures.flatMap((c) =>
      c.bytes
        ? [
            {
              name: `${c.who.startsWith('kubelet') ? 'kubelet' : 'kube-apiserver'}.cpu.pb.gz`,
              mediaType: 'application/octet-stream',
              bytes: c.bytes,
            },
          ]
        : [],
    );
    const result = (outcome: Outcome | 'error', summary: string): CheckResult<Outcome> => ({
      outcome,
      summary,
      evidence,
      facts,
      ...(artifacts.length > 0 ? { artifacts } : {}),
    });

    const got = captures.filter((c) => c.summary);
    if (got.length === 0) {
      if (captures.every((c) => c.missing?.disabled))
        return result(
          'profiling-disabled',
          `no profile could be taken: ${captures.map((c) => `${c.who}: ${c.missing?.why ?? ''}`).join('; ')}`,
        );
      return result(
        'error',
        `could not take a profile: ${captures.map((c) => `${c.who}: ${c.missing?.why ?? ''}`).join('; ')}`,
      );
    }
    for (const c of got) {
      const s = c.summary as ProfileSummary;
      if (s.cores >= hotCores) {
        Object.assign(facts, { hotProcess: c.who, hotTop: topLine(s), hotCores: round(s.cores) });
        return result(
          c === api ? 'apiserver-hot' : 'kubelet-hot',
          `${c.who} kept ${round(s.cores)} cores busy for ${p.seconds}s: it burns the CPU itself (${topLine(s)})`,
        );
      }
    }
    const saturated = busy?.percent !== undefined && busy.percent >= p.saturatedPercent;
    if (saturated && got.every((c) => (c.summary as ProfileSummary).cores < starvedCores)) {
      return result(
        'starved',
        `node ${p.node ?? ''} is ${busy.percent}% busy, yet ${got.map((c) => `${c.who} got ${round((c.summary as ProfileSummary).cores)} cores`).join(' and ')} in ${p.seconds}s: the CPU goes somewhere outside them (steal, another process)`,
      );
    }
    const why =
      busy?.percent === undefined
        ? ' (the node’s CPU use is unknown, so starvation cannot be judged)'
        : ` and node ${p.node ?? ''} is ${busy.percent}% busy`;
    return result(
      'unremarkable',
      `the profiles look ordinary: ${got.map((c) => `${c.who} ${round((c.summary as ProfileSummary).cores)} cores`).join(', ')}${why}; they do not explain the slowness`,
    );
  },
});

async function capture(kube: KubeClient, t: Capture): Promise<Capture> {
  try {
    const r = await kube.getBytes(t.path);
    if (r.status === 404 || r.status === 403 || r.status === 401) {
      const text = r.bytes.toString('utf8').trim().slice(0, 160);
      return {
        ...t,
        missing: {
          disabled: true,
          why: `${r.status} ${text}${r.status === 404 ? ' (profiling is off: --profiling=false, or the kubelet’s enableProfilingHandler / debugging handlers are off)' : ''}`,
        },
      };
    }
    if (r.status !== 200)
      return {
        ...t,
        missing: { disabled: false, why: `${r.status} ${r.bytes.toString('utf8').trim().slice(0, 160)}` },
      };
    return { ...t, bytes: r.bytes, summary: summarizeProfile(r.bytes) };
  } catch (err) {
    if (err instanceof KubeError || err instanceof ProfileFormatError)
      return { ...t, missing: { disabled: false, why: err.message } };
    throw err;
  }
}

/** The node's CPU use from metrics.k8s.io against its capacity, as `kubectl top node` shows it. */
async function nodeCpuPercent(
  kube: KubeClient,
  node: string,
): Promise<{ percent?: number; detail?: string; why?: string }> {
  try {
    const [metrics, n] = await Promise.all([
      kube.getRaw(`/apis/metrics.k8s.io/v1beta1/nodes/${encodeURIComponent(node)}`),
      kube.readNode(node),
    ]);
    if (metrics.status !== 200)
      return { why: `metrics.k8s.io answered ${metrics.status}: ${metrics.body.trim().slice(0, 120)}` };
    const usage = (JSON.parse(metrics.body) as { usage?: { cpu?: string } }).usage?.cpu;
    const capacity = n.status?.capacity?.cpu;
    const used = milliCores(usage);
    const total = milliCores(capacity);
    if (used === undefined || total === undefined || total === 0)
      return { why: `usage ${usage ?? 'missing'}, capacity ${capacity ?? 'missing'}` };
    return { percent: Math.round((used / total) * 100), detail: `${Math.round(used)}m of ${capacity ?? ''} CPUs` };
  } catch (err) {
    if (err instanceof KubeError || err instanceof SyntaxError) return { why: err.message };
    throw err;
  }
}

/** `250m`, `2`, `1500000n` (metrics-server reports nanocores) → millicores. */
export function milliCores(q: string | undefined): number | undefined {
  if (q === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(n|u|m)?$/.exec(q.trim());
  if (!m) return undefined;
  const v = Number(m[1]);
  switch (m[2]) {
    case 'n':
      return v / 1e6;
    case 'u':
      return v / 1e3;
    case 'm':
      return v;
    default:
      return v * 1000;
  }
}

function describe(s: ProfileSummary): string {
  return `${round(s.cpuSeconds)}s of CPU in ${round(s.wallSeconds)}s (${round(s.cores)} cores, ${s.samples} stacks); top: ${topLine(s) || 'no samples'}`;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
