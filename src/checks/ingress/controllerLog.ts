import { z } from 'zod';
import type { V1Pod } from '@kubernetes/client-node';
import { KubeError } from '../../kube/errors.js';
import { hostOf } from '../../kube/dnsNames.js';
import { quoteArg } from '../../nodeaccess/quote.js';
import { plural } from '../format.js';
import { clip } from '../pods.js';
import { defineCheck } from '../types.js';
import type { CheckContext, CheckResult, Evidence } from '../types.js';
import { ifExists } from '../reads.js';
import { podReady, servicePorts } from '../service/objects.js';
import { controllerPods } from './controller.js';
import { readControllerLog } from './controllerLogLines.js';
import type { ControllerLine, LineKind, LogTarget } from './controllerLogLines.js';

const outcomes = [
  'clean',
  'not-read',
  'backend-missing',
  'no-route',
  'no-endpoints',
  'upstream-failing',
  'certificate-rejected',
] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  namespace: z.string().min(1),
  service: z.string().min(1),
  /** The host (or URL) clients use. */
  host: z.string().default(''),
  tlsSecret: z.string().default(''),
  /** The Service's endpoint IPs (comma-separated), to know its upstream lines by address. */
  endpoints: z.string().default(''),
  /** The controller's pod (from ingress.controller); else found by `controller`'s labels. */
  controllerPod: z.string().default(''),
  controllerNamespace: z.string().default(''),
  /** The IngressClass's spec.controller (k8s.io/ingress-nginx ...). */
  controller: z.string().default(''),
  tailLines: z.coerce.number().int().min(50).max(20_000).default(3000),
});
type Params = z.infer<typeof params>;

/** At most this many controller replicas are read: one that serves the host shows it, and the rest cost time. */
const maxPods = 3;

function grepFor(p: Params): string {
  const words = [
    `${p.namespace}/${p.service}`,
    `${p.namespace}-${p.service}-`,
    hostOf(p.host),
    p.tlsSecret && p.tlsSecret !== '(none)' ? `${p.namespace}/${p.tlsSecret}` : '',
  ].filter(Boolean);
  return words.map((w) => w.replace(/[.]/g, '\\.')).join('|');
}

function commandOf(p: Params): string {
  const pod = p.controllerPod
    ? quoteArg(p.controllerPod)
    : `-l ${quoteArg(controllerPods[p.controller] ?? controllerPods['k8s.io/ingress-nginx'] ?? '')}`;
  return `kubectl logs ${pod} -n ${quoteArg(p.controllerNamespace || 'ingress-nginx')} --tail=${p.tailLines} | grep -E ${quoteArg(grepFor(p))}`;
}

const say: Record<Exclude<LineKind, 'served'>, string> = {
  'backend-missing': 'cannot find the backend Service',
  'no-route': 'has no route for the host',
  'no-endpoints': 'has no endpoint to send the host to',
  'upstream-failing': 'fails to get an answer from the pods',
  'certificate-rejected': 'rejects the TLS certificate and serves its default one',
};

async function controllerPodsToRead(ctx: CheckContext, p: Params): Promise<V1Pod[]> {
  if (p.controllerPod && p.controllerNamespace) {
    const pod = await ctx.kube.readPod(p.controllerNamespace, p.controllerPod).catch((err: unknown) => {
      if (err instanceof KubeError && err.kind === 'not-found') return undefined;
      throw err;
    });
    if (pod) return [pod];
  }
  const selector = controllerPods[p.controller];
  if (!selector) return [];
  const pods = await ctx.kube.listPods({ labelSelector: selector, maxItems: 20 });
  return [...pods.filter(podReady), ...pods.filter((x) => !podReady(x))].slice(0, maxPods);
}

/**
 * What the ingress controller itself says about the host and its backend:
 * the objects can look right while the controller logs "no active Endpoint",
 * times out connecting to the pods (a NetworkPolicy that lets the client in
 * but not the controller), or falls back to its default certificate.
 */
