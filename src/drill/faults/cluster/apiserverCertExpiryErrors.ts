import { z } from 'zod';
import { defineFault } from '../types.js';
import type { FaultContext } from '../types.js';
import { controlPlanePod, leaderIdentity, nodeOf, staleLeaderLease } from './support/controlPlane.js';
import { appendLog } from './support/logbook.js';
import { ago, goTime, hexId, klog, logLine } from './support/logs.js';
import type { Moment } from './support/logs.js';
import { restartedStatus } from './support/pods.js';

type Client = 'kube-controller-manager' | 'kube-scheduler';

/** How each component words its lease and its exit when leader election is lost (client-go, then its own OnStoppedLeading). */
const lost: Record<Client, { source: string; message: string }> = {
  'kube-controller-manager': { source: 'controllermanager.go:343', message: '"leaderelection lost"' },
  'kube-scheduler': { source: 'server.go:269', message: '"Leaderelection lost"' },
};

/** A client certificate's identity as the apiserver's x509 authenticator prints it. */
function certificateId(component: Client): string {
  const serial = BigInt(`0x${hexId(15, 'serial', component)}`).toString(10);
  const akid = hexId(40, 'kubernetes-ca').toUpperCase().match(/../g)?.join(':') ?? '';
  return `SN=${serial}, SKID=, AKID=${akid}`;
}

function expiredLine(now: Moment, notAfter: Date, component: Client): string {
  const detail = `x509: certificate has expired or is not yet valid: current time ${goTime(now)} is after ${goTime(notAfter)}`;
  return logLine(
    now,
    klog(
      'E',
      now,
      'authentication.go:73',
      `"Unable to authenticate the request" err="[${detail}, verifying certificate ${certificateId(component)} failed: ${detail}]"`,
    ),
  );
}

/**
 * The instance that was running when its certificate expired: every request
 * now 401s, the lease cannot be renewed within the renew deadline (10 s), and
 * the component exits 1 to avoid a split brain.
 */
function lostLeadership(
  ctx: FaultContext,
  component: Client,
  expiredAgo: number,
): { lines: string[]; finishedAgo: number } {
  const lines: string[] = [];
  for (let i = 0; i < 5; i++) {
    const m = ago(ctx, expiredAgo - 1 - i * 2, `${component}-renew-${i}`, 50);
    if (i === 0)
      lines.push(
        logLine(
          m,
          klog(
            'E',
            m,
            'leaderelection.go:429',
            `Failed to update lock optimitically: Unauthorized, falling back to slow path`,
          ),
        ),
      );
    lines.push(
      logLine(
        m,
        klog('E', m, 'leaderelection.go:436', `error retrieving resource lock kube-system/${component}: Unauthorized`),
      ),
    );
  }
  const end = ago(ctx, expiredAgo - 11, `${component}-lost`, 20);
  lines.push(
    logLine(
      end,
      klog(
        'I',
        end,
        'leaderelection.go:297',
        `failed to renew lease kube-system/${component}: context deadline exceeded`,
      ),
    ),
  );
  lines.push(logLine(end, klog('E', end, lost[component].source, lost[component].message)));
  return { lines, finishedAgo: expiredAgo - 11 };
}

/** The restarted instance: it starts, cannot read anything, and retries the lease every 2 s (retryPeriod) for ever. */
function unauthorizedRun(ctx: FaultContext, component: Client, startedAgo: number): string[] {
  let step = 0;
  const at = (secondsAgo: number, level: 'I' | 'W' | 'E', source: string, message: string): string => {
    const m = ago(ctx, secondsAgo - 0.002 * step++, `${component}-run-${step}`, 2);
    return logLine(m, klog(level, m, source, message));
  };
  const lines = [at(startedAgo, 'I', 'serving.go:386', 'Generated self-signed cert in-memory')];
  if (component === 'kube-scheduler') {
    lines.push(
      at(
        startedAgo,
        'W',
        'authentication.go:368',
        'Error looking up in-cluster authentication configuration: Unauthorized',
      ),
      at(
        startedAgo,
        'W',
        'authentication.go:369',
        'Continuing without authentication configuration. This may treat all requests as anonymous.',
      ),
      at(
        startedAgo,
        'W',
        'authentication.go:370',
        'To require authentication configuration lookup to succeed, set --authentication-tolerate-lookup-failure=false',
      ),
      at(startedAgo, 'I', 'server.go:167', '"Starting Kubernetes Scheduler" version="v1.31.4"'),
      at(startedAgo, 'I', 'secure_serving.go:213', 'Serving securely on 127.0.0.1:10259'),
      at(
        startedAgo - 1,
        'W',
        'reflector.go:561',
        'k8s.io/client-go/informers/factory.go:160: failed to list *v1.Pod: Unauthorized',
      ),
      at(
        startedAgo - 1,
        'E',
        'reflector.go:158',
        '"Unhandled Error" err="k8s.io/client-go/informers/factory.go:160: Failed to watch *v1.Pod: failed to list *v1.Pod: Unauthorized" logger="UnhandledError"',
      ),
      at(
        startedAgo - 1,
        'W',
        'reflector.go:561',
        'k8s.io/client-go/informers/factory.go:160: failed to list *v1.Node: Unauthorized',
      ),
      at(
        startedAgo - 1,
        'E',
        'reflector.go:158',
        '"Unhandled Error" err="k8s.io/client-go/informers/factory.go:160: Failed to watch *v1.Node: failed to list *v1.Node: Unauthorized" logger="UnhandledError"',
      ),
    );
  } else {
    lines.push(
      at(startedAgo, 'I', 'controllermanager.go:197', '"Starting" version="v1.31.4"'),
      at(startedAgo, 'I', 'controllermanager.go:199', '"Golang settings" GOGC="" GOMAXPROCS="" GOTRACEBACK=""'),
      at(startedAgo, 'I', 'secure_serving.go:213', 'Serving securely on 127.0.0.1:10257'),
    );
  }
  lines.push(
    at(startedAgo - 1, 'I', 'leaderelection.go:254', `attempting to acquire leader lease kube-system/${component}...`),
  );
  for (let s = startedAgo - 2; s >= 1; s -= 2)
    lines.push(
      at(s, 'E', 'leaderelection.go:436', `error retrieving resource lock kube-system/${component}: Unauthorized`),
    );
  return lines;
}

