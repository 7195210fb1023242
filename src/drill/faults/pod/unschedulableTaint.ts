import { z } from 'zod';
import { defineFault } from '../types.js';
import { applyPending } from './pending.js';
import type { Json } from './workload.js';
import { workers, workloadParams } from './workload.js';

/** The workers were tainted (dedicated to another team or hardware) and the pod does not tolerate it. */
export const unschedulableTaint = defineFault({
  id: 'unschedulable-taint',
  title: 'Every node has a taint the pod does not tolerate (Pending, FailedScheduling)',
  layer: 'pod',
  description:
    'Taints the workers (or the nodes named) with `taint` (default dedicated=gpu:NoSchedule), then creates a Deployment whose pod has no toleration for it. The FailedScheduling message names the taint per node ("3 node(s) had untolerated taint {dedicated: gpu}"), counted over the cluster\'s real nodes.',
  params: z.strictObject({
    ...workloadParams('shop', 'checkout'),
    taint: z
      .strictObject({
        key: z.string(),
        value: z.string().default(''),
        effect: z.enum(['NoSchedule', 'NoExecute']).default('NoSchedule'),
      })
      .default({ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }),
    /** Nodes to taint; default every worker. */
    nodes: z.array(z.string()).optional(),
    image: z.string().default('registry.example.com/shop/checkout:1.8.2'),
    ageSeconds: z.number().int().min(10).max(86400).default(720),
  }),
  apply(ctx, p) {
    const targets = p.nodes ? p.nodes.map((n) => ctx.need('Node', undefined, n)) : workers(ctx);
    if (targets.length === 0) ctx.fail('the cluster has no worker nodes to taint');
    for (const node of targets) {
      const spec = (node.spec ??= {}) as Json;
      const taints = (spec.taints ?? []) as Json[];
      if (!taints.some((t) => t.key === p.taint.key && t.effect === p.taint.effect)) {
        spec.taints = [
          ...taints,
          { key: p.taint.key, ...(p.taint.value ? { value: p.taint.value } : {}), effect: p.taint.effect },
        ];
      }
    }
    applyPending(
      ctx,
      'unschedulable-taint',
      {
        namespace: p.namespace,
        kind: 'Deployment',
        name: p.name,
        ...(p.pod ? { podName: p.pod } : {}),
        containers: [
          {
            name: p.name,
            image: p.image,
            ports: [{ containerPort: 8080, protocol: 'TCP' }],
            resources: { requests: { cpu: '200m', memory: '256Mi' } },
          },
        ],
      },
      p.ageSeconds,
    );
  },
});
