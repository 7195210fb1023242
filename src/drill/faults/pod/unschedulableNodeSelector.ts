import { z } from 'zod';
import { defineFault } from '../types.js';
import { applyPending } from './pending.js';
import { workloadParams } from './workload.js';

/** The pod asks for node labels no node carries (a node pool renamed or removed). */
export const unschedulableNodeSelector = defineFault({
  id: 'unschedulable-node-selector',
  title: "No node matches the pod's nodeSelector (Pending, FailedScheduling)",
  layer: 'pod',
  description:
    "Creates a Deployment whose pod has a nodeSelector (default disktype=ssd) that no node matches. The pod stays Pending with PodScheduled=False/Unschedulable; the FailedScheduling message is computed from the cluster's nodes as kube-scheduler does (\"0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.\"). A node that would accept the pod is a scenario error.",
  params: z.strictObject({
    ...workloadParams('shop', 'web'),
    nodeSelector: z.record(z.string(), z.string()).default({ disktype: 'ssd' }),
    image: z.string().default('registry.example.com/shop/web:2.14.1'),
    ageSeconds: z.number().int().min(10).max(86400).default(840),
  }),
  apply(ctx, p) {
    applyPending(
      ctx,
      'unschedulable-node-selector',
      {
        namespace: p.namespace,
        kind: 'Deployment',
        name: p.name,
        ...(p.pod ? { podName: p.pod } : {}),
        containers: [
          {
            name: p.name,
            image: p.image,
            ports: [{ containerPort: 8080, name: 'http', protocol: 'TCP' }],
            resources: { requests: { cpu: '250m', memory: '256Mi' } },
          },
        ],
        podSpec: { nodeSelector: p.nodeSelector },
      },
      p.ageSeconds,
    );
  },
});
