/** Faults of one workload: scheduling, images, probes, crashes, volumes. */
export const podFaults = [];
