import { z } from 'zod';
import { defineFault } from '../types.js';
import { cloudpodsParams, applyCloudpodsPod, hostPreamble, ylog } from './cloudpods.js';
import { crashLoopEvents, crashLoopWaiting, crashTimeline, lastTwo, terminated } from './crashLoop.js';
import { str } from './workload.js';
import { ago, containerEvent } from './podStatus.js';

/**
 * The cloudpods-host-liveness-crashloop incident: GPU passthrough set-up takes
 * minutes, the liveness probe allows seconds, and the kubelet kills the host
 * container before it ever listens; its own log shows no error.
 */
export const livenessTooStrict = defineFault({
  id: 'liveness-too-strict',
  title: 'The liveness probe kills the container before it finishes starting (CrashLoopBackOff, exit 137)',
  layer: 'pod',
  description:
    'Creates the Cloudpods default-host DaemonSet pod on a node (containers host, ovn-controller, sdnagent; READY 2/3). The `container` (host) has an HTTP liveness probe (`probe`, default initialDelaySeconds 30, periodSeconds 5, failureThreshold 3, timeoutSeconds 3: 45 s) shorter than its start-up (`startupSeconds`, default 150: binding GPUs to vfio-pci). Each instance is killed after the probe allowance plus the 30 s grace period: lastState terminated Error exit 137, CrashLoopBackOff, `restarts` restarts. Events: Unhealthy "Liveness probe failed: Get "http://<node IP>:8885/ping": dial tcp <node IP>:8885: connect: connection refused" (failureThreshold per instance) and Killing "Container host failed liveness probe, will be restarted". The current and previous logs walk through start-up with timestamps and stop mid-way through GPU initialisation, without an error.',
  params: z.strictObject({
    ...cloudpodsParams,
    container: z.literal('host').default('host'),
    startupSeconds: z.number().int().min(10).max(3600).default(150),
    probe: z
      .strictObject({
        initialDelaySeconds: z.number().int().min(0).default(30),
        periodSeconds: z.number().int().min(1).default(5),
        failureThreshold: z.number().int().min(1).default(3),
        timeoutSeconds: z.number().int().min(1).default(3),
        path: z.string().default('/ping'),
        port: z.number().int().default(8885),
      })
      .default({
        initialDelaySeconds: 30,
        periodSeconds: 5,
        failureThreshold: 3,
        timeoutSeconds: 3,
        path: '/ping',
        port: 8885,
      }),
    restarts: z.number().int().min(1).max(1000).default(23),
    gpus: z.number().int().min(1).max(16).default(8),
  }),
  apply(ctx, p) {
    const allowance = p.probe.initialDelaySeconds + p.probe.failureThreshold * p.probe.periodSeconds;
    if (allowance >= p.startupSeconds)
      ctx.fail(
        `the probe allows ${allowance} s, not less than startupSeconds ${p.startupSeconds}: the container would start in time`,
      );
    const grace = 30;
    const t = crashTimeline(p.restarts, allowance + grace);
    const { last, previous } = lastTwo(t);
    const built = applyCloudpodsPod(ctx, {
      ...p,
      ...(p.pod ? { pod: p.pod } : {}),
      ...(p.node ? { node: p.node } : {}),
      ageSeconds: t.firstStart + 10,
      readyChanged: ago(last.end),
      probes: {
        host: {
          livenessProbe: {
            httpGet: { path: p.probe.path, port: p.probe.port, scheme: 'HTTP' },
            initialDelaySeconds: p.probe.initialDelaySeconds,
            periodSeconds: p.probe.periodSeconds,
            failureThreshold: p.probe.failureThreshold,
            timeoutSeconds: p.probe.timeoutSeconds,
            successThreshold: 1,
          },
        },
      },
      states: {},
    });
    const pod = built.pod;
    // Now that the pod has its uid, put the host container's crash-loop state in.
    const statuses = (pod.status as { containerStatuses: Record<string, unknown>[] }).containerStatuses;
    const host = statuses.find((s) => s.name === p.container);
    if (host) {
      Object.assign(host, {
        ready: false,
        started: false,
        restartCount: t.restartCount,
        state: crashLoopWaiting(t, p.container, pod),
        lastState: terminated(last, 137, 'Error', ctx),
      });
    }
    const conditions = (pod.status as { conditions: Record<string, unknown>[] }).conditions;
    for (const c of conditions) {
      if (c.type === 'Ready' || c.type === 'ContainersReady')
        Object.assign(c, {
          status: 'False',
          reason: 'ContainersNotReady',
          message: `containers with unready status: [${p.container}]`,
          lastTransitionTime: ctx.at(ago(last.end)),
        });
    }
    const ds = ctx.find('DaemonSet', p.namespace, p.name);
    if (ds) Object.assign(ds.status as object, { numberReady: 0, numberAvailable: 0, numberUnavailable: 1 });

    crashLoopEvents(ctx, pod, p.container, str(host?.image), t);
    const url = `http://${built.nodeIP}:${p.probe.port}${p.probe.path}`;
    containerEvent(ctx, pod, p.container, {
      type: 'Warning',
      reason: 'Unhealthy',
      message: `Liveness probe failed: Get "${url}": dial tcp ${built.nodeIP}:${p.probe.port}: connect: connection refused`,
      count: p.probe.failureThreshold * (t.restartCount + 1),
      firstSeen: ago((t.instances[0]?.start ?? 0) - p.probe.initialDelaySeconds - p.probe.periodSeconds),
      lastSeen: ago(last.start - allowance),
    });
    containerEvent(ctx, pod, p.container, {
      type: 'Normal',
      reason: 'Killing',
      message: `Container ${p.container} failed liveness probe, will be restarted`,
      count: t.restartCount + 1,
      firstSeen: ago((t.instances[0]?.start ?? 0) - allowance),
      lastSeen: ago(last.start - allowance),
    });

    const log = (start: number, end: number) =>
      startupLog(ctx, start, end, p.startupSeconds, p.gpus, built.node, built.nodeIP, p.probe.port);
    ctx.log(p.namespace, built.podName, p.container, log(last.start, last.end));
    if (previous) ctx.log(p.namespace, built.podName, p.container, log(previous.start, previous.end), true);
  },
});