export const apiserverCertExpiryErrors = defineFault({
  id: 'apiserver-cert-expiry-errors',
  title: 'kube-controller-manager and kube-scheduler client certificates expired: the apiserver rejects them',
  layer: 'cluster',
  description:
    'The client certificates in controller-manager.conf and scheduler.conf expired (renewed apiserver certificates but not these kubeconfigs). The kube-apiserver logs `"Unable to authenticate the request" err="[x509: certificate has expired or is not yet valid: current time <now> is after <notAfter>, verifying certificate SN=..., SKID=, AKID=... failed: ...]"` for each of their requests; the components get 401s: their logs (--previous) show the lease renewal failing with Unauthorized and "leaderelection lost" (exit 1), and the restarted instance retries "error retrieving resource lock kube-system/<component>: Unauthorized" every 2 s. The pods are Running 1/1 with 1 restart, their leader Leases stale since the expiry: no controller and no scheduler works. kubectl itself (another certificate) still works.',
  params: z.strictObject({
    node: z.string().optional(),
    components: z
      .array(z.enum(['kube-controller-manager', 'kube-scheduler']))
      .min(1)
      .default(['kube-controller-manager', 'kube-scheduler']),
    /** Minutes since the certificates expired. */
    minutes: z.number().int().min(1).max(600).default(50),
  }),
  apply(ctx, p) {
    const expiredAgo = p.minutes * 60;
    const notAfter = new Date(ctx.now.getTime() - expiredAgo * 1000);
    const apiserverLines: string[] = [];
    for (const component of p.components) {
      const pod = controlPlanePod(ctx, component, p.node);
      const { node } = nodeOf(pod);
      const previous = lostLeadership(ctx, component, expiredAgo);
      const startedAgo = previous.finishedAgo - 1;
      ctx.put(
        restartedStatus(ctx, pod, component, {
          restarts: 1,
          previous: { startedAgo: 90 * 86400, finishedAgo: previous.finishedAgo },
          startedAgo,
          exitCode: 1,
          ready: true,
        }),
      );
      appendLog(ctx, 'kube-system', pod.metadata.name, component, previous.lines, true);
      appendLog(ctx, 'kube-system', pod.metadata.name, component, unauthorizedRun(ctx, component, startedAgo));
      staleLeaderLease(ctx, component, {
        renewedAgo: expiredAgo + 1,
        acquiredAgo: 90 * 86400 - 20,
        holder: leaderIdentity(node, component, 0),
      });
      // Events live an hour: a restart older than that has left none.
      if (startedAgo < 3600) {
        for (const [reason, message] of [
          ['Pulled', `Container image "registry.k8s.io/${component}:v1.31.4" already present on machine`],
          ['Created', `Created container ${component}`],
          ['Started', `Started container ${component}`],
        ] as const) {
          const e = ctx.event({
            about: pod,
            source: 'kubelet',
            host: node,
            type: 'Normal',
            reason,
            message,
            firstSeen: `now-${startedAgo}s`,
            lastSeen: `now-${startedAgo}s`,
          });
          (e.involvedObject as Record<string, unknown>).fieldPath = `spec.containers{${component}}`;
        }
      }
      for (let s = expiredAgo - 1; s >= 1; s -= 2)
        apiserverLines.push(expiredLine(ago(ctx, s, `${component}-401-${s}`), notAfter, component));
    }
    appendLog(
      ctx,
      'kube-system',
      controlPlanePod(ctx, 'kube-apiserver', p.node).metadata.name,
      'kube-apiserver',
      apiserverLines,
    );
  },
});