export const ingressControllerLog = defineCheck({
  id: 'ingress.controller-log',
  layer: 'cluster',
  title: "What does the ingress controller's log say about the host and its backend?",
  why: 'The controller is the client the outside world uses: its log names the backend it could not find, the endpoints it does not have, the pod addresses that refused or timed out, and the certificate it would not serve.',
  params,
  outcomes,
  healthy: ['clean', 'not-read'],
  facts: ['controllerLogLine', 'controllerLogDetail', 'controllerLogPod', 'controllerLogLines'],
  sets: {
    'backend-missing': ['controllerLogLine', 'controllerLogDetail', 'controllerLogPod'],
    'no-route': ['controllerLogLine', 'controllerLogDetail', 'controllerLogPod'],
    'no-endpoints': ['controllerLogLine', 'controllerLogDetail', 'controllerLogPod'],
    'upstream-failing': ['controllerLogLine', 'controllerLogDetail', 'controllerLogPod'],
    'certificate-rejected': ['controllerLogLine', 'controllerLogDetail', 'controllerLogPod'],
  },
  command: commandOf,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const pods = await controllerPodsToRead(ctx, p);
    if (pods.length === 0) {
      return {
        outcome: 'not-read',
        summary: `no controller pod to read${p.controller ? ` (plumbline does not know the pods of ${p.controller})` : ''}: read your ingress controller's log for ${hostOf(p.host) || `${p.namespace}/${p.service}`} yourself`,
        evidence: [{ label: 'command', value: commandOf(p) }],
        facts: {},
      };
    }
    const svc = await ifExists(ctx.kube.readService(p.namespace, p.service));
    const target: LogTarget = {
      ports: svc ? servicePorts(svc).flatMap((x) => [String(x.port), ...(x.name ? [x.name] : [])]) : [],
      namespace: p.namespace,
      service: p.service,
      host: hostOf(p.host),
      tlsSecret: p.tlsSecret === '(none)' ? '' : p.tlsSecret,
      endpointIPs: p.endpoints
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    };
    const evidence: Evidence[] = [];
    const found: (ControllerLine & { pod: string })[] = [];
    let read = 0;
    let total = 0;
    const texts = await Promise.all(
      pods.map(async (pod) => {
        const ns = pod.metadata?.namespace ?? '';
        const name = pod.metadata?.name ?? '';
        try {
          return {
            pod: `${ns}/${name}`,
            text: await ctx.kube.readPodLog(ns, name, { tailLines: p.tailLines, limitBytes: p.tailLines * 2048 }),
          };
        } catch (err) {
          // The kubelet refuses a log it does not have (container not started, rotated away): an answer for that pod.
          if (err instanceof KubeError && (err.kind === 'bad-request' || err.kind === 'not-found'))
            return { pod: `${ns}/${name}`, refused: err.message };
          throw err;
        }
      }),
    );
    for (const t of texts) {
      if ('refused' in t) {
        evidence.push({ label: t.pod, value: `log not read: ${clip(t.refused ?? '', 160)}` });
        continue;
      }
      read++;
      const lines = t.text.split('\n').filter((l) => l.trim() !== '');
      total += lines.length;
      for (const l of readControllerLog(t.text, target).lines) found.push({ ...l, pod: t.pod });
    }
    if (read === 0)
      return {
        outcome: 'not-read',
        summary: `the controller's log could not be read (${plural(pods.length, 'pod')})`,
        evidence,
        facts: {},
      };
    const about = target.host || `${p.namespace}/${p.service}`;
    const failures = found.filter((l) => l.kind !== 'served');
    const worst = (
      ['backend-missing', 'no-route', 'no-endpoints', 'upstream-failing', 'certificate-rejected'] as const
    ).find((k) => failures.some((l) => l.kind === k));
    if (!worst) {
      const served = found.filter((l) => l.kind === 'served');
      evidence.push({
        label: `controller log (${plural(total, 'line')}, ${plural(read, 'pod')})`,
        value:
          served.length > 0
            ? `${plural(served.length, 'request')} for ${about} served, none failed`
            : `no line about ${about}`,
      });
      for (const s of served.slice(-2)) evidence.push({ label: s.pod, value: clip(s.line, 200) });
      return {
        outcome: 'clean',
        summary:
          served.length > 0
            ? `the controller served ${plural(served.length, 'request')} to ${p.namespace}/${p.service} and logged no failure for it`
            : `the controller's last ${plural(total, 'line')} say nothing about ${about}: no failure it noticed`,
        evidence,
        facts: { controllerLogLines: total },
      };
    }
    const chosen = failures.filter((l) => l.kind === worst);
    const last = chosen[chosen.length - 1] as ControllerLine & { pod: string };
    for (const l of [...chosen.slice(-4), ...failures.filter((l) => l.kind !== worst).slice(-2)])
      evidence.push({ label: `${l.pod} · ${l.kind}`, value: clip(l.line, 240) });
    return {
      outcome: worst,
      summary: `the controller ${say[worst]} (${plural(chosen.length, 'line')} in its last ${plural(total, 'line')}): ${clip(last.detail, 160)}`,
      evidence,
      facts: {
        controllerLogLine: clip(last.line, 300),
        controllerLogDetail: clip(last.detail, 160),
        controllerLogPod: last.pod,
        controllerLogLines: total,
      },
    };
  },
});
