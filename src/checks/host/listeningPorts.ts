import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { allOutput, clip, defineHostCheck, firstLine, hostError, nodeParam } from './define.js';

const outcomes = ['listening', 'loopback-only', 'not-listening'] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  node: nodeParam,
  /** 10250 is the kubelet's API (logs, exec, metrics); 6443 the API server; 443/80 a front proxy. */
  port: z.coerce.number().int().min(1).max(65535).default(10250),
});
type Params = z.infer<typeof params>;

export function listeningPortsArgv(_p: Params): string[] {
  return ['ss', '-ltnp'];
}

export interface Listener {
  address: string;
  port: number;
  /** `nginx` from `users:(("nginx",pid=812,fd=6),...)`; absent when ss could not see the process (not root). */
  processes: { name: string; pid: number }[];
  line: string;
}

/** LISTEN rows of `ss -ltnp` (older iproute2 leaves the State column out with -l). */
export function parseSs(text: string): Listener[] {
  const out: Listener[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const m = /^(?:LISTEN\s+)?\d+\s+\d+\s+(\S+):(\d+)\s+\S+(?:\s+(.*))?$/.exec(line);
    if (!m) continue;
    const processes = [...(m[3] ?? '').matchAll(/\("([^"]*)",pid=(\d+)/g)].map((p) => ({
      name: p[1] ?? '',
      pid: Number(p[2]),
    }));
    out.push({ address: m[1] ?? '', port: Number(m[2]), processes, line: line.replace(/\s+/g, ' ') });
  }
  return out;
}

/** 127.0.0.0/8, ::1 and v4-mapped loopback, with or without an interface suffix (`127.0.0.53%lo`). */
export function isLoopback(address: string): boolean {
  const a = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  return /^127\./.test(a) || a === '::1' || /^::ffff:127\./i.test(a);
}

export function parseListeningPorts(r: RunResult, p: Params): CheckResult<Outcome> {
  const text = allOutput(r);
  if (!/Local Address:Port/.test(text)) {
    return hostError(`ss printed no socket table: ${clip(firstLine(text)) || 'no output'}`, 'bad-output');
  }
  const all = parseSs(text);
  const onPort = all.filter((l) => l.port === p.port);
  const evidence: Evidence[] = onPort.map((l) => ({ label: `${l.address}:${l.port}`, value: l.line }));
  const procs = [...new Map(onPort.flatMap((l) => l.processes).map((x) => [x.pid, x])).values()];
  const facts: Facts = { listeningAddresses: onPort.map((l) => `${l.address}:${l.port}`).join(',') };
  if (procs[0]) {
    facts.listeningProcess = procs.map((x) => x.name).join(',');
    facts.listeningPid = procs[0].pid;
  } else if (onPort.length > 0) {
    evidence.push({ label: 'process', value: 'not shown: ss names the process only when run as root' });
  }
  const who = procs.length > 0 ? ` by ${procs.map((x) => `${x.name} (pid ${x.pid})`).join(', ')}` : '';
  if (onPort.length === 0) {
    evidence.push({
      label: 'listening ports',
      value: clip([...new Set(all.map((l) => l.port))].sort((a, b) => a - b).join(', ') || 'none'),
    });
    return {
      outcome: 'not-listening',
      summary: `nothing listens on TCP port ${p.port} on this host: connections to it are refused`,
      evidence,
      facts,
    };
  }
  if (onPort.every((l) => isLoopback(l.address))) {
    return {
      outcome: 'loopback-only',
      summary: `port ${p.port} is open only on loopback (${onPort.map((l) => l.address).join(', ')})${who}: other machines cannot reach it`,
      evidence,
      facts,
    };
  }
  return {
    outcome: 'listening',
    summary: `TCP port ${p.port} is listening on ${onPort.map((l) => l.address).join(', ')}${who}`,
    evidence,
    facts,
  };
}

export const listeningPorts = defineHostCheck({
  id: 'host.listening-ports',
  title: 'is anything listening on the port (ss -ltnp)',
  why: 'A refused connection means nothing listens on that port, or it listens only on 127.0.0.1; ss shows the listening sockets and the process that owns each, so it tells "service down" from "firewall" from "wrong address".',
  params,
  outcomes,
  healthy: ['listening'],
  facts: ['listeningAddresses', 'listeningProcess', 'listeningPid'],
  sets: { listening: ['listeningAddresses'], 'loopback-only': ['listeningAddresses'] },
  argv: listeningPortsArgv,
  parse: parseListeningPorts,
});
