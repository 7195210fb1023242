import { connect } from 'node:net';
import { z } from 'zod';
import { NodeAccessError } from '../../nodeaccess/types.js';
import { quoteArg } from '../../nodeaccess/quote.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence } from '../types.js';

const outcomes = ['open', 'refused', 'timeout', 'unresolvable', 'unreachable'] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  host: z.string().min(1, 'the host name or address to connect to'),
  port: z.coerce.number().int().min(1).max(65535),
  timeoutMs: z.coerce.number().int().positive().max(60_000).default(5000),
});
type Params = z.infer<typeof params>;

/** What a failed connect's errno means for the path, in the words of the outcome. */
export function outcomeOfErrno(code: string | undefined): Exclude<Outcome, 'open'> {
  switch (code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_NODATA':
    case 'EAI_FAIL':
      return 'unresolvable';
    case 'ETIMEDOUT':
      return 'timeout';
    default:
      // EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL, ECONNRESET: a router or firewall answered no.
      return 'unreachable';
  }
}

const meaning: Record<Exclude<Outcome, 'open'>, string> = {
  refused: 'the host answered, but nothing listens on that port there (or a firewall REJECTs with a TCP reset)',
  timeout: 'no answer at all: a firewall DROPs the packets, or the host is down or unroutable',
  unresolvable: 'the name does not resolve here: DNS (or /etc/hosts) does not know it',
  unreachable: 'the network says the host cannot be reached (no route, or a firewall REJECTs with an ICMP error)',
};

interface Attempt {
  outcome: Outcome;
  errno?: string;
  message?: string;
  address?: string;
  ms: number;
}

function attempt(p: Params, signal: AbortSignal): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const socket = connect({ host: p.host, port: p.port });
    const done = (a: Attempt | Error) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      if (a instanceof Error) reject(a);
      else resolve(a);
    };
    const timer = setTimeout(
      () => done({ outcome: 'timeout', ms: elapsed(), address: socket.remoteAddress }),
      p.timeoutMs,
    );
    const onAbort = () => done(new NodeAccessError('cancelled', `cancelled while connecting to ${p.host}:${p.port}`));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => done({ outcome: 'open', ms: elapsed(), address: socket.remoteAddress }));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      done({ outcome: outcomeOfErrno(err.code), errno: err.code, message: err.message, ms: elapsed() }),
    );
  });
}

export function tcpConnectCommand(p: Params): string {
  return ['nc', '-vz', '-w', String(Math.max(1, Math.ceil(p.timeoutMs / 1000))), quoteArg(p.host), String(p.port)].join(
    ' ',
  );
}

/**
 * A TCP connect from plumbline's own machine: the network path as a client
 * sees it, hop by hop, in the direction of the traffic.
 */
export const tcpConnect = defineCheck({
  id: 'network.tcp-connect',
  layer: 'host',
  title: 'TCP connect to a host and port (from this machine)',
  why: 'Whether a TCP handshake completes, and how it fails, tells the broken hop apart: refused means the host is there but nothing listens; a timeout means packets vanish (a firewall DROP, a dead host); unresolvable is DNS.',
  params,
  outcomes,
  healthy: ['open'],
  facts: ['tcpResult', 'tcpErrno', 'tcpConnectMs', 'tcpRemoteAddress'],
  command: tcpConnectCommand,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const a = await attempt(p, ctx.signal);
    const target = `${p.host}:${p.port}`;
    const evidence: Evidence[] = [];
    if (a.address) evidence.push({ label: 'address', value: a.address });
    if (a.errno) evidence.push({ label: 'errno', value: `${a.errno}: ${a.message ?? ''}`.trim() });
    evidence.push({
      label: 'time',
      value: a.outcome === 'timeout' ? `no answer within ${p.timeoutMs} ms` : `${a.ms} ms`,
    });
    const facts = {
      tcpResult: a.outcome,
      tcpErrno: a.errno ?? '',
      tcpConnectMs: a.ms,
      tcpRemoteAddress: a.address ?? '',
    };
    if (a.outcome === 'open')
      return {
        outcome: 'open',
        summary: `connected to ${target}${a.address && a.address !== p.host ? ` (${a.address})` : ''} in ${a.ms} ms`,
        evidence,
        facts,
      };
    return {
      outcome: a.outcome,
      summary: `could not connect to ${target}${a.errno ? ` (${a.errno})` : ''}: ${meaning[a.outcome]}`,
      evidence,
      facts,
    };
  },
});
