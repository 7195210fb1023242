import { z } from 'zod';
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { hostOf } from '../../kube/dnsNames.js';
import { quoteArg } from '../../nodeaccess/quote.js';
import { ifExists } from '../reads.js';
import { defineCheck } from '../types.js';
import type { CheckContext, CheckResult, Evidence } from '../types.js';
import { probeLabels } from './networkPolicy.js';
import { listEndpointSlices, servicePorts } from './objects.js';

const outcomes = ['reaches', 'dns-fails', 'clusterip-fails', 'pod-fails', 'ingress-fails', 'not-run'] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  namespace: z.string().min(1),
  service: z.string().min(1),
  /** The name to resolve (default the Service's own). */
  name: z.string().default(''),
  /** Run it on this node (the client's), else wherever the scheduler puts it. */
  node: z.string().default(''),
  /** The Ingress host: with the controller's namespace, the probe also asks the controller's Service for it. */
  host: z.string().default(''),
  controllerNamespace: z.string().default(''),
  image: z.string().min(1).default('busybox:1.36'),
  timeoutSeconds: z.coerce.number().int().min(5).max(300).default(30),
});
type Params = z.infer<typeof params>;

const podName = (svc: string) =>
  `plumbline-probe-${svc}`
    .slice(0, 63)
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-+$/, '');

/**
 * The probe's script (busybox sh): one line per leg, to stdout and to
 * /dev/termination-log, so the result is in the pod's status without
 * reading logs. nc -z fails fast on a refused connection and after -w
 * seconds when packets vanish; that difference names the broken hop.
 */
export const probeScript = [
  'r() { echo "$*"; echo "$*" >> /dev/termination-log; }',
  'if [ -n "$PROBE_NAME" ]; then a=$(nslookup "$PROBE_NAME" 2>&1); ip=$(echo "$a" | awk \'/^Address: /{print $2; exit}\'); if echo "$a" | grep -q NXDOMAIN; then r "dns $PROBE_NAME fail NXDOMAIN"; elif [ -n "$ip" ]; then r "dns $PROBE_NAME ok $ip"; else r "dns $PROBE_NAME fail timeout"; fi; fi',
  'c() { out=$(nc -z -w 3 "$1" "$2" 2>&1); if [ $? -eq 0 ]; then r "$3 $1:$2 ok"; elif echo "$out" | grep -qi refused; then r "$3 $1:$2 fail refused"; else r "$3 $1:$2 fail timeout"; fi; }',
  '[ -n "$PROBE_CLUSTER_IP" ] && c "$PROBE_CLUSTER_IP" "$PROBE_PORT" clusterip',
  '[ -n "$PROBE_POD_IP" ] && c "$PROBE_POD_IP" "$PROBE_POD_PORT" pod',
  // busybox wget -S prints the status line ("  HTTP/1.1 503 Service Temporarily Unavailable") even for an error status.
  'if [ -n "$PROBE_INGRESS_IP" ]; then t="$PROBE_INGRESS_IP:$PROBE_INGRESS_PORT/$PROBE_HOST"; out=$(wget -S -O /dev/null -T 5 --header "Host: $PROBE_HOST" "http://$PROBE_INGRESS_IP:$PROBE_INGRESS_PORT/" 2>&1); code=$(echo "$out" | awk \'$1 ~ /^HTTP/ { c = $2 } END { print c }\'); if [ -n "$code" ] && [ "$code" -lt 400 ]; then r "ingress $t ok $code"; elif [ -n "$code" ]; then r "ingress $t fail $code"; elif echo "$out" | grep -qi refused; then r "ingress $t fail refused"; else r "ingress $t fail timeout"; fi; fi',
  'grep -q " fail " /dev/termination-log && exit 1; exit 0',
].join('\n');

interface Targets {
  name: string;
  clusterIP: string;
  port: number;
  podIP: string;
  podPort: number;
  /** The ingress controller's Service address and HTTP port, and the host to ask it for. */
  ingressIP: string;
  ingressPort: number;
  host: string;
}

