import { admissionWebhookFailing } from './admissionWebhookFailing.js';
import { apiserverCertExpiryErrors } from './apiserverCertExpiryErrors.js';
import { apiserviceUnavailable } from './apiserviceUnavailable.js';
import { controllerManagerDiscoveryCrashloop } from './controllerManagerDiscoveryCrashloop.js';
import { corednsMissingHostEntry } from './corednsMissingHostEntry.js';
import { etcdClockDrift } from './etcdClockDrift.js';
import { etcdRejectedConnection } from './etcdRejectedConnection.js';
import { etcdSlow } from './etcdSlow.js';
import { metricsServerCannotReachKubelet } from './metricsServerCannotReachKubelet.js';
import { processCpuProfile } from './processCpuProfile.js';
import { schedulerDown } from './schedulerDown.js';

/** Faults of the cluster's components: API server, aggregated APIs, controllers, etcd, DNS, webhooks. */
export const clusterFaults = [
  etcdRejectedConnection,
  etcdSlow,
  etcdClockDrift,
  metricsServerCannotReachKubelet,
  apiserviceUnavailable,
  controllerManagerDiscoveryCrashloop,
  schedulerDown,
  apiserverCertExpiryErrors,
  corednsMissingHostEntry,
  admissionWebhookFailing,
  processCpuProfile,
];
