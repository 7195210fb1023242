import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { readCpu } from './cpuForms.js';
import { clip, defineHostCheck, hostError, nodeParam } from './define.js';
import { parseProcessTables, programName } from './processes.js';
import type { ProcessRow, ProcessTable } from './processes.js';

const outcomes = ['process-hog', 'system-time', 'normal'] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  node: nodeParam,
  /** One process using about a whole CPU or more: a kubelet at 101 % on a 32-CPU node already missed its heartbeats. */
  processPercent: z.coerce.number().positive().default(90),
  /** Kernel time (sy + hi + si) this high means the kernel, not a program, is busy (cgroup walks, du, softirq storms). */
  systemPercent: z.coerce.number().positive().default(40),
});
type Params = z.infer<typeof params>;

export function cpuConsumersArgv(_p: Params): string[] {
  // Two iterations a second apart: the first is top's warm-up, the second what the CPUs do now. -c -w 512: whole command lines (batch mode cuts them at 80 columns).
  return ['top', '-b', '-c', '-w', '512', '-n', '2', '-d', '1'];
}

/** The node's own agents: one of them eating a CPU starves everything the node does for the cluster. */
const agents =
  /^(?:kubelet|hyperkube|k3s|k3s-server|k3s-agent|rke2|kubelite|containerd|containerd-shim\S*|dockerd|docker|crio|conmon|runc|kube-apiserver|kube-apiser|etcd|kube-controller-manager|kube-contro|kube-scheduler|kube-schedu|kube-proxy|systemd|systemd-journald|systemd-journal|dbus-daemon|dbus-broker|auditd|rsyslogd)$/;

/** top -bn2 prints two task lists: the last is the interval just measured. */
function lastTable(text: string, now: Date | undefined): ProcessTable | undefined {
  return parseProcessTables(text, now).at(-1);
}

function describe(r: ProcessRow): string {
  return `${programName(r)} (pid ${r.pid}) at ${r.cpu}%`;
}

export function parseCpuConsumers(r: RunResult, p: Params, now?: Date): CheckResult<Outcome> {
  const text = r.stdout;
  const table = lastTable(text, now);
  const cpu = readCpu(text);
  if (!table && !cpu)
    return hostError(
      'no process list and no CPU summary in the output: not top, ps aux, ps -eo …pcpu… or pidstat',
      'bad-output',
    );
  const rows = (table?.rows ?? [])
    .filter((x) => x.cpu !== undefined && !Number.isNaN(x.cpu))
    .sort((a, b) => (b.cpu ?? 0) - (a.cpu ?? 0));
  if (table && rows.length === 0 && !cpu)
    return hostError(
      `this is \`${table.source}\` output without a %CPU column: it cannot say what uses the CPU; paste top -b -c -w 512 -n 2 -d 1 or ps aux`,
      'bad-output',
    );
  const tool = table ? `\`${table.source}\`` : `\`${cpu?.source ?? 'top'}\``;
  const top = rows[0];
  const shares = cpu?.shares;
  const kernel = shares ? Math.round((shares.system + shares.irq + shares.softirq) * 10) / 10 : undefined;
  const lifetime = table?.cpuIsLifetime
    ? " (ps's %CPU is each process's average over its whole life, not what it uses now)"
    : '';
  const topList = rows
    .filter((x) => (x.cpu ?? 0) > 0)
    .slice(0, 5)
    .map((x) => `${programName(x)} ${x.cpu}%`)
    .join(', ');
  const facts: Facts = { cpuConsumersSource: table?.source ?? cpu?.source ?? 'top' };
  if (topList) facts.topConsumers = topList;
  if (shares) {
    facts.userPercent = shares.user;
    facts.systemPercent = shares.system;
    facts.kernelPercent = kernel ?? 0;
    facts.idlePercent = shares.idle;
    facts.stealPercent = shares.steal;
  }
  const evidence: Evidence[] = [];
  if (shares)
    evidence.push({
      label: `${cpu?.source} summary`,
      value: `${shares.user}% user, ${shares.system}% system, ${shares.softirq}% softirq, ${shares.idle}% idle, ${shares.iowait}% iowait, ${shares.steal}% steal`,
    });
  for (const x of rows.slice(0, 5)) evidence.push({ label: `pid ${x.pid}, ${x.cpu}%`, value: clip(x.command, 160) });
  if (lifetime) evidence.push({ label: 'note', value: lifetime.trim().replace(/^\(|\)$/g, '') });
  const hog = top && (top.cpu ?? 0) >= p.processPercent ? top : undefined;
  if (hog) {
    const name = programName(hog);
    facts.cpuHog = name;
    facts.cpuHogPid = hog.pid;
    facts.cpuHogPercent = hog.cpu ?? 0;
    facts.cpuHogCommand = clip(hog.command, 200);
    facts.cpuHogIsAgent = agents.test(name);
    facts.cpuConsumerFinding = `${name} uses ${hog.cpu}% CPU (pid ${hog.pid}, ${tool})`;
    return {
      outcome: 'process-hog',
      summary: `${describe(hog)} eats the CPU${agents.test(name) ? `: ${name} is one of the node's own agents, so the node's work for the cluster waits` : ''}${lifetime}; then ${
        rows
          .slice(1, 3)
          .map((x) => `${programName(x)} ${x.cpu}%`)
          .join(', ') || 'nothing else'
      }`,
      evidence,
      facts,
    };
  }
  if (kernel !== undefined && kernel >= p.systemPercent && (shares?.steal ?? 0) < kernel) {
    facts.cpuConsumerFinding = `the kernel takes ${kernel}% of CPU time (system ${shares?.system}%, softirq ${shares?.softirq}%; ${tool})${topList ? `, busiest: ${topList}` : ''}`;
    return {
      outcome: 'system-time',
      summary: `the kernel takes ${kernel}% of the CPU time (system ${shares?.system}%, irq ${shares?.irq}%, softirq ${shares?.softirq}%): something makes it work hard (many cgroups or mounts to walk, du/find storms, a softirq flood)${topList ? `; busiest processes: ${topList}` : ''}`,
      evidence,
      facts,
    };
  }
  return {
    outcome: 'normal',
    summary: `no process uses ${p.processPercent}% of a CPU${top ? ` (busiest: ${describe(top)})` : ''}${kernel !== undefined ? ` and the kernel takes ${kernel}%` : ''}${lifetime}`,
    evidence,
    facts,
  };
}

export const cpuConsumers = defineHostCheck({
  id: 'host.cpu-consumers',
  title: 'what eats the CPU on the node (top; or pasted ps aux, ps -eo pcpu, pidstat)',
  why: 'A node can be starved by one of its own processes (a kubelet stuck at 100 %, an API server at 150 %) or by the kernel (system time from cgroup walks, du, softirq) rather than by the hypervisor: the cure is different, so the cause is named.',
  params,
  outcomes,
  healthy: ['normal'],
  facts: [
    'cpuConsumersSource',
    'topConsumers',
    'userPercent',
    'systemPercent',
    'kernelPercent',
    'idlePercent',
    'stealPercent',
    'cpuHog',
    'cpuHogPid',
    'cpuHogPercent',
    'cpuHogCommand',
    'cpuHogIsAgent',
    'cpuConsumerFinding',
  ],
  sets: { 'process-hog': ['cpuConsumerFinding', 'topConsumers'], 'system-time': ['cpuConsumerFinding'] },
  argv: cpuConsumersArgv,
  parse: parseCpuConsumers,
});
