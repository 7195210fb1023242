import { z } from 'zod';
import { commands } from '../../hosts/commands.js';
import { journalLine, klog } from '../../hosts/format.js';
import { dfAnswers, rootDisk } from '../../hosts/healthy.js';
import { defineFault } from '../types.js';
import { addTaint, nodeParam, rfc3339, setCondition, sinceParam, targetNode, when } from './support.js';

/** ext4 keeps 5% for root: df's Capacity is used / (used + available). */
const reservedFraction = 0.05;

/**
 * The kubelet's filesystem fills up (images, logs, emptyDirs): below the
 * nodefs.available<10% eviction threshold the kubelet reports DiskPressure,
 * taints the node and tries image garbage collection, which frees nothing.
 */
export const diskPressure = defineFault({
  id: 'disk-pressure',
  title: "The kubelet's filesystem is nearly full: DiskPressure and evictions",
  layer: 'node',
  description:
    'df shows /var/lib/kubelet and /var/lib/containerd (the root filesystem) `usedPercent` full. The Node reports DiskPressure=True (KubeletHasDiskPressure) since `since` and carries the node.kubernetes.io/disk-pressure:NoSchedule taint; the kubelet records NodeHasDiskPressure, EvictionThresholdMet ("Attempting to reclaim ephemeral-storage") and FreeDiskSpaceFailed (image garbage collection found nothing to free), and its journal shows the eviction manager reclaiming ephemeral-storage.',
  params: z.strictObject({
    node: nodeParam,
    /** df's Capacity column. */
    usedPercent: z.number().int().min(91).max(100).default(94),
    since: sinceParam('now-20m'),
  }),
  apply(ctx, p) {
    const { node, id } = targetNode(ctx, p.node);
    const since = when(ctx, p.since);
    const usedFraction = (p.usedPercent / 100) * (1 - reservedFraction) - 0.0004;
    const df = dfAnswers(usedFraction, 0.11);
    ctx.host(p.node, commands.df, df.blocks);
    ctx.host(p.node, commands.dfInodes, df.inodes);

    const at = rfc3339(since);
    setCondition(node, {
      type: 'DiskPressure',
      status: 'True',
      lastHeartbeatTime: rfc3339(new Date(ctx.now.getTime() - 10_000)),
      lastTransitionTime: at,
      reason: 'KubeletHasDiskPressure',
      message: 'kubelet has disk pressure',
    });
    addTaint(node, { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule', timeAdded: at });
    ctx.put(node);

    // Image GC aims for the low threshold (80%) once usage passes the high one (85%).
    const bytes = rootDisk.sizeKiB * 1024;
    const toFree = Math.round(bytes * (usedFraction - 0.8));
    const minutes = Math.max(1, Math.round((ctx.now.getTime() - since.getTime()) / 60_000));
    const about = { about: node, source: 'kubelet', host: p.node, firstSeen: p.since, lastSeen: 'now-30s' };
    ctx.event({
      ...about,
      type: 'Normal',
      reason: 'NodeHasDiskPressure',
      message: `Node ${p.node} status is now: NodeHasDiskPressure`,
      lastSeen: p.since,
      count: 1,
    });
    ctx.event({
      ...about,
      type: 'Warning',
      reason: 'EvictionThresholdMet',
      message: 'Attempting to reclaim ephemeral-storage',
      count: Math.max(1, Math.round(minutes / 5)),
    });
    ctx.event({
      ...about,
      type: 'Warning',
      reason: 'FreeDiskSpaceFailed',
      message: `Failed to garbage collect required amount of images. Attempted to free ${toFree} bytes, but only found 0 bytes eligible to free.`,
      count: Math.max(1, Math.round(minutes / 5)),
    });

    const pid = id.pids.kubelet;
    const lines: string[] = [];
    for (
      let t = Math.max(since.getTime(), ctx.now.getTime() - 15 * 60_000) + 8000;
      t < ctx.now.getTime();
      t += 60_000
    ) {
      const d = new Date(t);
      const us = (n: number) => (id.seed + t / 1000 + n * 37) % 1e6;
      lines.push(
        journalLine(
          d,
          p.node,
          'kubelet',
          pid,
          klog(
            'I',
            d,
            pid,
            'eviction_manager.go:366',
            '"Eviction manager: attempting to reclaim" resourceName="ephemeral-storage"',
            us(1),
          ),
        ),
        journalLine(
          d,
          p.node,
          'kubelet',
          pid,
          klog('I', d, pid, 'container_gc.go:88', '"Attempting to delete unused containers"', us(2)),
        ),
        journalLine(
          d,
          p.node,
          'kubelet',
          pid,
          klog('I', d, pid, 'image_gc_manager.go:404', '"Attempting to delete unused images"', us(3)),
        ),
        journalLine(
          d,
          p.node,
          'kubelet',
          pid,
          klog(
            'I',
            d,
            pid,
            'eviction_manager.go:377',
            '"Eviction manager: must evict pod(s) to reclaim" resourceName="ephemeral-storage"',
            us(4),
          ),
        ),
      );
    }
    ctx.host(p.node, commands.kubeletJournal, { stdout: `${lines.join('\n')}\n` });
  },
});
