import { z } from 'zod';
import { defineFault } from '../types.js';
import { applyCrashingDeployment, at } from './crashingDeployment.js';
import { workloadParams } from './workload.js';
import { parseQuantity } from './quantities.js';

/** The container outgrows its memory limit while warming its cache; the kernel's OOM killer ends it each time. */
export const oomKilled = defineFault({
  id: 'oom-killed',
  title: 'The container is OOM-killed at its memory limit (OOMKilled, exit 137, CrashLoopBackOff)',
  layer: 'pod',
  description:
    'Creates a Deployment whose container has a memory limit (default 256Mi) it outgrows `runSeconds` after each start: lastState terminated reason OOMKilled exit code 137, restartCount `restarts`, state waiting CrashLoopBackOff ("back-off 5m0s restarting failed container=..."), the kubelet\'s Pulled/Created/Started/BackOff events with consistent counts. The log (current and previous) shows the cache loading that grows the heap and then simply stops: the kernel kills without a word in the application log.',
  params: z.strictObject({
    ...workloadParams('shop', 'catalog'),
    container: z.string().default('catalog'),
    image: z.string().default('registry.example.com/shop/catalog:2.7.0'),
    node: z.string().optional(),
    memoryLimit: z.string().default('256Mi'),
    memoryRequest: z.string().default('128Mi'),
    restarts: z.number().int().min(1).max(500).default(7),
    runSeconds: z.number().int().min(1).max(3600).default(48),
  }),
  apply(ctx, p) {
    const limitMiB = Math.round(parseQuantity(p.memoryLimit) / 1024 ** 2);
    applyCrashingDeployment(ctx, {
      ...p,
      ...(p.pod ? { pod: p.pod } : {}),
      ...(p.node ? { node: p.node } : {}),
      resources: { requests: { cpu: '100m', memory: p.memoryRequest }, limits: { memory: p.memoryLimit } },
      exitCode: 137,
      reason: 'OOMKilled',
      log: (start, end) => {
        const ran = start - end;
        const lines = [
          `${at(start, 0)} {"level":"info","msg":"starting catalog service","version":"${p.image.split(':').pop() ?? ''}","GOMEMLIMIT":"unset"}`,
          `${at(start, 1)} {"level":"info","msg":"connected to postgres","host":"postgres.db.svc.cluster.local:5432"}`,
          `${at(start, 2)} {"level":"info","msg":"warming product cache","products":1843221}`,
        ];
        // Batches until the kill: the heap climbs toward the limit.
        const batches = Math.max(1, Math.floor((ran - 3) / 4));
        for (let i = 1; i <= batches; i++) {
          const heap = Math.round(40 + ((limitMiB - 40) * i) / (batches + 0.4));
          lines.push(
            `${at(start, 3 + (i - 1) * 4)} {"level":"info","msg":"cache batch loaded","batch":${i},"of":40,"heap_mib":${heap}}`,
          );
        }
        return lines;
      },
    });
  },
});
