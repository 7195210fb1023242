import { leaderComponentCheck } from './leaderComponent.js';

export const clusterScheduler = leaderComponentCheck({
  id: 'cluster.scheduler',
  component: 'kube-scheduler',
  title: 'kube-scheduler: pods, leader Lease and log',
  why: 'kube-scheduler binds every new pod to a node; if it is down, restarting or not leading, pods stay Pending with no FailedScheduling event at all.',
  role: 'scheduling (new pods stay Pending)',
});
