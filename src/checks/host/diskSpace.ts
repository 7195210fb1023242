import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult } from '../types.js';
import { defineHostCheck, nodeParam } from './define.js';
import { diskVerdict } from './df.js';
import type { DiskOutcome } from './df.js';

const outcomes = ['ok', 'low', 'pressure'] as const;

const params = z.object({
  node: nodeParam,
  /** nodefs: the kubelet's root directory (--root-dir). */
  nodefsPath: z.string().startsWith('/').default('/var/lib/kubelet'),
  /** imagefs: where the runtime keeps images (containerd; CRI-O uses /var/lib/containers). */
  imagefsPath: z.string().startsWith('/').default('/var/lib/containerd'),
  /** The kubelet's default evictionHard: nodefs.available<10%, imagefs.available<15%. */
  nodefsAvailablePercent: z.coerce.number().min(0).max(100).default(10),
  imagefsAvailablePercent: z.coerce.number().min(0).max(100).default(15),
});
type Params = z.infer<typeof params>;

export function diskSpaceArgv(p: Params): string[] {
  return ['df', '-P', p.nodefsPath, p.imagefsPath];
}

export function parseDiskSpace(r: RunResult, p: Params): CheckResult<DiskOutcome> {
  return diskVerdict({
    r,
    nodefsPath: p.nodefsPath,
    imagefsPath: p.imagefsPath,
    nodefsThreshold: p.nodefsAvailablePercent,
    imagefsThreshold: p.imagefsAvailablePercent,
    what: 'space',
  });
}

export const diskSpace = defineHostCheck({
  id: 'host.disk-space',
  title: 'free disk space for the kubelet and the runtime (df -P)',
  why: "When the kubelet's filesystem (nodefs) drops under 10% free or the image filesystem (imagefs) under 15%, the kubelet sets DiskPressure, garbage-collects images and evicts pods: these are its default eviction thresholds.",
  params,
  outcomes,
  healthy: ['ok'],
  facts: [
    'nodefsAvailablePercent',
    'imagefsAvailablePercent',
    'nodefsMount',
    'imagefsMount',
    'sharedFilesystem',
    'worstFilesystem',
  ],
  sets: {
    '*': ['nodefsAvailablePercent', 'imagefsAvailablePercent', 'nodefsMount', 'imagefsMount', 'worstFilesystem'],
  },
  argv: diskSpaceArgv,
  parse: parseDiskSpace,
});
