import { clusterAdmissionWebhooks } from './admissionWebhooks.js';
import { clusterAggregatedApis } from './aggregatedApis.js';
import { clusterApiserverHealth } from './apiserverHealth.js';
import { clusterApiserverLog } from './apiserverLog.js';
import { clusterCertificates } from './certificates.js';
import { clusterControllerManager } from './controllerManager.js';
import { clusterControlPlanePlacement } from './controlPlanePlacement.js';
import { clusterCoredns } from './coredns.js';
import { clusterCpuProfiles } from './cpuProfiles.js';
import { clusterEtcd } from './etcd.js';
import { clusterMetricsServer } from './metricsServer.js';
import { clusterPageError } from './pageError.js';
import { clusterRancherServerError } from './rancherServerError.js';
import { clusterPodComponent } from './podComponent.js';
import { clusterScheduler } from './scheduler.js';

/** Checks of the cluster's components, read through the API only. */
export const clusterChecks = [
  clusterApiserverHealth,
  clusterApiserverLog,
  clusterAggregatedApis,
  clusterControllerManager,
  clusterScheduler,
  clusterEtcd,
  clusterMetricsServer,
  clusterCoredns,
  clusterControlPlanePlacement,
  clusterCertificates,
  clusterAdmissionWebhooks,
  clusterCpuProfiles,
  clusterPodComponent,
  clusterPageError,
  clusterRancherServerError,
];
