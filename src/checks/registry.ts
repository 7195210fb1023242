import { clusterChecks } from './cluster/index.js';
import { hostAwsCniLog } from './host/awsCniLog.js';
import { containerRuntime } from './host/containerRuntime.js';
import { controlPlaneServices } from './host/controlPlaneServices.js';
import { cpuSteal } from './host/cpuSteal.js';
import { crictlInfo } from './host/crictlInfo.js';
import { dbusNames } from './host/dbusNames.js';
import { etcdContainerLog } from './host/etcdContainerLog.js';
import { etcdJournal } from './host/etcdJournal.js';
import { kubeletConfig } from './host/kubeletConfig.js';
import { kubeletJournal } from './host/kubeletJournal.js';
import { kubeletService } from './host/kubeletService.js';
import { moreHostChecks } from './host/more.js';
import { runcLingering } from './host/runcLingering.js';
import { systemdDbus } from './host/systemdDbus.js';
import { nodeDaemonSetCoverage } from './node/daemonSetCoverage.js';
import { nodeEvictionPressure } from './node/evictionPressure.js';
import { nodeHeartbeatLease } from './node/heartbeatLease.js';
import { nodeKubeletCsrs } from './node/kubeletCsrs.js';
import { nodePods } from './node/pods.js';
import { nodePressure } from './node/pressure.js';
import { nodeReady } from './node/ready.js';
import { nodeSchedulable } from './node/schedulable.js';
import { nodeTestPod } from './node/testPod.js';
import { podCreateFailures } from './pod/createFailures.js';
import { podEvents } from './pod/events.js';
import { podImagePull } from './pod/imagePull.js';
import { podLastTermination } from './pod/lastTermination.js';
import { podLogs } from './pod/logs.js';
import { podOwner } from './pod/owner.js';
import { podPinned } from './pod/pinned.js';
import { podProbes } from './pod/probes.js';
import { podRancherAgentLogs } from './pod/rancherAgentLogs.js';
import { podRecreations } from './pod/recreations.js';
import { podScheduling } from './pod/scheduling.js';
import { podStatus } from './pod/status.js';
import { podVolumes } from './pod/volumes.js';
import { podCsiNodePlugin } from './pod/csiNodePlugin.js';
import { serviceChecks } from './service/index.js';
import type { AnyCheck } from './types.js';

/** Every check plumbline has. A check that is not listed here does not exist. */
export const checks: readonly AnyCheck[] = [
  podStatus,
  podEvents,
  podScheduling,
  podLastTermination,
  podProbes,
  podImagePull,
  podVolumes,
  podCsiNodePlugin,
  podCreateFailures,
  podLogs,
  podRancherAgentLogs,
  podOwner,
  podRecreations,
  podPinned,
  nodeReady,
  nodeHeartbeatLease,
  nodeKubeletCsrs,
  nodePressure,
  nodeEvictionPressure,
  nodeSchedulable,
  nodePods,
  nodeTestPod,
  nodeDaemonSetCoverage,
  kubeletService,
  kubeletConfig,
  kubeletJournal,
  containerRuntime,
  hostAwsCniLog,
  crictlInfo,
  runcLingering,
  systemdDbus,
  dbusNames,
  cpuSteal,
  controlPlaneServices,
  etcdJournal,
  etcdContainerLog,
  ...moreHostChecks,
  ...clusterChecks,
  ...serviceChecks,
] as unknown as AnyCheck[];

const byId = new Map(checks.map((c) => [c.id, c]));

export function findCheck(id: string): AnyCheck | undefined {
  return byId.get(id);
}
