import { serviceApp } from './app.js';
import { gatewayApp } from './gateway.js';
import { loadBalancerSyncFailed } from './loadBalancer.js';
import { ingressControllerStaleEndpoints, networkPolicyNamespaceOnly } from './controllerFaults.js';
import {
  cniAgentDown,
  endpointsNotWritten,
  headlessPortDiffers,
  ingressBackendPortWrong,
  ingressNoController,
  ingressTlsBroken,
  kubeProxyDown,
  kubeProxyNotSyncing,
  networkPolicyDefaultDeny,
  serviceSelectorTypo,
  servicePodsNotReady,
  serviceTargetPortMismatch,
} from './breaks.js';

/** Faults on the path to a Service: the app frame, then what breaks it (selector, ports, readiness, policies, kube-proxy, the CNI, the Ingress). */
export const serviceFaults = [
  serviceApp,
  serviceSelectorTypo,
  serviceTargetPortMismatch,
  servicePodsNotReady,
  endpointsNotWritten,
  networkPolicyDefaultDeny,
  kubeProxyDown,
  kubeProxyNotSyncing,
  cniAgentDown,
  headlessPortDiffers,
  ingressNoController,
  ingressBackendPortWrong,
  ingressTlsBroken,
  networkPolicyNamespaceOnly,
  ingressControllerStaleEndpoints,
  gatewayApp,
  loadBalancerSyncFailed,
];
