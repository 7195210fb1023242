import { leaderComponentCheck } from './leaderComponent.js';

export const clusterControllerManager = leaderComponentCheck({
  id: 'cluster.controller-manager',
  component: 'kube-controller-manager',
  title: 'kube-controller-manager: pods, leader Lease and log',
  why: 'kube-controller-manager runs the controllers that create, replace and move pods; if it crash-loops (a failed API discovery at start-up is the classic cause) or its leader stops renewing the Lease, nothing new is created anywhere in the cluster.',
  role: 'every controller (no pod is created, replaced or moved)',
});
