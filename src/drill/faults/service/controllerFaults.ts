import { z } from 'zod';
import { objectUid } from '../../generate/ids.js';
import { ago, logLine } from '../cluster/support/logs.js';
import { defineFault } from '../types.js';
import type { FaultContext } from '../types.js';
import { accessLine, controllerLogTarget, nginxKlog, upstreamErrorLine } from './controllerLog.js';
import { appPods } from './support.js';
import type { AppRef } from './support.js';
import type { Json } from '../../apiserver/json.js';

const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const app = {
  namespace: z.string().default('shop'),
  name: z.string().default('web'),
  host: z.string().default('shop.example.com'),
};

/** Adds lines to the ingress-nginx controller's log, keeping it in time order. */
export function addControllerLines(ctx: FaultContext, lines: string[]): void {
  const ctrl =
    controllerLogTarget(ctx) ?? ctx.fail('no ingress-nginx controller pod (add service-app with a host first)');
  ctx.log(
    'ingress-nginx',
    ctrl.pod,
    ctrl.container,
    [...ctx.logOf('ingress-nginx', ctrl.pod, ctrl.container), ...lines].sort(),
  );
}

/** The app's pods as the controller's upstreams: `podIP:containerPort`. */
function endpointsOf(ctx: FaultContext, ref: AppRef): string[] {
  return appPods(ctx, ref).map((pod) => {
    const container = obj(((obj(pod.spec).containers as Json[] | undefined) ?? [])[0]);
    const port = obj(((container.ports as Json[] | undefined) ?? [])[0]).containerPort;
    return `${String(obj(pod.status).podIP)}:${typeof port === 'number' ? port : 8080}`;
  });
}

export const networkPolicyNamespaceOnly = defineFault({
  id: 'network-policy-namespace-only',
  title: "A NetworkPolicy admits only the app's own namespace: the ingress controller times out",
  layer: 'network',
  description:
    'NetworkPolicy allow-same-namespace in `namespace` (podSelector {}, Ingress from podSelector {}): pods of the namespace still reach the app, but the ingress-nginx controller (another namespace) does not; its log has `upstream timed out (110: Operation timed out)` for each pod and 504s for `host` over the last 10 minutes (unless `logged` is false).',
  params: z.strictObject({ ...app, logged: z.boolean().default(true) }),
  apply(ctx, p) {
    ctx.put({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: {
        name: 'allow-same-namespace',
        namespace: p.namespace,
        uid: objectUid('NetworkPolicy', p.namespace, 'allow-same-namespace'),
        generation: 1,
        creationTimestamp: ctx.at('now-12m'),
      },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] },
    });
    // Not logged: the controller's log rotated past the failures (or its error log goes elsewhere); only a request shows it.
    if (!p.logged) return;
    const eps = endpointsOf(ctx, p);
    const lines: string[] = [];
    for (const [i, s] of [540, 300, 90].entries()) {
      // nginx tries each upstream in turn (proxy_next_upstream error timeout), 5s connect timeout each.
      eps.forEach((ep, k) => {
        const m = ago(ctx, s + 5 * (eps.length - k - 1), `to-${s}-${ep}`);
        lines.push(
          logLine(
            m,
            upstreamErrorLine(m, 4100 + i * 17, 'upstream timed out (110: Operation timed out)', {
              client: '192.0.2.44',
              host: p.host,
              request: 'GET / HTTP/1.1',
              upstream: ep,
            }),
          ),
        );
      });
      const m = ago(ctx, s, `504-${s}`);
      lines.push(
        logLine(
          m,
          accessLine(m, {
            client: '192.0.2.44',
            request: 'GET / HTTP/1.1',
            status: 504,
            bytes: 160,
            upstreamName: `${p.namespace}-${p.name}-http`,
            upstream: eps.join(', '),
            upstreamStatus: eps.map(() => '504').join(', '),
            seconds: 5 * eps.length + 0.002,
          }),
        ),
      );
    }
    addControllerLines(ctx, lines);
  },
});

