import { z } from 'zod';
import { defineFault } from '../types.js';
import { ensureMetricsServer, metricsServerUnready, serviceIP } from './support/addons.js';
import { controlPlanePod } from './support/controlPlane.js';
import { appendLog } from './support/logbook.js';
import { ago, klog, logLine } from './support/logs.js';
import { podReady } from './support/workloads.js';

const name = 'v1beta1.metrics.k8s.io';

/**
 * The aggregated metrics API is registered but not served: kube-aggregator's
 * availability controller marks the APIService Available=False and proxies
 * nothing to it, so every client that discovers all groups (kubectl,
 * controller-manager, namespace deletion) trips over metrics.k8s.io/v1beta1.
 */
export const apiserviceUnavailable = defineFault({
  id: 'apiservice-unavailable',
  title: 'The metrics.k8s.io APIService is unavailable (FailedDiscoveryCheck / MissingEndpoints)',
  layer: 'cluster',
  description:
    'APIService v1beta1.metrics.k8s.io has Available=False with the availability controller\'s reason and message: FailedDiscoveryCheck ("failing or missing response from https://<service-ip>:443/apis/metrics.k8s.io/v1beta1: ... Client.Timeout exceeded while awaiting headers"), MissingEndpoints ("endpoints for service/metrics-server in "kube-system" have no addresses with port name "https"", with the metrics-server pod unready) or ServiceNotFound ("service/metrics-server in "kube-system" is not present", the Service deleted). Requests under /apis/metrics.k8s.io/ answer 503 "the server is currently unable to handle the request" (kubectl top and get --raw fail). The kube-apiserver logs the availability failures and the OpenAPI aggregation controller\'s 503s. /readyz stays ok. Without `reason`, MissingEndpoints if metrics-server is already unready (after metrics-server-cannot-reach-kubelet), else FailedDiscoveryCheck.',
  params: z.strictObject({
    reason: z.enum(['FailedDiscoveryCheck', 'MissingEndpoints', 'ServiceNotFound']).optional(),
    /** Minutes since the APIService went unavailable. */
    minutes: z.number().int().min(1).max(1440).default(40),
  }),
  apply(ctx, p) {
    const apiService = ctx.need('APIService', undefined, name);
    const { pod, service } = ensureMetricsServer(ctx);
    const reason = p.reason ?? (podReady(pod) ? 'FailedDiscoveryCheck' : 'MissingEndpoints');
    const seconds = p.minutes * 60;
    const spec = (apiService.spec ?? {}) as {
      group?: string;
      version?: string;
      service?: { name?: string; namespace?: string; port?: number };
    };
    const svcName = spec.service?.name ?? 'metrics-server';
    const svcNs = spec.service?.namespace ?? 'kube-system';
    const url = `https://${serviceIP(service)}:${spec.service?.port ?? 443}/apis/${spec.group ?? 'metrics.k8s.io'}/${spec.version ?? 'v1beta1'}`;

    let message: string;
    switch (reason) {
      case 'FailedDiscoveryCheck':
        message = `failing or missing response from ${url}: Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`;
        break;
      case 'MissingEndpoints':
        if (podReady(pod)) metricsServerUnready(ctx, seconds);
        message = `endpoints for service/${svcName} in "${svcNs}" have no addresses with port name "https"`;
        break;
      case 'ServiceNotFound':
        ctx.remove('Service', svcNs, svcName);
        ctx.remove('Endpoints', svcNs, svcName);
        for (const slice of ctx
          .list('EndpointSlice', svcNs)
          .filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svcName))
          ctx.remove('EndpointSlice', svcNs, slice.metadata.name);
        message = `service/${svcName} in "${svcNs}" is not present`;
        break;
    }
    ctx.put({
      ...apiService,
      status: {
        conditions: [
          { type: 'Available', status: 'False', lastTransitionTime: ctx.at(`now-${seconds}s`), reason, message },
        ],
      },
    });
    // The aggregator's proxy refuses an unavailable APIService; client-go words the 503 so.
    ctx.apiFault({
      path: '^/apis/metrics\\.k8s\\.io/',
      kind: 'error',
      status: 503,
      message: 'the server is currently unable to handle the request',
    });

    const apiserver = controlPlanePod(ctx, 'kube-apiserver');
    const lines: string[] = [];
    for (let s = seconds - 5; s >= 5; s -= 60) {
      const m = ago(ctx, s, `openapi-${s}`);
      lines.push(
        logLine(
          m,
          klog(
            'E',
            m,
            'controller.go:113',
            `"Unhandled Error" err="loading OpenAPI spec for \\"${name}\\" failed with: failed to download ${name}: failed to retrieve openAPI spec, http error: ResponseCode: 503, Body: service unavailable\\n, Header: map[Content-Type:[text/plain; charset=utf-8] X-Content-Type-Options:[nosniff]]" logger="UnhandledError"`,
          ),
        ),
        logLine(
          m,
          klog(
            'I',
            m,
            'controller.go:126',
            `OpenAPI AggregationController: action for item ${name}: Rate Limited Requeue.`,
          ),
        ),
      );
      // Only a failed discovery check is returned as an error, and so logged, by the availability controller.
      if (reason === 'FailedDiscoveryCheck') {
        const d = ago(ctx, s - 2, `available-${s}`);
        lines.push(
          logLine(
            d,
            klog(
              'E',
              d,
              'remote_available_controller.go:448',
              `"Unhandled Error" err="${name} failed with: ${message.replaceAll('"', '\\"')}" logger="UnhandledError"`,
            ),
          ),
        );
      }
    }
    appendLog(ctx, 'kube-system', apiserver.metadata.name, 'kube-apiserver', lines);
  },
});