/** One instance's log: start-up steps spread over `startupSeconds`, cut off where the kill landed. */
function startupLog(
  ctx: Parameters<typeof hostPreamble>[0],
  start: number,
  end: number,
  startupSeconds: number,
  gpus: number,
  node: Parameters<typeof hostPreamble>[2],
  ip: string,
  port: number,
): string[] {
  const lines = hostPreamble(ctx, start, node, ip);
  const at = (offset: number) => start - offset;
  const steps: [number, string, string][] = [
    [2, 'hostinfo.(*SHostInfo).Init(hostinfo.go:209)', 'Start detectHostInfo'],
    [3, 'hostinfo.(*SHostInfo).detectQemuVersion(hostinfo.go:566)', 'Detect qemu version is 4.2.0'],
    [4, 'hostinfo.(*SHostInfo).Init(hostinfo.go:219)', 'Start parseConfig'],
    [5, 'hostinfo.(*SHostInfo).setupOvnChassis(hostinfo.go:240)', 'Start setting up ovn chassis'],
    [
      7,
      'isolated_device.(*isolatedDeviceManager).ProbePCIDevices(manager.go:233)',
      `Probe PCI devices: ${gpus} NVIDIA GPU(s) for passthrough`,
    ],
  ];
  // GPU initialisation fills the rest of start-up: each device is unbound from nvidia and bound to vfio-pci.
  const gpuStart = 8;
  const per = (startupSeconds - gpuStart - 2) / gpus;
  for (let i = 0; i < gpus; i++) {
    const addr = `0000:${(0x3b + i * 0x11).toString(16).padStart(2, '0')}:00.0`;
    steps.push([
      Math.round(gpuStart + i * per),
      'isolated_device.(*sGPUBaseDevice).BindDriver(gpu.go:118)',
      `Unbind device ${addr} from driver nvidia, bind to vfio-pci`,
    ]);
    steps.push([
      Math.round(gpuStart + (i + 0.6) * per),
      'isolated_device.(*sGPUBaseDevice).BindDriver(gpu.go:131)',
      `Device ${addr} bound to vfio-pci, waiting for IOMMU group ${30 + i} to settle`,
    ]);
  }
  steps.push([
    startupSeconds - 2,
    'isolated_device.(*isolatedDeviceManager).ProbePCIDevices(manager.go:262)',
    `${gpus} isolated devices probed`,
  ]);
  steps.push([
    startupSeconds,
    'appsrv.(*Application).ListenAndServeTLSWithCleanup2(appsrv.go:680)',
    `Start listen on https://${ip}:${port}`,
  ]);
  const ran = start - end;
  // The kill cuts the log wherever start-up had got to.
  for (const [offset, caller, message] of steps)
    if (offset < ran) lines.push(ylog(ctx, at(offset), 'info', caller, message));
  return lines;
}
