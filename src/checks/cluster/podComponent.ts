import { z } from 'zod';
import { ifExists } from '../reads.js';
import { defineCheck } from '../types.js';
import type { CheckResult } from '../types.js';
import { quoteArg } from '../../nodeaccess/quote.js';

const outcomes = ['metrics-server', 'workload', 'not-found'] as const;
type Outcome = (typeof outcomes)[number];

/**
 * Whether the pod on the page is a cluster component with a check of its own.
 * A metrics-server pod that is not ready is rarely about its probe: its log says
 * which kubelets it cannot scrape and why, which is where the fix is.
 */
export const clusterPodComponent = defineCheck({
  id: 'cluster.pod-component',
  layer: 'cluster',
  title: 'Is the pod a cluster component (metrics-server)?',
  why: "A cluster component's readiness reflects what it depends on (metrics-server is ready only once it has scraped the kubelets), so its own check reads the cause better than its probe does.",
  params: z.object({ namespace: z.string().min(1), name: z.string().min(1) }),
  outcomes,
  healthy: ['workload'],
  facts: ['component'],
  command: (p) => `kubectl get pod ${quoteArg(p.name)} -n ${quoteArg(p.namespace)} --show-labels`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const pod = await ifExists(ctx.kube.readPod(p.namespace, p.name));
    if (!pod)
      return { outcome: 'not-found', summary: `there is no pod ${p.name} in ${p.namespace}`, evidence: [], facts: {} };
    const labels = pod.metadata?.labels ?? {};
    const images = (pod.spec?.containers ?? []).map((c) => c.image ?? '');
    const isMetrics =
      labels['k8s-app'] === 'metrics-server' ||
      labels['app.kubernetes.io/name'] === 'metrics-server' ||
      labels.app === 'metrics-server' ||
      images.some((i) => /\/metrics-server(?:-amd64)?:/.test(i));
    const evidence = [
      {
        label: `pod ${p.name}`,
        value: `labels ${
          Object.entries(labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(',') || '(none)'
        }; images ${images.join(', ')}`,
      },
    ];
    if (isMetrics) {
      return {
        outcome: 'metrics-server',
        summary: `${p.name} is metrics-server, the backend of metrics.k8s.io: its log says why it is not ready`,
        evidence,
        facts: { component: 'metrics-server' },
      };
    }
    return {
      outcome: 'workload',
      summary: `${p.name} is not a cluster component plumbline reads on its own`,
      evidence,
      facts: { component: '' },
    };
  },
});