function probePod(p: Params, t: Targets): V1Pod {
  const env = [
    { name: 'PROBE_NAME', value: t.name },
    { name: 'PROBE_CLUSTER_IP', value: t.clusterIP },
    { name: 'PROBE_PORT', value: t.port ? String(t.port) : '' },
    { name: 'PROBE_POD_IP', value: t.podIP },
    { name: 'PROBE_POD_PORT', value: t.podPort ? String(t.podPort) : '' },
    { name: 'PROBE_INGRESS_IP', value: t.ingressIP },
    { name: 'PROBE_INGRESS_PORT', value: t.ingressPort ? String(t.ingressPort) : '' },
    { name: 'PROBE_HOST', value: t.host },
  ];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: podName(p.service), namespace: p.namespace, labels: { ...probeLabels } },
    spec: {
      ...(p.node ? { nodeSelector: { 'kubernetes.io/hostname': p.node }, tolerations: [{ operator: 'Exists' }] } : {}),
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 0,
      containers: [
        {
          name: 'probe',
          image: p.image,
          command: ['sh', '-c', probeScript],
          env,
          resources: { requests: { cpu: '10m', memory: '8Mi' }, limits: { memory: '32Mi' } },
        },
      ],
    },
  };
}

/**
 * The probe as a person can run it: the addresses it tries are read by command
 * substitution on their machine, as the check reads them before it starts the pod.
 */
function commandOf(p: Params): string {
  const name = podName(p.service);
  const target = p.name || `${p.service}.${p.namespace}.svc.cluster.local`;
  const ns = quoteArg(p.namespace);
  const svc = quoteArg(p.service);
  const clusterIP = `$(kubectl get service ${svc} -n ${ns} -o jsonpath='{.spec.clusterIP} {.spec.ports[0].port}')`;
  const endpoint = `$(kubectl get endpointslices -n ${ns} -l kubernetes.io/service-name=${svc} -o jsonpath='{.items[0].endpoints[0].addresses[0]} {.items[0].ports[0].port}')`;
  const ingress =
    p.host && hostOf(p.host) !== '*' && p.controllerNamespace
      ? `; wget -S -O /dev/null --header 'Host: ${hostOf(p.host)}' http://$(kubectl get service -n ${quoteArg(p.controllerNamespace)} -l app.kubernetes.io/component=controller -o jsonpath='{.items[0].spec.clusterIP}')/`
      : '';
  return `kubectl run ${quoteArg(name)} -n ${ns} --rm -i --restart=Never --image=${quoteArg(p.image)} -l plumbline.dev/probe=true${p.node ? ` --overrides='{"spec":{"nodeSelector":{"kubernetes.io/hostname":"${p.node}"}}}'` : ''} -- sh -c "nslookup ${target}; nc -zv -w 3 ${clusterIP}; nc -zv -w 3 ${endpoint}${ingress}"`;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/** `dns web.shop ok 10.96.4.7` / `clusterip 10.96.4.7:80 fail timeout` / `pod 10.244.1.5:8080 ok` / `ingress 10.96.180.20:80/shop.example.com fail 504`. */
export function parseProbeLines(text: string): { leg: string; target: string; ok: boolean; why: string }[] {
  return text
    .split('\n')
    .map((l) => /^(dns|clusterip|pod|ingress) (\S+) (ok|fail)\s*(.*)$/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ leg: m[1] ?? '', target: m[2] ?? '', ok: m[3] === 'ok', why: m[4] ?? '' }));
}

async function targets(ctx: CheckContext, p: Params): Promise<Targets> {
  const svc = await ifExists(ctx.kube.readService(p.namespace, p.service));
  const sp = svc ? servicePorts(svc)[0] : undefined;
  const slices = svc ? await listEndpointSlices(ctx.kube, p.namespace, p.service) : [];
  const ep = slices.flatMap((s) =>
    (s.endpoints ?? [])
      .filter((e) => e.conditions?.ready !== false)
      .map((e) => ({ ip: e.addresses[0] ?? '', port: s.ports?.[0]?.port ?? 0 })),
  )[0];
  const clusterIP = svc?.spec?.clusterIP && svc.spec.clusterIP !== 'None' ? svc.spec.clusterIP : '';
  const ingress =
    p.host && hostOf(p.host) !== '*' && p.controllerNamespace
      ? await controllerService(ctx, p.controllerNamespace)
      : undefined;
  return {
    name: p.name || `${p.service}.${p.namespace}.svc.cluster.local`,
    clusterIP,
    port: clusterIP ? (sp?.port ?? 0) : 0,
    podIP: ep?.ip ?? '',
    podPort: ep?.port ?? 0,
    ingressIP: ingress?.ip ?? '',
    ingressPort: ingress?.port ?? 0,
    host: ingress ? hostOf(p.host) : '',
  };
}

