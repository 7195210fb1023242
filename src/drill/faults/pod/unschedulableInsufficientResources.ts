import { z } from 'zod';
import { defineFault } from '../types.js';
import { applyPending } from './pending.js';
import { workloadParams } from './workload.js';

/** The pod requests more CPU or memory than any node has left. */
export const unschedulableInsufficientResources = defineFault({
  id: 'unschedulable-insufficient-resources',
  title: "No node has enough free CPU or memory for the pod's requests (Pending, FailedScheduling)",
  layer: 'pod',
  description:
    'Creates a Deployment whose pod requests more `resource` (cpu or memory; default 6 CPUs, or 24Gi) than any worker can still allocate (allocatable minus the requests of the pods already there). The FailedScheduling message says "N Insufficient cpu" (or memory) and, because evicting lower-priority pods could help in principle, the preemption part says "No preemption victims found for incoming pod" for those nodes.',
  params: z.strictObject({
    ...workloadParams('analytics', 'report-builder'),
    resource: z.enum(['cpu', 'memory']).default('cpu'),
    /** The request; default 6 (CPUs) or 24Gi. */
    request: z.string().optional(),
    image: z.string().default('registry.example.com/analytics/report-builder:0.9.4'),
    ageSeconds: z.number().int().min(10).max(86400).default(900),
  }),
  apply(ctx, p) {
    const request = p.request ?? (p.resource === 'cpu' ? '6' : '24Gi');
    const requests = p.resource === 'cpu' ? { cpu: request, memory: '2Gi' } : { cpu: '500m', memory: request };
    applyPending(
      ctx,
      'unschedulable-insufficient-resources',
      {
        namespace: p.namespace,
        kind: 'Deployment',
        name: p.name,
        ...(p.pod ? { podName: p.pod } : {}),
        containers: [{ name: p.name, image: p.image, resources: { requests, limits: requests } }],
      },
      p.ageSeconds,
    );
  },
});
