import { z } from 'zod';
import { defineFault } from '../types.js';
import { applyCloudpodsPod, cloudpodsParams, hostPreamble, ylog } from './cloudpods.js';
import { crashLoopEvents, crashLoopWaiting, crashTimeline, lastTwo, terminated } from './crashLoop.js';
import type { FaultContext } from '../types.js';
import type { KubeObject } from '../../types.js';
import { str } from './workload.js';
import { ago } from './podStatus.js';

type Step = 'nbd' | 'qemu' | 'openvswitch' | 'kernel-params';

/**
 * The cloudpods-host-service guide: the host service checks kernel settings,
 * qemu, the nbd module and openvswitch at start-up, in that order, and
 * `log.Fatalf`s (exit 1) on the first that fails; the pod shows 2/3 ready.
 */
export const cloudpodsStartupStepFailed = defineFault({
  id: 'cloudpods-startup-step-failed',
  title: 'The Cloudpods host service fails a start-up step (host container CrashLoopBackOff, 2/3 ready)',
  layer: 'pod',
  description:
    'Creates the Cloudpods default-host DaemonSet pod in onecloud on a node (containers host, ovn-controller, sdnagent); ovn-controller and sdnagent run ready, the host container exits 1 a few seconds after each start and waits in CrashLoopBackOff (READY 2/3, `restarts` restarts). Its logs (current and previous), in yunion log format, go through the real start-up sequence and end on the failing `step`: kernel-params ("Host instance init error: Prepare environment: Cannot initialize control group subsystem"), qemu (detectQemuVersion: the qemu binary is missing), nbd ("modprobe: FATAL: Module nbd not found in directory /lib/modules/<kernel>", then "Storage manager init error") or openvswitch (ovs-vsctl: database connection failed: OVS is down).',
  params: z.strictObject({
    ...cloudpodsParams,
    step: z.enum(['nbd', 'qemu', 'openvswitch', 'kernel-params']).default('nbd'),
    restarts: z.number().int().min(1).max(1000).default(12),
  }),
  apply(ctx, p) {
    const t = crashTimeline(p.restarts, 3);
    const { last, previous } = lastTwo(t);
    const built = applyCloudpodsPod(ctx, {
      ...p,
      ...(p.pod ? { pod: p.pod } : {}),
      ...(p.node ? { node: p.node } : {}),
      ageSeconds: t.firstStart + 10,
      readyChanged: ago(t.firstStart),
    });
    const pod = built.pod;
    const statuses = (pod.status as { containerStatuses: Record<string, unknown>[] }).containerStatuses;
    const host = statuses.find((s) => s.name === 'host');
    if (host)
      Object.assign(host, {
        ready: false,
        started: false,
        restartCount: t.restartCount,
        state: crashLoopWaiting(t, 'host', pod),
        lastState: terminated(last, 1, 'Error', ctx),
      });
    for (const c of (pod.status as { conditions: Record<string, unknown>[] }).conditions) {
      if (c.type === 'Ready' || c.type === 'ContainersReady')
        Object.assign(c, {
          status: 'False',
          reason: 'ContainersNotReady',
          message: 'containers with unready status: [host]',
        });
    }
    const ds = ctx.find('DaemonSet', p.namespace, p.name);
    if (ds) Object.assign(ds.status as object, { numberReady: 0, numberAvailable: 0, numberUnavailable: 1 });
    crashLoopEvents(ctx, pod, 'host', str(host?.image), t);
    const log = (start: number, end: number) => stepLog(ctx, p.step, start, end, built.node, built.nodeIP);
    ctx.log(p.namespace, built.podName, 'host', log(last.start, last.end));
    if (previous) ctx.log(p.namespace, built.podName, 'host', log(previous.start, previous.end), true);
  },
});

function kernelOf(node: KubeObject): string {
  return String(
    (node.status as { nodeInfo?: { kernelVersion?: string } } | undefined)?.nodeInfo?.kernelVersion ?? '6.1.0-28-amd64',
  );
}

/** The start-up sequence of hostinfo.Init and storageman.Init, up to the step that fails. */
function stepLog(ctx: FaultContext, step: Step, start: number, end: number, node: KubeObject, ip: string): string[] {
  const lines = hostPreamble(ctx, start, node, ip);
  const s = (offset: number) => start - Math.min(offset, start - end);
  const fatal = (caller: string, message: string) => ylog(ctx, end, 'fatal', caller, message);
  const run = 'hostman.(*SHostService).RunService(host_services.go:118)';
  if (step === 'kernel-params') {
    lines.push(
      ylog(
        ctx,
        s(1),
        'error',
        'cgrouputils.Init(cgroup.go:812)',
        'cgroup cpuset is not mounted: open /sys/fs/cgroup/cpuset/cpuset.cpus: no such file or directory',
      ),
    );
    lines.push(fatal(run, 'Host instance init error: Prepare environment: Cannot initialize control group subsystem'));
    return lines;
  }
  lines.push(ylog(ctx, s(1), 'info', 'hostinfo.(*SHostInfo).Init(hostinfo.go:209)', 'Start detectHostInfo'));
  lines.push(ylog(ctx, s(1), 'info', 'hostinfo.(*SHostInfo).detectOsDist(hostinfo.go:531)', 'DetectOsDist debian 12'));
  if (step === 'qemu') {
    const bin = '/usr/local/qemu-4.2.0/bin/qemu-system-x86_64';
    const err = `exec: "${bin}": stat ${bin}: no such file or directory`;
    lines.push(ylog(ctx, s(2), 'error', 'hostinfo.(*SHostInfo).detectQemuVersion(hostinfo.go:558)', err));
    lines.push(fatal(run, `Host instance init error: detectHostInfo: ${err}`));
    return lines;
  }
  lines.push(
    ylog(ctx, s(2), 'info', 'hostinfo.(*SHostInfo).detectQemuVersion(hostinfo.go:566)', 'Detect qemu version is 4.2.0'),
  );
  if (step === 'openvswitch') {
    const err = 'ovs-vsctl: unix:/var/run/openvswitch/db.sock: database connection failed (No such file or directory)';
    lines.push(ylog(ctx, s(2), 'error', 'hostinfo.(*SHostInfo).detectOvsVersion(hostinfo.go:585)', 'exit status 1'));
    lines.push(ylog(ctx, s(2), 'error', 'hostbridge.(*SOVSBridgeDriver).Exists(ovs.go:62)', err));
    lines.push(fatal(run, `Host instance init error: Prepare host bridge "openvswitch": ${err}`));
    return lines;
  }
  lines.push(ylog(ctx, s(2), 'info', 'hostinfo.(*SHostInfo).Init(hostinfo.go:219)', 'Start parseConfig'));
  lines.push(
    ylog(
      ctx,
      s(2),
      'info',
      'hostinfo.(*SHostInfo).generateLocalNetworkConfig(hostinfo.go:262)',
      `Find dev: eth0 ip: ${ip}`,
    ),
  );
  lines.push(
    ylog(
      ctx,
      s(3),
      'info',
      'storageman.(*SStorageManager).initLocalStorages(storagemanager.go:162)',
      'Init local storage /opt/cloud/workspace/disks',
    ),
  );
  lines.push(
    ylog(
      ctx,
      s(3),
      'error',
      'nbd.Init(nbd.go:47)',
      `modprobe: FATAL: Module nbd not found in directory /lib/modules/${kernelOf(node)}`,
    ),
  );
  lines.push(fatal(run, 'Storage manager init error: Failed to activate nbd device: exit status 1'));
  return lines;
}
