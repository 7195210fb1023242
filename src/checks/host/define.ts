import { z } from 'zod';
import { shellQuote } from '../../nodeaccess/quote.js';
import { NodeAccessError } from '../../nodeaccess/types.js';
import type { RunResult } from '../../nodeaccess/types.js';
import { defineCheck } from '../types.js';
import type { CheckDefinition, CheckResult } from '../types.js';

/** Every host check runs on one node. */
export const nodeParam = z.string().min(1, 'which node to run the command on');

export interface HostCheckSpec<P extends { node: string }, O extends string> extends Omit<
  CheckDefinition<P, O>,
  'layer' | 'command' | 'run'
> {
  /** The command, as an argv: never a string for a shell. */
  argv: (params: P) => string[];
  /** Output → outcome. Also reads output a user pasted in manual mode, so it goes by text, not by exit code alone. `now` dates times the output prints without a date (ps's STIME). */
  parse: (result: RunResult, params: P, now?: Date) => CheckResult<O>;
  timeoutMs?: number | ((params: P) => number);
  /** Run the command this many times, this far apart; parse sees the outputs one after another. */
  samples?: { count: number; intervalMs: (params: P) => number };
  /** A hang is itself the finding (D-Bus): parse sees timed-out results instead of an error. */
  parsesTimeouts?: boolean;
}

/** A host check keeps its command and parser reachable, for manual paste and for the drill's simulated hosts. */
export type HostCheck<P extends { node: string }, O extends string> = CheckDefinition<P, O> & {
  argv: (params: P) => string[];
  parse: (result: RunResult, params: P, now?: Date) => CheckResult<O>;
};

export const defaultHostTimeoutMs = 20_000;

export function defineHostCheck<P extends { node: string }, const O extends string>(
  spec: HostCheckSpec<P, O>,
): HostCheck<P, O> {
  const { argv, parse, timeoutMs, samples, parsesTimeouts, ...rest } = spec;
  const check = defineCheck<P, O>({
    ...rest,
    layer: 'host',
    command(p) {
      const line = shellQuote(argv(p));
      if (!samples || samples.count < 2) return line;
      const pause = `sleep ${trimNumber(samples.intervalMs(p) / 1000)}`;
      return Array.from({ length: samples.count }, () => line).join(`; ${pause}; `);
    },
    async run(ctx, p) {
      const cmd = argv(p);
      const limit = typeof timeoutMs === 'function' ? timeoutMs(p) : (timeoutMs ?? defaultHostTimeoutMs);
      const results: RunResult[] = [];
      for (let i = 0; i < (samples?.count ?? 1); i++) {
        if (i > 0) await sleep(samples?.intervalMs(p) ?? 0, ctx.signal);
        const count = samples?.count ?? 1;
        const sample = count > 1 ? { index: i + 1, count, intervalMs: samples?.intervalMs(p) ?? 0 } : undefined;
        const r = await ctx.nodes.run(p.node, cmd, {
          timeoutMs: limit,
          signal: ctx.signal,
          ...(sample ? { sample } : {}),
        });
        if (r.timedOut && !parsesTimeouts) {
          throw new NodeAccessError(
            'timeout',
            `${shellQuote(cmd)} did not finish on ${p.node} within ${trimNumber(limit / 1000)}s`,
          );
        }
        results.push(r);
      }
      return withAnsweredBy({ ...parse(joinResults(results), p, ctx.now()), raw: rawOutput(results) }, results);
    },
  });
  return Object.assign(check, { argv, parse });
}

/** Several runs of one command as one result: outputs in order, the first failing exit code (else the last), the summed time. */
function joinResults(rs: RunResult[]): RunResult {
  if (rs.length === 1 && rs[0]) return rs[0];
  return {
    stdout: rs.map((r) => r.stdout).join(''),
    stderr: rs.map((r) => r.stderr).join(''),
    exitCode: rs.find((r) => r.exitCode !== 0)?.exitCode ?? rs.at(-1)?.exitCode ?? null,
    durationMs: totalDuration(rs),
    timedOut: rs.some((r) => r.timedOut),
    truncated: rs.some((r) => r.truncated),
  };
}

/**
 * The output as the user would have seen it: stdout, then stderr under a
 * marker saying so, then how it ended when that is not plain success; each
 * sample of a sampled command under its own header.
 */
export function rawOutput(rs: readonly RunResult[]): string {
  return rs
    .map((r, i) => {
      const parts: string[] = [];
      if (rs.length > 1) parts.push(`--- sample ${i + 1} of ${rs.length} ---\n`);
      parts.push(withNewline(r.stdout));
      if (r.stderr) parts.push(`--- stderr ---\n${withNewline(r.stderr)}`);
      if (r.truncated) parts.push('--- output cut at the size limit ---\n');
      if (r.timedOut) parts.push('--- timed out ---\n');
      // null: killed, or pasted without a status; nothing more is known.
      else if (r.exitCode !== null && r.exitCode !== 0) parts.push(`--- exit status ${r.exitCode} ---\n`);
      return parts.join('');
    })
    .join('');
}

function withNewline(s: string): string {
  return s === '' || s.endsWith('\n') ? s : `${s}\n`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new NodeAccessError('cancelled', 'cancelled between samples'));
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new NodeAccessError('cancelled', 'cancelled between samples'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function trimNumber(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** The `error` outcome from a parser: could not tell, and why, as a fact runbooks and reports can read. */
export function hostError(
  summary: string,
  errorKind: string,
  evidence: CheckResult['evidence'] = [],
): CheckResult<never> {
  return { outcome: 'error', summary, evidence, facts: { errorKind } };
}

/**
 * Which machine ran the command, as the last piece of evidence, when the node
 * access can say (ssh, kubectl-debug, local): the evidence is that machine's,
 * which a name in an ssh config or a reused address could make another's.
 */
export function withAnsweredBy<R extends CheckResult<string>>(result: R, runs: readonly RunResult[]): R {
  const by = [...new Set(runs.map((r) => r.answeredBy).filter((b): b is string => b !== undefined))];
  if (by.length === 0) return result;
  return { ...result, evidence: [...result.evidence, { label: 'answered by', value: by.join(', ') }] };
}

/** The runs' summed time; null when any was not timed (pasted by a person). */
export function totalDuration(rs: readonly RunResult[]): number | null {
  let total = 0;
  for (const r of rs) {
    if (r.durationMs === null) return null;
    total += r.durationMs;
  }
  return total;
}

/** Both streams as the user would have seen them on a terminal. */
export function allOutput(r: RunResult): string {
  return `${r.stdout}${r.stdout && r.stderr && !r.stdout.endsWith('\n') ? '\n' : ''}${r.stderr}`;
}

/** The first non-empty line of the output, for evidence. */
export function firstLine(s: string): string {
  return (
    s
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}

/** Evidence lines stay short: a line of a log, not a screenful. */
export function clip(s: string, max = 240): string {
  const t = s.trim();
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}
