import { z } from 'zod';
import { defineFault } from '../types.js';
import { applyPending } from './pending.js';
import { workloadParams } from './workload.js';

/** Required node affinity that no node satisfies (a zone the cluster has no node in). */
export const unschedulableAffinity = defineFault({
  id: 'unschedulable-affinity',
  title: "No node satisfies the pod's required node affinity (Pending, FailedScheduling)",
  layer: 'pod',
  description:
    "Creates a Deployment whose pod requires, through requiredDuringSchedulingIgnoredDuringExecution node affinity, a label value no node has (default topology.kubernetes.io/zone In [eu-west-1c]). The scheduler's FailedScheduling message counts the nodes it excluded (\"N node(s) didn't match Pod's node affinity/selector\", the control-plane nodes by their taint).",
  params: z.strictObject({
    ...workloadParams('shop', 'search'),
    key: z.string().default('topology.kubernetes.io/zone'),
    operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']).default('In'),
    values: z.array(z.string()).default(['eu-west-1c']),
    image: z.string().default('registry.example.com/shop/search:5.1.0'),
    ageSeconds: z.number().int().min(10).max(86400).default(600),
  }),
  apply(ctx, p) {
    const expression = {
      key: p.key,
      operator: p.operator,
      ...(p.operator === 'In' || p.operator === 'NotIn' ? { values: p.values } : {}),
    };
    applyPending(
      ctx,
      'unschedulable-affinity',
      {
        namespace: p.namespace,
        kind: 'Deployment',
        name: p.name,
        ...(p.pod ? { podName: p.pod } : {}),
        containers: [
          {
            name: p.name,
            image: p.image,
            ports: [{ containerPort: 9200, protocol: 'TCP' }],
            resources: { requests: { cpu: '500m', memory: '1Gi' } },
          },
        ],
        podSpec: {
          affinity: {
            nodeAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: {
                nodeSelectorTerms: [{ matchExpressions: [expression] }],
              },
            },
          },
        },
      },
      p.ageSeconds,
    );
  },
});
