import { etcdRejectedConnection } from './etcdRejectedConnection.js';

/** Faults of the cluster's components: API server, aggregated APIs, controllers, etcd, DNS, webhooks. */
export const clusterFaults = [etcdRejectedConnection];
