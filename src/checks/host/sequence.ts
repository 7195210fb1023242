import { shellQuote } from '../../nodeaccess/quote.js';
import { NodeAccessError } from '../../nodeaccess/types.js';
import type { RunResult } from '../../nodeaccess/types.js';
import { defineCheck } from '../types.js';
import type { CheckContext, CheckDefinition, CheckResult } from '../types.js';
import { allOutput, defaultHostTimeoutMs, totalDuration, withAnsweredBy } from './define.js';
import type { HostCheck } from './define.js';

export interface HostSequenceSpec<P extends { node: string }, O extends string> extends Omit<
  CheckDefinition<P, O>,
  'layer' | 'command' | 'run'
> {
  /** The main command: its output alone is enough for `parse` (a pasted output, a fixture, the drill's answer). */
  argv: (params: P) => string[];
  /** Every command the check runs, in order, the main one among them. A node that lacks one of them (or a user who declines it) just gives the parser less to read. */
  commands: (params: P) => string[][];
  /** Reads the outputs of all commands one after another, by their text: so it reads each command's output alone too. */
  parse: (result: RunResult, params: P, now?: Date) => CheckResult<O>;
  timeoutMs?: number;
}

/**
 * A host check that asks a node two things (a service's state and a rule
 * table, timedatectl and chronyc). It keeps the shape of a one-command host
 * check (argv + parse) so manual paste, fixtures and the drill read its main
 * command the same way.
 */
export function defineHostSequenceCheck<P extends { node: string }, const O extends string>(
  spec: HostSequenceSpec<P, O>,
): HostCheck<P, O> & { commands: (params: P) => string[][] } {
  const { argv, commands, parse, timeoutMs, ...rest } = spec;
  const check = defineCheck<P, O>({
    ...rest,
    layer: 'host',
    command: (p) =>
      commands(p)
        .map((c) => shellQuote(c))
        .join('; '),
    async run(ctx, p) {
      const results = await runEach(ctx, p.node, commands(p), timeoutMs ?? defaultHostTimeoutMs);
      return withAnsweredBy(parse(results, p, ctx.now()), [results]);
    },
  });
  return Object.assign(check, { argv, commands, parse: (r: RunResult, p: P) => parse(r, p) });
}

/** Runs the commands in order; the outputs joined as a terminal would show them, one after another. */
async function runEach(ctx: CheckContext, node: string, cmds: string[][], limit: number): Promise<RunResult> {
  const ran: RunResult[] = [];
  const skipped: NodeAccessError[] = [];
  for (const cmd of cmds) {
    try {
      const r = await ctx.nodes.run(node, cmd, { timeoutMs: limit, signal: ctx.signal });
      if (r.timedOut)
        throw new NodeAccessError(
          'timeout',
          `${shellQuote(cmd)} did not finish on ${node} within ${Math.round(limit / 100) / 10}s`,
        );
      ran.push(r);
    } catch (err) {
      if (
        err instanceof NodeAccessError &&
        (err.kind === 'command-missing' || err.kind === 'declined' || err.kind === 'not-collected')
      )
        skipped.push(err);
      else throw err;
    }
  }
  if (ran.length === 0 && skipped[0]) throw skipped[0];
  // What a node lacks shows as the shell would have said it, so the parser can name it.
  const text = [...ran.map(allOutput), ...skipped.filter((e) => e.kind === 'command-missing').map((e) => e.message)]
    .map((t) => (t === '' || t.endsWith('\n') ? t : `${t}\n`))
    .join('');
  return {
    stdout: text,
    stderr: '',
    exitCode: ran.find((r) => r.exitCode !== 0)?.exitCode ?? ran.at(-1)?.exitCode ?? null,
    durationMs: totalDuration(ran),
    ...(ran[0]?.answeredBy ? { answeredBy: ran[0].answeredBy } : {}),
    timedOut: false,
    truncated: ran.some((r) => r.truncated),
  };
}

/** A command a steps check ran, and what it printed (undefined: the node lacks it, or nobody collected it). */
export interface RanStep {
  argv: string[];
  result?: RunResult;
}

export interface HostStepsSpec<P extends { node: string }, O extends string> extends Omit<
  CheckDefinition<P, O>,
  'layer' | 'command' | 'run'
> {
  /** The first command: its output alone is enough for `parse` (a pasted output, a fixture, the drill's answer). */
  argv: (params: P) => string[];
  /** What the check runs, as one line for people (the later commands depend on the earlier outputs). */
  describe: (params: P) => string;
  /** The next command given what ran so far, or undefined to stop: a second command chosen from the first's output. */
  next: (params: P, ran: readonly RanStep[]) => string[] | undefined;
  /** Reads the outputs of all commands one after another, by their text: so it reads the first command's output alone too. */
  parse: (result: RunResult, params: P, now?: Date) => CheckResult<O>;
  timeoutMs?: number;
}

/**
 * A host check whose second command depends on what the first printed (the
 * kernel log from dmesg when journald keeps none; the journals of the units
 * systemd lists). Keeps the one-command shape (argv + parse) for manual paste,
 * fixtures and the drill, and hands back what it read as `raw`, so every line
 * is a signal for the signature catalog.
 */
export function defineHostStepsCheck<P extends { node: string }, const O extends string>(
  spec: HostStepsSpec<P, O>,
): HostCheck<P, O> {
  const { argv, describe, next, parse, timeoutMs, ...rest } = spec;
  const limit = timeoutMs ?? defaultHostTimeoutMs;
  const check = defineCheck<P, O>({
    ...rest,
    layer: 'host',
    command: describe,
    async run(ctx, p) {
      const ran: RanStep[] = [];
      const skipped: NodeAccessError[] = [];
      // At most a few commands: `next` is the check's own, but a loop must not be possible.
      for (let cmd: string[] | undefined = argv(p); cmd && ran.length < 5; cmd = next(p, ran)) {
        try {
          const r = await ctx.nodes.run(p.node, cmd, { timeoutMs: limit, signal: ctx.signal });
          if (r.timedOut)
            throw new NodeAccessError(
              'timeout',
              `${shellQuote(cmd)} did not finish on ${p.node} within ${Math.round(limit / 100) / 10}s`,
            );
          ran.push({ argv: cmd, result: r });
        } catch (err) {
          if (!(err instanceof NodeAccessError) || !['command-missing', 'declined', 'not-collected'].includes(err.kind))
            throw err;
          skipped.push(err);
          ran.push({ argv: cmd });
        }
      }
      const results = ran.flatMap((s) => (s.result ? [s.result] : []));
      if (results.length === 0 && skipped[0]) throw skipped[0];
      const text = [
        ...results.map(allOutput),
        ...skipped.filter((e) => e.kind === 'command-missing').map((e) => e.message),
      ]
        .map((t) => (t === '' || t.endsWith('\n') ? t : `${t}\n`))
        .join('');
      const joined: RunResult = {
        stdout: text,
        stderr: '',
        exitCode: results.find((r) => r.exitCode !== 0)?.exitCode ?? results.at(-1)?.exitCode ?? null,
        durationMs: totalDuration(results),
        ...(results[0]?.answeredBy ? { answeredBy: results[0].answeredBy } : {}),
        timedOut: false,
        truncated: results.some((r) => r.truncated),
      };
      return withAnsweredBy({ ...parse(joined, p, ctx.now()), raw: text }, [joined]);
    },
  });
  return Object.assign(check, { argv, parse });
}
