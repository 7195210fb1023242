/** Faults on a node's host: kubelet, runtime, systemd and D-Bus, disk, time, certificates, network path. */
export const hostFaults = [];
