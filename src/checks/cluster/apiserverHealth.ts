import { z } from 'zod';
import type { KubeClient, RawResponse } from '../../kube/client.js';
import { KubeError } from '../../kube/errors.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';

const outcomes = ['healthy', 'slow', 'not-live', 'not-ready'] as const;
type Outcome = (typeof outcomes)[number];

/** A few calls: enough to tell a slow server from one slow request. */
const latencySamples = 3;

export const clusterApiserverHealth = defineCheck({
  id: 'cluster.apiserver-health',
  layer: 'cluster',
  title: "The API server's own health checks and its latency",
  why: 'Every other check and every controller goes through kube-apiserver; /livez and /readyz?verbose list its internal checks (etcd, informers, post-start hooks) and name the one that fails, and a slow answer explains a slow kubectl before anything else does.',
  params: z.object({
    /** Median latency above which the server counts as slow. */
    slowMs: z.coerce.number().int().positive().default(1000),
  }),
  outcomes,
  healthy: ['healthy'],
  facts: ['failingChecks', 'livezStatus', 'readyzStatus', 'latencyMs', 'latencyMaxMs'],
  sets: {
    healthy: ['latencyMaxMs', 'latencyMs', 'livezStatus', 'readyzStatus'],
    slow: ['latencyMaxMs', 'latencyMs', 'livezStatus', 'readyzStatus'],
    'not-ready': ['failingChecks', 'latencyMaxMs', 'latencyMs', 'livezStatus', 'readyzStatus'],
  },
  command: () => "kubectl get --raw '/livez?verbose' && kubectl get --raw '/readyz?verbose'",
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const [livez, readyz] = await Promise.all([
      health(ctx.kube, '/livez?verbose'),
      health(ctx.kube, '/readyz?verbose'),
    ]);
    const samples: number[] = [];
    for (let i = 0; i < latencySamples; i++) {
      const started = performance.now();
      await health(ctx.kube, '/readyz');
      samples.push(Math.round(performance.now() - started));
    }
    const median = [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? 0;
    const facts: Facts = {
      livezStatus: livez.status,
      readyzStatus: readyz.status,
      latencyMs: median,
      latencyMaxMs: Math.max(...samples),
    };
    const evidence: Evidence[] = [
      { label: 'GET /livez?verbose', value: `${livez.status}: ${verdictLine(livez)}` },
      { label: 'GET /readyz?verbose', value: `${readyz.status}: ${verdictLine(readyz)}` },
      {
        label: `latency over ${latencySamples} GET /readyz`,
        value: `${samples.map((s) => `${s}ms`).join(', ')} (median ${median}ms)`,
      },
    ];
    const liveFailed = failingChecks(livez);
    const readyFailed = failingChecks(readyz);
    for (const f of [...liveFailed, ...readyFailed.filter((f) => !liveFailed.includes(f))])
      evidence.push({ label: 'failing check', value: f.line });
    if (livez.status !== 200) {
      facts.failingChecks = names(liveFailed).join(',') || reasonOf(livez);
      return {
        outcome: 'not-live',
        summary: `kube-apiserver fails its liveness checks (${facts.failingChecks}): the kubelet will restart it, and every client sees errors meanwhile`,
        evidence,
        facts,
      };
    }
    if (readyz.status !== 200) {
      facts.failingChecks = names(readyFailed).join(',') || reasonOf(readyz);
      return {
        outcome: 'not-ready',
        summary: `kube-apiserver is live but not ready (${facts.failingChecks}): it answers, but load balancers take it out and requests that need the failing part fail`,
        evidence,
        facts,
      };
    }
    if (median > p.slowMs) {
      return {
        outcome: 'slow',
        summary: `kube-apiserver is healthy but slow: a health check takes ${median}ms (median of ${latencySamples}; over ${p.slowMs}ms)`,
        evidence,
        facts,
      };
    }
    return {
      outcome: 'healthy',
      summary: `kube-apiserver passes every liveness and readiness check and answers in ${median}ms`,
      evidence,
      facts,
    };
  },
});

/** A health endpoint's answer; a 401 or 403 means we may not look, which is an error, not an unhealthy server. */
async function health(kube: KubeClient, path: string): Promise<RawResponse> {
  const r = await kube.getRaw(path);
  if (r.status === 401)
    throw new KubeError(
      'unauthorized',
      `GET ${path}: ${statusMessage(r.body)}: the credentials in your kubeconfig were rejected`,
      401,
    );
  if (r.status === 403)
    throw new KubeError(
      'forbidden',
      `${statusMessage(r.body)} (needs get on the non-resource path ${path.split('?')[0]})`,
      403,
    );
  return r;
}

function statusMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // A plain-text body is the message itself.
  }
  return body.trim();
}

interface FailingCheck {
  name: string;
  line: string;
}

/** `[-]etcd failed: reason withheld` lines, as kube-apiserver prints a failing check. */
export function failingChecks(r: RawResponse): FailingCheck[] {
  const out: FailingCheck[] = [];
  for (const line of r.body.split('\n')) {
    const m = /^\[-\](\S+) (.*)$/.exec(line.trim());
    if (m?.[1]) out.push({ name: m[1], line: line.trim() });
  }
  return out;
}

function names(f: FailingCheck[]): string[] {
  return f.map((x) => x.name);
}

/** The last line of a verbose answer (`readyz check failed`), or the error Status a proxy or fault returned. */
function verdictLine(r: RawResponse): string {
  const lines = r.body.trim().split('\n');
  if (lines.length > 1) return lines.at(-1) ?? '';
  return statusMessage(r.body).slice(0, 200) || '(empty)';
}

function reasonOf(r: RawResponse): string {
  return `HTTP ${r.status}: ${statusMessage(r.body).slice(0, 120)}`;
}
