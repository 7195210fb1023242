import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult, Evidence } from '../types.js';
import { allOutput, clip, hostError, nodeParam } from './define.js';
import { parseJournal } from './journal.js';
import { defineHostStepsCheck } from './sequence.js';
import type { RanStep } from './sequence.js';

const outcomes = ['errors', 'quiet'] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  node: nodeParam,
  /** The current boot's last lines: a filesystem remounted read-only days ago still matters. */
  maxLines: z.coerce.number().int().positive().default(3000),
});
type Params = z.infer<typeof params>;

export function kernelLogArgv(p: Params): string[] {
  return ['journalctl', '-k', '-b', '-o', 'short-iso', '--no-pager', '-n', String(p.maxLines)];
}

/** Where journald keeps no kernel log (Storage=none, a container's journal, no systemd), the ring buffer still has it. */
export const dmesgArgv = ['dmesg', '-T'];

/**
 * The kernel's own words for faults below Kubernetes, by what they hit. Not a
 * diagnosis (the signature catalog names causes): what makes a kernel line an
 * error worth showing.
 */
const kinds: { kind: string; pattern: RegExp }[] = [
  {
    kind: 'out of memory',
    pattern: /invoked oom-killer|Out of memory: Kill|Memory cgroup out of memory|oom-kill:|Killed process \d+ \(/,
  },
  {
    kind: 'filesystem',
    pattern:
      /EXT4-fs error|Remounting filesystem read-only|EXT4-fs \([^)]*\): (?:previous I\/O error|aborted journal|I\/O error)|XFS \([^)]*\): (?:Corruption|metadata I\/O error|Filesystem has been shut down|Log I\/O Error)|Buffer I\/O error|I\/O error, dev \S+|blk_update_request: I\/O error/,
  },
  {
    kind: 'hung task or lockup',
    pattern:
      /blocked for more than \d+ seconds|soft lockup - CPU#|hard LOCKUP|self-detected stall on CPU|rcu_sched detected stalls/,
  },
  {
    kind: 'network',
    pattern:
      /nf_conntrack: table full|unregister_netdevice: waiting for|neighbour table overflow|[Pp]ossible SYN flooding|TCP: out of memory|nfs: server \S+ not responding/,
  },
  {
    kind: 'kernel bug',
    pattern:
      /kernel BUG at|BUG: unable to handle|general protection fault|Oops: \d|Kernel panic|segfault at [0-9a-f]+ ip|watchdog: BUG/,
  },
];

/** journalctl's lines about the journal itself, and a shell saying the node lacks a command: not kernel messages. */
const marker =
  /^-- (?:No entries|Logs begin|Journal begins|Boot|Reboot)|^No journal files were (?:found|opened)|^(?:bash|sh|-sh)(?:: \d+)?: (?:journalctl|dmesg): (?:command )?not found$/;

interface KernelLine {
  /** The message as the kernel printed it, without the journal's prefix. */
  message: string;
  kind?: string;
}

/** Kernel messages in journalctl -k (any -o form) or dmesg (plain, -T, or with its facility prefix) output. */
export function readKernelLines(text: string): {
  lines: KernelLine[];
  source: 'journalctl -k' | 'dmesg' | 'none';
  denied: string | undefined;
} {
  const kept = text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .filter((l) => l.trim() !== '' && !marker.test(l.trim()));
  const denied = kept.find((l) => /^dmesg: read kernel buffer failed|^dmesg: .*Operation not permitted/.test(l.trim()));
  const journal = parseJournal(kept.filter((l) => l !== denied).join('\n'));
  // journalctl -k in any prefixed form names the kernel as the line's identifier; dmesg's `[  12.345678]` is no journal prefix.
  const fromJournal = (e: (typeof journal.entries)[number]) => e.form !== 'cat' && e.ident === 'kernel';
  const prefixed = journal.entries.some(fromJournal);
  const lines = journal.entries.map((e) => {
    const message = (fromJournal(e) ? e.message : e.line).trim();
    const kind = kinds.find((k) => k.pattern.test(message))?.kind;
    return kind ? { message, kind } : { message };
  });
  return { lines, source: lines.length === 0 ? 'none' : prefixed ? 'journalctl -k' : 'dmesg', denied };
}

/** journalctl -k printed nothing to read (no kernel log in the journal, or no journalctl): ask dmesg. */
export function kernelLogNext(_p: Params, ran: readonly RanStep[]): string[] | undefined {
  if (ran.length !== 1) return undefined;
  const first = ran[0]?.result;
  if (!first) return dmesgArgv;
  return readKernelLines(allOutput(first)).lines.length === 0 ? dmesgArgv : undefined;
}

export function parseKernelLog(r: RunResult): CheckResult<Outcome> {
  const { lines, source, denied } = readKernelLines(allOutput(r));
  if (lines.length === 0) {
    if (denied)
      return hostError(
        `the kernel log could not be read: ${clip(denied)} (run as root, or kernel.dmesg_restrict=1 keeps it from other users)`,
        'permission',
        [{ label: 'dmesg', value: clip(denied) }],
      );
    return hostError('neither journalctl -k nor dmesg printed a kernel message', 'no-output');
  }
  const errors = lines.filter((l) => l.kind !== undefined);
  const facts = { kernelLogSource: source, kernelLogLines: lines.length, kernelErrorLines: errors.length };
  if (errors.length === 0) {
    return {
      outcome: 'quiet',
      summary: `${lines.length} kernel messages (${source}): none about memory, filesystems, hung tasks, the network stack or a kernel bug`,
      evidence: [{ label: 'last kernel message', value: clip(lines.at(-1)?.message ?? '') }],
      facts,
    };
  }
  const byKind = [...new Set(errors.map((e) => e.kind ?? ''))];
  const last = errors.at(-1)?.message ?? '';
  // The first line of each kind and the very last error: what hit first, and what is still going on.
  const shown = byKind.map((k) => errors.find((e) => e.kind === k)).filter((e): e is KernelLine => e !== undefined);
  const evidence: Evidence[] = shown.map((e) => ({ label: `kernel (${e.kind ?? ''})`, value: clip(e.message) }));
  if (!shown.some((e) => e.message === last)) evidence.push({ label: 'last kernel error', value: clip(last) });
  return {
    outcome: 'errors',
    summary: `the kernel logged ${errors.length} error line${errors.length === 1 ? '' : 's'} (${byKind.join(', ')}); the last: ${clip(last, 160)}`,
    evidence,
    facts: { ...facts, kernelLastError: clip(last), kernelErrorKinds: byKind.join(', ') },
  };
}

export const kernelLog = defineHostStepsCheck({
  id: 'host.kernel-log',
  title: "the kernel's messages (journalctl -k, else dmesg)",
  why: 'Below the kubelet and the runtime, the kernel says what it did to them: an OOM kill, a filesystem remounted read-only after an I/O error, a task hung on NFS, a full conntrack table, a soft lockup. None of it reaches the API unless node-problem-detector runs.',
  params,
  outcomes,
  healthy: ['quiet'],
  facts: ['kernelLogSource', 'kernelLogLines', 'kernelErrorLines', 'kernelLastError', 'kernelErrorKinds'],
  sets: {
    '*': ['kernelLogSource', 'kernelLogLines', 'kernelErrorLines'],
    errors: ['kernelLastError', 'kernelErrorKinds'],
  },
  argv: kernelLogArgv,
  describe: (p) => `${kernelLogArgv(p).join(' ')}  (dmesg -T when the journal has no kernel messages)`,
  next: kernelLogNext,
  parse: parseKernelLog,
});
