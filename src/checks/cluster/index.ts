/** Checks of the cluster's components, read through the API only. */
export const clusterChecks = [];
