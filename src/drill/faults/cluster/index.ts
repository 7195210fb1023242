import { apiserviceUnavailable } from './apiserviceUnavailable.js';
import { controllerManagerDiscoveryCrashloop } from './controllerManagerDiscoveryCrashloop.js';
import { etcdRejectedConnection } from './etcdRejectedConnection.js';
import { metricsServerCannotReachKubelet } from './metricsServerCannotReachKubelet.js';

/** Faults of the cluster's components: API server, aggregated APIs, controllers, etcd, DNS, webhooks. */
export const clusterFaults = [etcdRejectedConnection, metricsServerCannotReachKubelet, apiserviceUnavailable, controllerManagerDiscoveryCrashloop];