export const ingressControllerStaleEndpoints = defineFault({
  id: 'ingress-controller-stale-endpoints',
  title: 'The ingress controller lost its watch: it has no endpoints for a Service the API says has them',
  layer: 'cluster',
  description:
    'Since `since` seconds ago the ingress-nginx controller logs `Service "<namespace>/<name>" does not have any active Endpoint.` on every sync and answers `host` with 503 and no upstream, though the app\'s pods are Ready and its EndpointSlice lists them (its informer stopped after the API was briefly unreachable, as in ingress-nginx#9932).',
  params: z.strictObject({ ...app, since: z.number().int().min(60).default(1800) }),
  apply(ctx, p) {
    const lines: string[] = [];
    const lost = ago(ctx, p.since, 'lost');
    lines.push(
      logLine(
        lost,
        nginxKlog(
          'E',
          lost,
          'reflector.go:147',
          `"Unhandled Error" err="k8s.io/client-go/informers/factory.go:160: Failed to watch *v1.EndpointSlice: failed to list *v1.EndpointSlice: Get \\"https://10.96.0.1:443/apis/discovery.k8s.io/v1/endpointslices?limit=500&resourceVersion=0\\": dial tcp 10.96.0.1:443: i/o timeout" logger="UnhandledError"`,
        ),
      ),
    );
    for (let s = p.since - 30; s > 0; s -= Math.max(60, Math.floor(p.since / 6))) {
      const m = ago(ctx, s, `sync-${s}`);
      lines.push(
        logLine(
          m,
          nginxKlog(
            'W',
            m,
            'controller.go:1214',
            `Service "${p.namespace}/${p.name}" does not have any active Endpoint.`,
          ),
        ),
      );
      const r = ago(ctx, Math.max(1, s - 20), `503-${s}`);
      lines.push(
        logLine(
          r,
          accessLine(r, {
            client: '192.0.2.44',
            request: 'GET / HTTP/1.1',
            status: 503,
            bytes: 190,
            upstreamName: `${p.namespace}-${p.name}-http`,
            upstream: '-',
            upstreamStatus: '-',
            seconds: 0,
          }),
        ),
      );
    }
    addControllerLines(ctx, lines);
  },
});

/** The controller's lines for a TLS Secret it cannot use (ingress-nginx's wording, cited in test/fixtures/ingress-controller-logs/). */
export function tlsControllerLines(
  ctx: FaultContext,
  p: {
    namespace: string;
    secret: string;
    host: string;
    state: 'missing' | 'expired' | 'wrong-host';
    otherHost: string;
  },
): string[] {
  const lines: string[] = [];
  for (const s of [1500, 900, 300, 45]) {
    const m = ago(ctx, s, `tls-${s}`);
    if (p.state === 'missing')
      lines.push(
        logLine(
          m,
          nginxKlog(
            'W',
            m,
            'controller.go:1372',
            `Error getting SSL certificate "${p.namespace}/${p.secret}": local SSL certificate ${p.namespace}/${p.secret} was not found. Using default certificate`,
          ),
        ),
      );
    else if (p.state === 'wrong-host') {
      lines.push(
        logLine(
          m,
          nginxKlog(
            'W',
            m,
            'controller.go:1386',
            `Unexpected error validating SSL certificate "${p.namespace}/${p.secret}" for server "${p.host}": x509: certificate is valid for ${p.otherHost}, not ${p.host}`,
          ),
        ),
      );
      lines.push(
        logLine(
          m,
          nginxKlog(
            'W',
            m,
            'controller.go:1387',
            'Validating certificate against DNS names. This will be deprecated in a future version',
          ),
        ),
      );
      lines.push(
        logLine(
          m,
          nginxKlog(
            'W',
            m,
            'controller.go:1392',
            `SSL certificate "${p.namespace}/${p.secret}" does not contain a Common Name or Subject Alternative Name for server "${p.host}": x509: certificate is valid for ${p.otherHost}, not ${p.host}`,
          ),
        ),
      );
      lines.push(logLine(m, nginxKlog('W', m, 'controller.go:1393', 'Using default certificate')));
    }
  }
  return lines;
}
