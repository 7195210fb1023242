import type { FaultContext } from '../types.js';
import { createWorkload, pickNode } from './workload.js';
import { ago, containerEvent, scheduledEvent, setPodStatus } from './podStatus.js';
import type { BuiltWorkload } from './workload.js';

/** containerd's normalised reference: `nginx:1` → `docker.io/library/nginx:1`. */
export function fullReference(image: string): string {
  const first = image.split('/')[0] ?? '';
  const hasRegistry = image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  const withTag = /[:@][^/]*$/.test(image) ? image : `${image}:latest`;
  if (hasRegistry) return withTag;
  return image.includes('/') ? `docker.io/${withTag}` : `docker.io/library/${withTag}`;
}

/** When the kubelet tried to pull: at once, then after back-offs of 10 s doubling to 5 min. */
export function pullAttempts(ageSeconds: number): { attempts: number; lastAttempt: number } {
  let t = 0;
  let b = 10;
  let attempts = 1;
  // A failed pull takes a second or two before the back-off starts.
  while (t + 2 + b <= ageSeconds) {
    t += 2 + b;
    attempts++;
    b = Math.min(2 * b, 300);
  }
  return { attempts, lastAttempt: ageSeconds - t };
}

export interface ImagePullFailure {
  namespace: string;
  name: string;
  pod?: string;
  node?: string;
  image: string;
  container: string;
  ageSeconds: number;
  /** The runtime's error after `Failed to pull image "<image>": `. */
  error: string;
  imagePullSecrets?: string[];
}

/** A Deployment whose pod sits in ImagePullBackOff on its node, with the kubelet's pull events. */
export function applyImagePullFailure(ctx: FaultContext, f: ImagePullFailure): BuiltWorkload {
  const node = pickNode(ctx, f.node);
  const created = ago(f.ageSeconds);
  const w = createWorkload(ctx, {
    namespace: f.namespace,
    kind: 'Deployment',
    name: f.name,
    ...(f.pod ? { podName: f.pod } : {}),
    containers: [
      {
        name: f.container,
        image: f.image,
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
        resources: { requests: { cpu: '100m', memory: '128Mi' } },
      },
    ],
    podSpec:
      f.imagePullSecrets && f.imagePullSecrets.length > 0
        ? { imagePullSecrets: f.imagePullSecrets.map((name) => ({ name })) }
        : {},
    created,
  });
  setPodStatus(ctx, w.pod, {
    node,
    phase: 'Pending',
    started: created,
    containers: [
      {
        name: f.container,
        image: f.image,
        pulled: false,
        ready: false,
        started: false,
        restartCount: 0,
        state: { waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${f.image}"` } },
      },
    ],
  });
  scheduledEvent(ctx, w.pod, node.metadata.name, created);
  const { attempts, lastAttempt } = pullAttempts(f.ageSeconds);
  const firstPull = ago(f.ageSeconds - 1);
  const lastPull = ago(lastAttempt);
  const failed = `Failed to pull image "${f.image}": ${f.error}`;
  const ev = (
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    count: number,
    firstSeen: string,
    lastSeen: string,
  ) => containerEvent(ctx, w.pod, f.container, { type, reason, message, count, firstSeen, lastSeen });
  ev('Normal', 'Pulling', `Pulling image "${f.image}"`, attempts, firstPull, lastPull);
  ev('Warning', 'Failed', failed, attempts, firstPull, lastPull);
  ev('Warning', 'Failed', 'Error: ErrImagePull', attempts, firstPull, lastPull);
  // While backing off, each pod sync (about every 15 s) records BackOff and the ImagePullBackOff error.
  const backOffs = Math.max(1, Math.round((f.ageSeconds - 2) / 15));
  ev('Normal', 'BackOff', `Back-off pulling image "${f.image}"`, backOffs, ago(f.ageSeconds - 2), 'now-4s');
  ev('Warning', 'Failed', 'Error: ImagePullBackOff', backOffs, ago(f.ageSeconds - 2), 'now-4s');
  return w;
}
