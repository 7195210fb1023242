import { z } from 'zod';
import { selectorText } from '../../kube/labelSelector.js';
import { quoteArg } from '../../nodeaccess/quote.js';
import { ifExists } from '../reads.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence } from '../types.js';
import { podReady } from '../service/objects.js';

const outcomes = [
  'running',
  'no-class',
  'no-controller-pods',
  'controller-not-ready',
  'unknown-controller',
  'gateway-not-programmed',
] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  routeKind: z.enum(['Ingress', 'HTTPRoute']).default('Ingress'),
  /** The Ingress's class (`(default)`: none named), or the HTTPRoute's Gateway. */
  ingressClass: z.string().min(1),
  namespace: z.string().min(1),
});
type Params = z.infer<typeof params>;

/** Controller names (IngressClass spec.controller) and the labels their charts give the controller pods. */
export const controllerPods: Record<string, string> = {
  'k8s.io/ingress-nginx': 'app.kubernetes.io/name=ingress-nginx,app.kubernetes.io/component=controller',
  'traefik.io/ingress-controller': 'app.kubernetes.io/name=traefik',
  'nginx.org/ingress-controller': 'app.kubernetes.io/name=nginx-ingress',
  'haproxy.org/ingress-controller/haproxy': 'app.kubernetes.io/name=kubernetes-ingress',
  'k8s.io/ingress-azure': 'app=ingress-azure',
  'ingress.k8s.aws/alb': 'app.kubernetes.io/name=aws-load-balancer-controller',
};

interface ClassView {
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: { controller?: string };
}

interface GatewayView {
  spec?: { gatewayClassName?: string };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

const command = (p: Params) =>
  p.routeKind === 'HTTPRoute'
    ? `kubectl get gateway ${quoteArg(p.ingressClass)} -n ${quoteArg(p.namespace)}; kubectl get gatewayclass`
    : `kubectl get ingressclass; kubectl get pods -A -l ${quoteArg(controllerPods['k8s.io/ingress-nginx'] ?? '')} -o wide`;

/**
 * An Ingress does nothing by itself: the controller its class names reads
 * it and serves the traffic. A class nobody implements (or a controller
 * that is not running) leaves the Ingress without an address and the host
 * unanswered.
 */
export const ingressController = defineCheck({
  id: 'ingress.controller',
  layer: 'cluster',
  title: 'Is the controller for this Ingress class (or Gateway) running?',
  why: 'An Ingress is only a request; the controller its IngressClass names has to be running to serve it. A class with no controller behind it is an Ingress with no address.',
  params,
  outcomes,
  healthy: ['running'],
  facts: ['controller', 'controllerPod', 'controllerNamespace', 'controllerLabels', 'ingressClassName'],
  sets: {
    running: ['controller'],
    'no-controller-pods': ['controller', 'ingressClassName'],
    'controller-not-ready': ['controller', 'controllerPod'],
    'no-class': ['ingressClassName'],
    'unknown-controller': ['controller'],
    'gateway-not-programmed': ['controller'],
  },
  command,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    if (p.routeKind === 'HTTPRoute') {
      const gw = await ifExists(
        ctx.kube.getJson<GatewayView>(
          `/apis/gateway.networking.k8s.io/v1/namespaces/${encodeURIComponent(p.namespace)}/gateways/${encodeURIComponent(p.ingressClass)}`,
        ),
      );
      if (!gw)
        return {
          outcome: 'no-class',
          summary: `the HTTPRoute's parent Gateway ${p.ingressClass} does not exist in ${p.namespace}`,
          evidence: [],
          facts: { ingressClassName: p.ingressClass },
        };
      const programmed = gw.status?.conditions?.find((c) => c.type === 'Programmed');
      const controller = `GatewayClass ${gw.spec?.gatewayClassName ?? '?'}`;
      if (programmed?.status !== 'True') {
        return {
          outcome: 'gateway-not-programmed',
          summary: `Gateway ${p.ingressClass} is not Programmed (${programmed ? `${programmed.status}: ${programmed.reason ?? ''} ${programmed.message ?? ''}` : 'no status: no controller has picked it up'})`,
          evidence: [{ label: 'Programmed', value: programmed?.status ?? '(none)' }],
          facts: { controller },
        };
      }
      return {
        outcome: 'running',
        summary: `Gateway ${p.ingressClass} is Programmed by ${controller}`,
        evidence: [{ label: 'Programmed', value: 'True' }],
        facts: { controller },
      };
    }
    const classes = await ctx.kube.listJson<ClassView>('/apis/networking.k8s.io/v1/ingressclasses', { maxItems: 100 });
    const cls =
      p.ingressClass === '(default)'
        ? classes.find((c) => c.metadata.annotations?.['ingressclass.kubernetes.io/is-default-class'] === 'true')
        : classes.find((c) => c.metadata.name === p.ingressClass);
    const evidence: Evidence[] = [
      {
        label: 'IngressClasses',
        value: classes.map((c) => `${c.metadata.name} (${c.spec?.controller ?? '?'})`).join(', ') || 'none',
      },
    ];
    if (!cls) {
      return {
        outcome: 'no-class',
        summary:
          p.ingressClass === '(default)'
            ? 'the Ingress names no class and no IngressClass is marked default: no controller takes it'
            : `IngressClass ${p.ingressClass} does not exist: no controller takes this Ingress`,
        evidence,
        facts: { ingressClassName: p.ingressClass },
      };
    }
    const controller = cls.spec?.controller ?? '';
    const selector = controllerPods[controller];
    if (!selector)
      return {
        outcome: 'unknown-controller',
        summary: `IngressClass ${cls.metadata.name} names controller ${controller}, whose pods plumbline does not know how to find`,
        evidence,
        facts: { controller },
      };
    const pods = await ctx.kube.listPods({ labelSelector: selector, maxItems: 50 });
    evidence.push({
      label: `pods -l ${selector}`,
      value:
        pods.length === 0
          ? 'none'
          : pods
              .map(
                (x) =>
                  `${x.metadata?.namespace ?? ''}/${x.metadata?.name ?? ''} ${x.status?.phase ?? ''}${podReady(x) ? ' Ready' : ' not Ready'}`,
              )
              .join(', '),
    });
    if (pods.length === 0)
      return {
        outcome: 'no-controller-pods',
        summary: `IngressClass ${cls.metadata.name} is implemented by ${controller}, but no pod of it runs in the cluster: nothing serves this Ingress`,
        evidence,
        facts: { controller, ingressClassName: cls.metadata.name },
      };
    const ready = pods.find(podReady);
    if (!ready)
      return {
        outcome: 'controller-not-ready',
        summary: `${controller}'s pods are not Ready (${pods.length} found)`,
        evidence,
        facts: { controller, controllerPod: `${pods[0]?.metadata?.namespace ?? ''}/${pods[0]?.metadata?.name ?? ''}` },
      };
    return {
      outcome: 'running',
      summary: `${controller} runs (${ready.metadata?.namespace ?? ''}/${ready.metadata?.name ?? ''} Ready)`,
      evidence,
      facts: {
        controller,
        controllerPod: ready.metadata?.name ?? '',
        controllerNamespace: ready.metadata?.namespace ?? '',
        controllerLabels: selectorText(ready.metadata?.labels ?? {}),
      },
    };
  },
});
