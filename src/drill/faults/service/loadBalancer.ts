import { z } from 'zod';
import { service } from '../../objects/core.js';
import { objectUid } from '../../generate/ids.js';
import { appendLog } from '../cluster/support/logbook.js';
import { ago as agoMoment, klog, logLine } from '../cluster/support/logs.js';
import { createWorkload, pickNode } from '../pod/workload.js';
import { ago, setPodStatus } from '../pod/podStatus.js';
import { defineFault } from '../types.js';
import { syncService } from './support.js';

/**
 * A LoadBalancer Service the cloud refuses: the service controller in the cloud-controller-manager
 * (aws-cloud-controller-manager, a Deployment in kube-system) logs `error processing service <ns>/<name> (will
 * retry): failed to ensure load balancer: <error>` on every retry (the shape of kubernetes/cloud-provider-aws#249's
 * log) and records the SyncLoadBalancerFailed Event on the Service unless `event` is false (Events expire after an hour).
 */
export const loadBalancerSyncFailed = defineFault({
  id: 'lb-sync-failed',
  title:
    'A LoadBalancer Service stays pending: the cloud refuses the load balancer, as the cloud-controller-manager says',
  layer: 'cluster',
  description:
    'Creates Service `namespace`/`name` (type LoadBalancer, port 443 to 8443, created `minutes` ago, no ingress address) with the Endpoints and EndpointSlices of the pods it selects (those of a `service-app` fault, none otherwise), and an aws-cloud-controller-manager pod in kube-system whose log has, every 5 minutes, the klog lines `"Event occurred" ... reason="EnsuringLoadBalancer"` and `error processing service <ns>/<name> (will retry): failed to ensure load balancer: <error>`. With `event: true` (default) the Service also carries the Warning SyncLoadBalancerFailed `Error syncing load balancer: failed to ensure load balancer: <error>` from service-controller; with `event: false` only the log says it.',
  params: z.strictObject({
    namespace: z.string().default('shop'),
    name: z.string().default('storefront'),
    /** The cloud's refusal; default: the ELB subnet-detach error of istio/istio#35228 (EKS 1.21), ids ours. */
    error: z
      .string()
      .default(
        'error detaching AWS loadbalancer from subnets: "InvalidConfigurationRequest: Requested configuration change for LoadBalancer \\"a3f0c1d29b8e44b7a6c5d4e3f2a1b0c9\\" is invalid because you attempted to detach all the subnets for this LoadBalancer and a LoadBalancer cannot be attached to zero subnets in VPC.\\n\\tstatus code: 409, request id: 4c1e7a52-9b3d-4f60-8e21-7d5a0b9c3e18"',
      ),
    event: z.boolean().default(true),
    minutes: z.number().int().min(5).max(600).default(40),
  }),
  apply(ctx, p) {
    const node = pickNode(ctx, undefined);
    const svc = service(
      {
        name: p.name,
        namespace: p.namespace,
        uid: objectUid('Service', p.namespace, p.name),
        creationTimestamp: ctx.at(ago(p.minutes * 60)),
        labels: { app: p.name },
      },
      {
        type: 'LoadBalancer',
        clusterIP: '10.96.88.41',
        clusterIPs: ['10.96.88.41'],
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        externalTrafficPolicy: 'Cluster',
        internalTrafficPolicy: 'Cluster',
        sessionAffinity: 'None',
        selector: { app: p.name },
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 8443, nodePort: 30443 }],
      },
      { loadBalancer: {} },
    );
    ctx.put(svc);
    // The endpoint controllers write the Service's Endpoints and EndpointSlices from the pods it selects (an app a
    // `web-app` fault put there before this one; none otherwise), as on a real cluster.
    syncService(ctx, { namespace: p.namespace, name: p.name });

    const ccm = createWorkload(ctx, {
      namespace: 'kube-system',
      kind: 'Deployment',
      name: 'aws-cloud-controller-manager',
      labels: { 'k8s-app': 'aws-cloud-controller-manager' },
      containers: [
        {
          name: 'aws-cloud-controller-manager',
          image: 'registry.k8s.io/provider-aws/cloud-controller-manager:v1.31.1',
          args: ['--v=2', '--cloud-provider=aws', '--use-service-account-credentials=true'],
        },
      ],
      podSpec: { hostNetwork: true, priorityClassName: 'system-node-critical' },
      created: ago(60 * 86400),
    });
    setPodStatus(ctx, ccm.pod, {
      node,
      phase: 'Running',
      hostNetwork: true,
      started: ago(30 * 86400),
      containers: [
        {
          name: 'aws-cloud-controller-manager',
          image: 'registry.k8s.io/provider-aws/cloud-controller-manager:v1.31.1',
          pulled: true,
          ready: true,
          started: true,
          restartCount: 0,
          state: { running: { startedAt: ctx.at(ago(30 * 86400)) } },
        },
      ],
    });
    const key = `${p.namespace}/${p.name}`;
    const lines: string[] = [];
    let retries = 0;
    for (let s = p.minutes * 60 - 5; s > 30; s -= 300, retries++) {
      const at = agoMoment(ctx, s, `lb-${s}`, 50);
      const after = agoMoment(ctx, s - 1, `lb-err-${s}`, 50);
      lines.push(
        logLine(
          at,
          klog(
            'I',
            at,
            'event.go:389',
            `"Event occurred" object="${key}" fieldPath="" kind="Service" apiVersion="v1" type="Normal" reason="EnsuringLoadBalancer" message="Ensuring load balancer"`,
          ),
        ),
        logLine(
          after,
          klog(
            'E',
            after,
            'controller.go:298',
            `error processing service ${key} (will retry): failed to ensure load balancer: ${p.error}`,
          ),
        ),
      );
    }
    appendLog(ctx, 'kube-system', ccm.pod.metadata.name, 'aws-cloud-controller-manager', lines);
    ctx.event({
      about: svc,
      type: 'Normal',
      reason: 'EnsuringLoadBalancer',
      message: 'Ensuring load balancer',
      source: 'service-controller',
      count: retries,
      firstSeen: ago(p.minutes * 60 - 5),
      lastSeen: ago(60),
    });
    if (p.event)
      ctx.event({
        about: svc,
        type: 'Warning',
        reason: 'SyncLoadBalancerFailed',
        message: `Error syncing load balancer: failed to ensure load balancer: ${p.error}`,
        source: 'service-controller',
        count: retries,
        firstSeen: ago(p.minutes * 60 - 6),
        lastSeen: ago(59),
      });
  },
});
