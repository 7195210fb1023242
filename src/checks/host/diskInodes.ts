import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult } from '../types.js';
import { defineHostCheck, nodeParam } from './define.js';
import { diskVerdict } from './df.js';
import type { DiskOutcome } from './df.js';

const outcomes = ['ok', 'low', 'pressure'] as const;

const params = z.object({
  node: nodeParam,
  nodefsPath: z.string().startsWith('/').default('/var/lib/kubelet'),
  imagefsPath: z.string().startsWith('/').default('/var/lib/containerd'),
  /** The kubelet's default evictionHard on Linux: nodefs.inodesFree<5% (and imagefs.inodesFree<5%). */
  nodefsInodesFreePercent: z.coerce.number().min(0).max(100).default(5),
  imagefsInodesFreePercent: z.coerce.number().min(0).max(100).default(5),
});
type Params = z.infer<typeof params>;

export function diskInodesArgv(p: Params): string[] {
  return ['df', '-Pi', p.nodefsPath, p.imagefsPath];
}

export function parseDiskInodes(r: RunResult, p: Params): CheckResult<DiskOutcome> {
  return diskVerdict({
    r,
    nodefsPath: p.nodefsPath,
    imagefsPath: p.imagefsPath,
    nodefsThreshold: p.nodefsInodesFreePercent,
    imagefsThreshold: p.imagefsInodesFreePercent,
    what: 'inodes',
  });
}

export const diskInodes = defineHostCheck({
  id: 'host.disk-inodes',
  title: 'free inodes for the kubelet and the runtime (df -Pi)',
  why: 'A disk can be "full" with space left: every file needs an inode, and millions of small image layers or log files use them up. The kubelet evicts pods under 5% free inodes, and nothing can create a file at 0%.',
  params,
  outcomes,
  healthy: ['ok'],
  facts: [
    'nodefsInodesFreePercent',
    'imagefsInodesFreePercent',
    'nodefsMount',
    'imagefsMount',
    'sharedFilesystem',
    'worstFilesystem',
  ],
  sets: { '*': ['nodefsInodesFreePercent', 'nodefsMount', 'imagefsMount', 'worstFilesystem'] },
  argv: diskInodesArgv,
  parse: parseDiskInodes,
});
