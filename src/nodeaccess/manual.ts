import { capOutput, missingCommandMessage } from './process.js';
import { shellQuote } from './quote.js';
import { NodeAccessError } from './types.js';
import type { NodeAccess, SampleInfo } from './types.js';

export interface ManualRequest {
  node: string;
  argv: readonly string[];
  /** The copyable command line, shell-quoted so it runs exactly argv when pasted into a shell. */
  command: string;
  /** Aborted when the walk is cancelled: close the prompt. */
  signal: AbortSignal;
  /** Set when the check compares several runs: which one this is, and how long to wait after the previous. */
  sample?: SampleInfo;
}

/** "Run this on worker-2 and paste its output here:", saying which sample and how long to wait when there are several. */
export function manualAsk(request: Pick<ManualRequest, 'node' | 'sample'>, after = 'paste its output here'): string {
  const s = request.sample;
  if (!s) return `Run this on ${request.node} and ${after}:`;
  const wait =
    s.index > 1 ? ` (wait at least ${seconds(s.intervalMs)} after the ${s.index === 2 ? 'first' : 'previous'})` : '';
  return `Sample ${s.index} of ${s.count}${wait}: run this on ${request.node} and ${after}:`;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** What the user gave back: the command's output (stdout and stderr as they saw them), or a refusal. */
export type ManualAnswer = { output: string; exitCode?: number } | { declined: true };

export type ManualPrompt = (request: ManualRequest) => Promise<ManualAnswer>;

export interface ManualAccessOptions {
  prompt?: ManualPrompt;
  maxOutputBytes?: number;
}

/**
 * `--node-access manual`: the user runs the command on the node and pastes the
 * output, which comes back as stdout so the check's parser reads it exactly as
 * if it had run the command itself. A human is not timed out; cancellation is honoured.
 */
export function createManualAccess(options: ManualAccessOptions = {}): NodeAccess {
  return {
    kind: 'manual',
    async run(node, argv, opts) {
      const prompt = options.prompt;
      if (!prompt) {
        throw new NodeAccessError(
          'not-possible',
          'manual node access needs a terminal to show the command and take its output, and there is none here; run plumbline in a terminal, or use --node-access ssh, kubectl-debug or local',
        );
      }
      if (opts.signal.aborted) throw new NodeAccessError('cancelled', 'cancelled before the command was shown');
      const answer = await untilAborted(
        prompt({
          node,
          argv,
          command: shellQuote(argv),
          signal: opts.signal,
          ...(opts.sample ? { sample: opts.sample } : {}),
        }),
        opts.signal,
      );
      if ('declined' in answer)
        throw new NodeAccessError('declined', `the person at the terminal chose not to run it on ${node}`);
      const { text, truncated } = capOutput(answer.output.replace(/\r\n?/g, '\n'), options.maxOutputBytes);
      const result = {
        stdout: text,
        stderr: '',
        // Unknown unless the user said: parsers read the text, not the exit code.
        exitCode: answer.exitCode ?? null,
        // The person's time (running, copying, pasting) is not the command's: the session records it as waitedMs.
        durationMs: null,
        timedOut: false,
        truncated,
      };
      const missing = missingCommandMessage(argv, result);
      if (missing !== undefined) throw new NodeAccessError('command-missing', `on ${node}: ${missing}`);
      return result;
    },
  };
}

function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new NodeAccessError('cancelled', 'cancelled while waiting for the pasted output'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
