import { z } from 'zod';
import { defineFault } from '../types.js';
import { applyCrashingDeployment, at } from './crashingDeployment.js';
import { workloadParams } from './workload.js';

/** The program exits 1 at start-up: configuration it needs is not there. */
export const crashloopAppError = defineFault({
  id: 'crashloop-app-error',
  title: 'The application exits with an error at start-up (exit 1, CrashLoopBackOff)',
  layer: 'pod',
  description:
    'Creates a Deployment whose container exits with code 1 about a second after each start: lastState terminated reason Error exit code 1, waiting CrashLoopBackOff, restartCount `restarts`, BackOff events "Back-off restarting failed container ...". Its log (current and previous, zap JSON) ends on the fatal line naming the cause: `cause` missing-env ("failed to load config" / "required key DATABASE_URL missing value") or missing-config ("open /etc/<name>/config.yaml: no such file or directory").',
  params: z.strictObject({
    ...workloadParams('shop', 'orders'),
    container: z.string().default('orders'),
    image: z.string().default('registry.example.com/shop/orders:1.12.0'),
    node: z.string().optional(),
    cause: z.enum(['missing-env', 'missing-config']).default('missing-env'),
    /** The variable the program requires (missing-env). */
    variable: z.string().default('DATABASE_URL'),
    restarts: z.number().int().min(1).max(500).default(9),
  }),
  apply(ctx, p) {
    const error =
      p.cause === 'missing-env'
        ? `required key ${p.variable} missing value`
        : `open /etc/${p.name}/config.yaml: no such file or directory`;
    const epoch = (ago: number) => ((ctx.now.getTime() - ago * 1000) / 1000 + 0.183).toFixed(7);
    applyCrashingDeployment(ctx, {
      ...p,
      ...(p.pod ? { pod: p.pod } : {}),
      ...(p.node ? { node: p.node } : {}),
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
      // The variables the Deployment does set; the one the program needs is not among them.
      env: [
        { name: 'LOG_LEVEL', value: 'info' },
        { name: 'HTTP_ADDR', value: ':8080' },
      ],
      restarts: p.restarts,
      runSeconds: 1,
      exitCode: 1,
      reason: 'Error',
      log: (start, end) => [
        `${at(start, 0)} {"level":"info","ts":${epoch(start)},"caller":"${p.name}/main.go:31","msg":"starting ${p.name}","version":"${p.image.split(':').pop() ?? ''}"}`,
        `${at(end, 0)} {"level":"fatal","ts":${epoch(end)},"caller":"${p.name}/main.go:38","msg":"failed to load config","error":"${error}"}`,
      ],
    });
  },
});
