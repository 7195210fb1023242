/** Host checks beyond the kubelet and runtime: time, disk, certificates on disk, the network path. */
export const moreHostChecks = [];
