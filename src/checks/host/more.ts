import { certificatesOnDisk } from './certificatesOnDisk.js';
import { cpuConsumers } from './cpuConsumers.js';
import { diskInodes } from './diskInodes.js';
import { diskSpace } from './diskSpace.js';
import { firewall } from './firewall.js';
import { frontProxy } from './frontProxy.js';
import { kernelLog } from './kernelLog.js';
import { kubeconfigCertificates } from './kubeconfigCertificates.js';
import { listeningPorts } from './listeningPorts.js';
import { serviceJournals } from './serviceJournals.js';
import { tcpConnect } from './tcpConnect.js';
import { timeSync } from './timeSync.js';

/** Host checks beyond the kubelet and runtime: time, disk, certificates on disk and in the kubelet's kubeconfig, the kernel's and the services' logs, the network path. */
export const moreHostChecks = [
  cpuConsumers,
  timeSync,
  diskSpace,
  diskInodes,
  certificatesOnDisk,
  kubeconfigCertificates,
  kernelLog,
  serviceJournals,
  listeningPorts,
  firewall,
  frontProxy,
  tcpConnect,
];
