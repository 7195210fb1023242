import { clockSkew } from './clockSkew.js';
import { cpuHog } from './cpuHog.js';
import { cpuSteal } from './cpuSteal.js';
import { diskPressure } from './diskPressure.js';
import { firewallBlocksPort } from './firewallBlocksPort.js';
import { frontProxyDown } from './frontProxyDown.js';
import { kubeletCertExpired } from './kubeletCertExpired.js';
import { kubeletConfigMissing } from './kubeletConfigMissing.js';
import { kubeletServiceFailed } from './kubeletServiceFailed.js';
import { strayControlPlaneServices } from './strayControlPlaneServices.js';
import { systemdDbusHang } from './systemdDbusHang.js';

/** Faults on a node's host: kubelet, runtime, systemd and D-Bus, disk, time, certificates, network path. */
export const hostFaults = [
  kubeletConfigMissing,
  kubeletServiceFailed,
  strayControlPlaneServices,
  systemdDbusHang,
  cpuSteal,
  cpuHog,
  diskPressure,
  kubeletCertExpired,
  clockSkew,
  firewallBlocksPort,
  frontProxyDown,
];
