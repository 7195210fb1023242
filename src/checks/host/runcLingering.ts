import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import { formatAge } from '../format.js';
import type { CheckResult, Evidence } from '../types.js';
import { clip, defineHostCheck, hostError, nodeParam } from './define.js';
import { parseProcessTable } from './processes.js';

const outcomes = ['clear', 'lingering'] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  node: nodeParam,
  /** runC should exit as soon as the container process has started: a minute is already very long. */
  thresholdSeconds: z.coerce.number().nonnegative().default(60),
});
type Params = z.infer<typeof params>;

export function runcLingeringArgv(_p: Params): string[] {
  return ['ps', '-eo', 'pid,etimes,args'];
}

export interface PsProcess {
  pid: number;
  seconds: number;
  args: string;
}

/** Any ps form (`ps -eo pid,etimes,args`, `ps -ef`, `ps aux`, `ps -eo` in any order) or top's list: each process with its age, when the table gives one. */
export function parsePs(text: string, now?: Date): PsProcess[] {
  const table = parseProcessTable(text, now);
  if (table) return table.rows.map((r) => ({ pid: r.pid, seconds: r.seconds ?? NaN, args: r.command }));
  // A paste without its header line: `pid etimes args` rows.
  const out: PsProcess[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (m) out.push({ pid: Number(m[1]), seconds: Number(m[2]), args: m[3] ?? '' });
  }
  return out;
}

/**
 * runC itself (`runc`, `/usr/bin/runc …`, `runc init`, `docker-runc`), not the
 * long-lived shims that carry its name (`containerd-shim-runc-v2`, `runc-shim`).
 */
export function isRunc(args: string): boolean {
  if (args.startsWith('[')) return false; // kernel thread
  const exe = args.split(/\s+/)[0] ?? '';
  const base = exe.slice(exe.lastIndexOf('/') + 1);
  return base === 'runc' || base === 'docker-runc' || /^runc:\[/.test(base);
}

/** `create`, `start`, `exec`, `init` …: what runC was asked to do, the first word after its global flags. */
function runcVerb(args: string): string {
  const words = args.split(/\s+/).slice(1);
  const withValue = new Set(['--root', '--log', '--log-format', '--criu', '--rootless']);
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    if (w.startsWith('-')) {
      if (withValue.has(w)) i++;
      continue;
    }
    return w;
  }
  return '?';
}

export function parseRuncLingering(r: RunResult, p: Params, now?: Date): CheckResult<Outcome> {
  const table = parseProcessTable(r.stdout, now);
  const procs = parsePs(r.stdout, now);
  if (procs.length === 0)
    return hostError(`ps printed no processes${r.stderr ? `: ${clip(r.stderr, 120)}` : ''}`, 'bad-output');
  const form = table ? `\`${table.source}\`` : '`ps`';
  if (table && !table.hasAge) {
    // top and pidstat say what runs now, not since when: a runc among them may be seconds old. Nor do they list every
    // process (pidstat only those that used CPU, a pasted top one screen), so no runc in them proves nothing either.
    const n = procs.filter((x) => isRunc(x.args)).length;
    return hostError(
      `this is ${form} output: it ${n > 0 ? `lists ${n} runc processes but not how long they have run` : 'lists no runc, but it shows neither every process nor how long each has run'}; paste ps -eo pid,etimes,args (or ps -ef)`,
      'bad-output',
    );
  }
  const runc = procs.filter((x) => isRunc(x.args));
  const lingering = runc.filter((x) => x.seconds > p.thresholdSeconds).sort((a, b) => b.seconds - a.seconds);
  const oldest = runc.reduce((n, x) => (Number.isNaN(x.seconds) ? n : Math.max(n, x.seconds)), 0);
  const facts = {
    runcProcesses: runc.length,
    lingeringRunc: lingering.length,
    oldestRuncSeconds: oldest,
    lingeringRuncPids: lingering
      .slice(0, 20)
      .map((x) => x.pid)
      .join(','),
    lingeringRuncVerbs: summarizeVerbs(lingering),
  };
  const scope = `${form}: ${procs.length} processes, ${runc.length} runc${r.truncated ? ' (ps output cut)' : ''}`;
  if (lingering.length === 0) {
    return {
      outcome: 'clear',
      summary:
        runc.length === 0
          ? 'no runc process is running: runC starts containers and exits, as it should'
          : `${runc.length} runc processes, none older than ${p.thresholdSeconds}s`,
      evidence: [{ label: 'ps', value: scope }],
      facts,
    };
  }
  const evidence: Evidence[] = lingering
    .slice(0, 5)
    .map((x) => ({ label: `pid ${x.pid}, ${formatAge(x.seconds)}`, value: clip(x.args, 200) }));
  evidence.push({ label: 'ps', value: scope });
  return {
    outcome: 'lingering',
    summary: `${lingering.length} runc processes older than ${p.thresholdSeconds}s (oldest ${formatAge(oldest)}): runC is stuck and cannot start containers`,
    evidence,
    facts,
  };
}

function summarizeVerbs(ps: PsProcess[]): string {
  const counts = new Map<string, number>();
  for (const x of ps) counts.set(runcVerb(x.args), (counts.get(runcVerb(x.args)) ?? 0) + 1);
  return [...counts].map(([v, n]) => `${v}:${n}`).join(',');
}

export const runcLingering = defineHostCheck({
  id: 'host.runc-lingering',
  title: 'runC processes that should have exited',
  why: 'runC starts a container and exits within moments; runC processes still alive after a minute mean container creation is blocked beneath the runtime (in the D-Bus incident, on systemd).',
  params,
  outcomes,
  healthy: ['clear'],
  facts: ['runcProcesses', 'lingeringRunc', 'oldestRuncSeconds', 'lingeringRuncPids', 'lingeringRuncVerbs'],
  sets: { '*': ['lingeringRunc', 'oldestRuncSeconds'], lingering: ['lingeringRuncPids', 'lingeringRuncVerbs'] },
  argv: runcLingeringArgv,
  parse: parseRuncLingering,
});
