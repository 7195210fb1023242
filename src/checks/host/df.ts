import type { RunResult } from '../../nodeaccess/types.js';
import type { Evidence } from '../types.js';
import { allOutput } from './define.js';

/** One row of `df -P` or `df -Pi`: sizes in 1024-byte blocks, or inode counts. */
export interface DfRow {
  path: string;
  filesystem: string;
  total: number;
  used: number;
  /** Blocks available to unprivileged users, or free inodes. */
  free: number;
  mountedOn: string;
  line: string;
}

export interface DfReading {
  rows: DfRow[];
  /** Paths df could not stat, with its reason (`No such file or directory`). */
  failed: { path: string; reason: string }[];
}

/** A df size: a count (`-P`: 1024-byte blocks; `-i`: inodes) or, from `df -h`, `20G`, `976M`, `4.0K`, `1,5T` (bytes when bare). */
const size = String.raw`(\d+(?:[.,]\d+)?[KMGTPE]?|-)`;
const rowPattern = new RegExp(String.raw`^(.+?)\s+${size}\s+${size}\s+${size}\s+(\d+%|-)\s+(\/.*)$`);
const units: Record<string, number> = { K: 1, M: 1024, G: 1024 ** 2, T: 1024 ** 3, P: 1024 ** 4, E: 1024 ** 5 };

/**
 * Rows of `df -P PATH...` matched to the paths asked for: df prints one row per
 * path that exists, in order, and a `df: PATH: reason` line for each that does not.
 * A pasted `df -h` (human sizes, every mount, a long device name on a line of its
 * own) is read too: each path goes to the mount that holds it.
 */
export function readDf(r: RunResult, paths: readonly string[]): DfReading {
  const text = allOutput(r);
  const failed: DfReading['failed'] = [];
  const lines: string[] = [];
  let pending: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    const err = /^df: [‘'"]?(.+?)[’'"]?: (.+)$/.exec(line);
    if (err?.[1]) {
      failed.push({ path: err[1], reason: err[2] ?? '' });
      continue;
    }
    if (/^Filesystem\s|^Dateisystem\s|^Sys\. de fichiers/.test(line)) continue;
    // df without -P wraps a long device name: the name alone, the numbers on the next line.
    const joined = pending !== undefined && /^\s/.test(line) ? `${pending} ${line.trim()}` : line;
    pending = undefined;
    if (rowPattern.test(joined)) lines.push(joined);
    else if (/^\S+$/.test(line)) pending = line;
  }
  const parsed = lines.flatMap((line) => {
    const m = rowPattern.exec(line);
    return m ? [{ line, filesystem: m[1] ?? '', sizes: [m[2], m[3], m[4]], mountedOn: m[6] ?? '' }] : [];
  });
  // Human sizes anywhere: every bare number is bytes, so all go to KiB alike.
  const human = parsed.some((p) => p.sizes.some((x) => /[KMGTPE]$/.test(x ?? '')));
  const left = paths.filter((p) => !failed.some((f) => f.path === p));
  const holds = (mount: string, path: string) => mount === '/' || path === mount || path.startsWith(`${mount}/`);
  // One row per path, in order, as df PATH... prints them (a symlinked path shows its target's mount); otherwise (a
  // listing of every mount) the longest mount that holds each path.
  const inOrder = parsed.length === left.length;
  const rows: DfRow[] = [];
  left.forEach((path, i) => {
    const p = inOrder
      ? parsed[i]
      : parsed.filter((x) => holds(x.mountedOn, path)).sort((a, b) => b.mountedOn.length - a.mountedOn.length)[0];
    if (!p) return;
    const [total, used, free] = p.sizes.map((x) => (human ? kib(x) : num(x)));
    rows.push({
      path,
      filesystem: p.filesystem,
      total: total ?? Number.NaN,
      used: used ?? Number.NaN,
      free: free ?? Number.NaN,
      mountedOn: p.mountedOn,
      line: p.line,
    });
  });
  return { rows, failed };
}

function kib(s: string | undefined): number {
  if (s === undefined || s === '-') return Number.NaN;
  const m = /^(\d+(?:[.,]\d+)?)([KMGTPE]?)$/.exec(s);
  if (!m) return Number.NaN;
  const n = Number((m[1] ?? '').replace(',', '.'));
  return m[2] ? n * (units[m[2]] ?? 1) : n / 1024;
}

function num(s: string | undefined): number {
  return s === undefined || s === '-' ? Number.NaN : Number(s);
}

/** Free share the way the kubelet computes it: available / capacity (not df's Use%, which leaves out root-reserved blocks). */
export function freePercent(row: DfRow): number {
  return row.total > 0 ? Math.floor((row.free / row.total) * 1000) / 10 : Number.NaN;
}

/** The kubelet's two filesystems: nodefs holds /var/lib/kubelet (volumes, logs), imagefs the runtime's images and layers. */
export interface FsRole {
  role: 'nodefs' | 'imagefs';
  row: DfRow;
  percent: number;
  threshold: number;
}

