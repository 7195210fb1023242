import { kubeProxyRules } from '../host/kubeProxyRules.js';
import { ingressController } from '../ingress/controller.js';
import { ingressControllerLog } from '../ingress/controllerLog.js';
import { ingressRoute } from '../ingress/route.js';
import { ingressTls } from '../ingress/tls.js';
import { serviceDnsName } from './dnsName.js';
import { serviceEndpoints } from './endpoints.js';
import { serviceLoadBalancerController } from './loadBalancerController.js';
import { serviceNetworkPolicy } from './networkPolicy.js';
import { serviceNodeNetwork } from './nodeNetwork.js';
import { serviceProbe } from './probe.js';
import { serviceSpec } from './spec.js';

/** The path from a client to a Service's pods: the Service, its endpoints, kube-proxy and the CNI, policies, DNS, the way in from outside. */
export const serviceChecks = [
  serviceSpec,
  serviceEndpoints,
  serviceLoadBalancerController,
  serviceNodeNetwork,
  kubeProxyRules,
  serviceNetworkPolicy,
  serviceDnsName,
  serviceProbe,
  ingressRoute,
  ingressController,
  ingressTls,
  ingressControllerLog,
];