/**
 * The controller's own Service: the one with an HTTP port (80, or named http)
 * and a ClusterIP, preferring the one outside traffic uses (LoadBalancer,
 * NodePort) over its admission webhook's.
 */
async function controllerService(
  ctx: CheckContext,
  namespace: string,
): Promise<{ ip: string; port: number } | undefined> {
  const services = await ctx.kube.listJson<V1Service>(`/api/v1/namespaces/${encodeURIComponent(namespace)}/services`, {
    maxItems: 50,
  });
  const rank = (s: V1Service) => (s.spec?.type === 'LoadBalancer' ? 0 : s.spec?.type === 'NodePort' ? 1 : 2);
  const http = services
    .filter((s) => s.spec?.clusterIP && s.spec.clusterIP !== 'None' && !(s.metadata?.name ?? '').endsWith('-admission'))
    .map((s) => ({ s, port: (s.spec?.ports ?? []).find((x) => x.port === 80 || x.name === 'http') }))
    .filter((x) => x.port !== undefined)
    .sort((a, b) => rank(a.s) - rank(b.s));
  const first = http[0];
  return first ? { ip: first.s.spec?.clusterIP ?? '', port: first.port?.port ?? 80 } : undefined;
}

async function observe(ctx: CheckContext, p: Params): Promise<CheckResult<Outcome>> {
  const t = await targets(ctx, p);
  const name = podName(p.service);
  const evidence: Evidence[] = [];
  // A probe left over from an interrupted walk would make create fail.
  await ctx.kube
    .withSignal(AbortSignal.timeout(5_000))
    .deletePod(p.namespace, name)
    .catch(() => undefined);
  await ctx.kube.createPod(p.namespace, probePod(p, t));
  evidence.push({
    label: 'created',
    value: `pod ${p.namespace}/${name} (${p.image}${p.node ? `, on ${p.node}` : ''}): resolves ${t.name}, connects to ${t.clusterIP || '(no ClusterIP)'}:${t.port || '-'} and ${t.podIP || '(no ready endpoint)'}:${t.podPort || '-'}${t.ingressIP ? `, asks ${t.ingressIP}:${t.ingressPort} for ${t.host}` : ''}`,
  });
  const deadline = Date.now() + p.timeoutSeconds * 1000;
  let last: V1Pod | undefined;
  while (Date.now() < deadline && !ctx.signal.aborted) {
    last = await ctx.kube.readPod(p.namespace, name);
    // A probe no node takes never runs: say why now rather than time out (a lone control-plane node keeps its
    // NoSchedule taint unless the distribution removes it; a kind cluster's frame showed it first).
    const unscheduled = last.status?.conditions?.find(
      (c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable',
    );
    if (unscheduled)
      return {
        outcome: 'error',
        summary: `the probe pod could not be scheduled, so nothing was tried from inside the cluster: ${unscheduled.message ?? 'no node fits it'}`,
        evidence: [
          ...evidence,
          { label: 'PodScheduled', value: `False (Unschedulable): ${unscheduled.message ?? ''}` },
        ],
        facts: { errorKind: 'unschedulable' },
      };
    const term = last.status?.containerStatuses?.[0]?.state?.terminated;
    if (term) {
      const legs = parseProbeLines(term.message ?? '');
      const node = last.spec?.nodeName ?? '(unknown)';
      evidence.push(
        { label: 'node', value: node },
        ...legs.map((l) => ({ label: l.leg, value: `${l.target} ${l.ok ? 'ok' : `failed: ${l.why}`}` })),
      );
      const facts = {
        probeNode: node,
        probeResults: legs.map((l) => `${l.leg} ${l.ok ? 'ok' : l.why}`).join('; ') || '(no output)',
      };
      const failed = (leg: string) => legs.find((l) => l.leg === leg && !l.ok);
      const pod = failed('pod');
      const cip = failed('clusterip');
      const dns = failed('dns');
      if (legs.length === 0)
        return {
          outcome: 'error',
          summary: `the probe pod ended (${term.reason ?? ''}, exit ${term.exitCode}) without printing a result`,
          evidence,
          facts: { errorKind: 'bad-output' },
        };
      if (pod)
        return {
          outcome: 'pod-fails',
          summary: `from ${node}, a connection straight to the pod ${pod.target} failed (${pod.why}): the pod, its port, the pod network or a NetworkPolicy is in the way`,
          evidence,
          facts: { ...facts, failedLeg: 'pod', failure: pod.why },
        };
      if (cip)
        return {
          outcome: 'clusterip-fails',
          summary: `from ${node}, the pod answers on its own address but the ClusterIP ${cip.target} does not (${cip.why}): kube-proxy's rules on ${node} are the broken hop`,
          evidence,
          facts: { ...facts, failedLeg: 'clusterip', failure: cip.why },
        };
      if (dns)
        return {
          outcome: 'dns-fails',
          summary: `from ${node}, the addresses answer but ${dns.target} does not resolve (${dns.why})`,
          evidence,
          facts: { ...facts, failedLeg: 'dns', failure: dns.why },
        };
      const ing = failed('ingress');
      if (ing) {
        const failure = /^\d{3}$/.test(ing.why) ? `HTTP ${ing.why}` : ing.why;
        return {
          outcome: 'ingress-fails',
          summary: `from ${node}, the pod and the ClusterIP answer, but through the ingress controller (${ing.target.split('/')[0] ?? ''}) ${t.host} gets ${failure}: the break is in the controller or between it and the pods`,
          evidence,
          facts: { ...facts, failedLeg: 'ingress', failure, probeHost: t.host },
        };
      }
      return {
        outcome: 'reaches',
        summary: `from ${node}, the name resolves and both the ClusterIP and a pod answer${t.ingressIP ? `, and the ingress controller answers for ${t.host}` : ''}`,
        evidence,
        facts,
      };
    }
    await sleep(500, ctx.signal);
  }
  return {
    outcome: 'error',
    summary: `the probe pod did not finish within ${p.timeoutSeconds}s (phase ${last?.status?.phase ?? 'unknown'}, node ${last?.spec?.nodeName ?? 'none'})`,
    evidence,
    facts: { errorKind: 'timeout' },
  };
}

/**
 * A short-lived pod that does what the client does, leg by leg: resolve the
 * name, connect to the ClusterIP, connect to a pod directly. Which leg fails
 * says where the path breaks. It writes to the cluster, so it runs only with
 * --allow-mutations (always in a drill), and its pod is always deleted.
 */
export const serviceProbe = defineCheck({
  id: 'service.probe',
  layer: 'cluster',
  title: 'Can a pod resolve the name and reach the ClusterIP and a pod directly?',
  why: 'Reading objects says what should happen; a pod that tries it says what does. A pod IP that answers while the ClusterIP does not puts the break in kube-proxy; neither answering puts it in the pod network, a policy or the pod.',
  params,
  outcomes,
  healthy: ['reaches'],
  facts: ['probeNode', 'probeResults', 'failedLeg', 'failure', 'probeHost'],
  sets: {
    reaches: ['probeNode', 'probeResults'],
    'pod-fails': ['probeNode', 'failure'],
    'clusterip-fails': ['probeNode', 'failure'],
    'dns-fails': ['probeNode', 'failure'],
    'ingress-fails': ['probeNode', 'failure', 'probeHost', 'probeResults'],
  },
  command: commandOf,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    if (!ctx.allowMutations) {
      return {
        outcome: 'not-run',
        summary:
          'not run: this check creates a pod (read-only; rerun with --allow-mutations, or run the command yourself)',
        evidence: [{ label: 'command', value: commandOf(p) }],
        facts: {},
      };
    }
    try {
      return await observe(ctx, p);
    } finally {
      await ctx.kube
        .withSignal(AbortSignal.timeout(5_000))
        .deletePod(p.namespace, podName(p.service))
        .catch(() => undefined);
    }
  },
});