/** Same device and the same counts: one filesystem, even when bind mounts show it under two mount points. */
export function sameFilesystem(a: DfRow, b: DfRow): boolean {
  return a.filesystem === b.filesystem && a.total === b.total && a.used === b.used && a.free === b.free;
}

export function dfEvidence(rows: readonly DfRow[], failed: DfReading['failed']): Evidence[] {
  return [
    ...rows.map((r) => ({ label: r.path, value: r.line.replace(/\s+/g, ' ') })),
    ...failed.map((f) => ({ label: f.path, value: f.reason })),
  ];
}

export type DiskOutcome = 'ok' | 'low' | 'pressure';

export interface DiskVerdictInput {
  r: RunResult;
  nodefsPath: string;
  imagefsPath: string;
  nodefsThreshold: number;
  imagefsThreshold: number;
  /** `space` or `inodes`: the words and the fact names differ, the reasoning does not. */
  what: 'space' | 'inodes';
}

export interface DiskVerdict {
  outcome: DiskOutcome | 'error';
  summary: string;
  evidence: Evidence[];
  facts: Record<string, string | number | boolean>;
}

/** A warning before the kubelet acts: within this many points of its threshold. */
export const lowMarginPercent = 5;

export function diskVerdict(v: DiskVerdictInput): DiskVerdict {
  const { rows, failed } = readDf(v.r, [v.nodefsPath, v.imagefsPath]);
  const evidence = dfEvidence(rows, failed);
  const signal = v.what === 'space' ? 'available' : 'inodesFree';
  const nodefs = rows.find((r) => r.path === v.nodefsPath);
  const imagefs = rows.find((r) => r.path === v.imagefsPath);
  if (!nodefs && !imagefs) {
    const why = failed.map((f) => `${f.path}: ${f.reason}`).join('; ');
    return {
      outcome: 'error',
      summary: why
        ? `df could not read ${why}: not a kubelet node, or the runtime keeps its data elsewhere (/var/lib/docker, /var/lib/containers)`
        : 'df printed no filesystem rows',
      evidence,
      facts: { errorKind: failed.length > 0 ? 'no-such-path' : 'bad-output' },
    };
  }
  const roles: FsRole[] = [];
  if (nodefs) roles.push({ role: 'nodefs', row: nodefs, percent: freePercent(nodefs), threshold: v.nodefsThreshold });
  // One filesystem for both: the kubelet applies both signals to it, so the stricter threshold decides.
  if (imagefs)
    roles.push({ role: 'imagefs', row: imagefs, percent: freePercent(imagefs), threshold: v.imagefsThreshold });
  const shared = nodefs !== undefined && imagefs !== undefined && sameFilesystem(nodefs, imagefs);
  const facts: DiskVerdict['facts'] = { sharedFilesystem: shared };
  for (const x of roles) {
    if (!Number.isNaN(x.percent))
      facts[`${x.role}${v.what === 'space' ? 'AvailablePercent' : 'InodesFreePercent'}`] = x.percent;
    facts[`${x.role}Mount`] = x.row.mountedOn;
  }
  const known = roles.filter((x) => !Number.isNaN(x.percent));
  if (known.length === 0) {
    return {
      outcome: 'error',
      summary: `the filesystem does not count ${v.what} (df printed "-")`,
      evidence,
      facts: { ...facts, errorKind: 'bad-output' },
    };
  }
  const rank = (x: FsRole) => (x.percent < x.threshold ? 2 : x.percent < x.threshold + lowMarginPercent ? 1 : 0);
  const worst = known.reduce((w, x) =>
    rank(x) > rank(w) || (rank(x) === rank(w) && x.percent - x.threshold < w.percent - w.threshold) ? x : w,
  );
  const name = (x: FsRole) => `${x.role}${shared ? ' (nodefs and imagefs share it)' : ''} ${x.row.mountedOn}`;
  const noun = v.what === 'space' ? 'space' : 'inodes';
  facts.worstFilesystem = worst.row.mountedOn;
  evidence.push({
    label: 'kubelet thresholds',
    value: roles.map((x) => `${x.role}.${signal}<${x.threshold}% (${x.role} ${x.percent}% free)`).join(', '),
  });
  switch (rank(worst)) {
    case 2:
      return {
        outcome: 'pressure',
        summary: `${name(worst)} has ${worst.percent}% ${noun} free, under the kubelet's ${worst.role}.${signal}<${worst.threshold}% eviction threshold: the node reports DiskPressure, evicts pods and refuses new ones`,
        evidence,
        facts,
      };
    case 1:
      return {
        outcome: 'low',
        summary: `${name(worst)} has ${worst.percent}% ${noun} free, within ${lowMarginPercent} points of the kubelet's ${worst.role}.${signal}<${worst.threshold}% eviction threshold`,
        evidence,
        facts,
      };
    default:
      return {
        outcome: 'ok',
        summary: `${known.map((x) => `${x.role} ${x.percent}%`).join(', ')} ${noun} free: well above the kubelet's eviction thresholds`,
        evidence,
        facts,
      };
  }
}
