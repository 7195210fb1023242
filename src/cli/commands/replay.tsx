import { render } from 'ink';
import { textLines } from '../../engine/textLog.js';
import { readTranscript } from '../../transcript/read.js';
import { ReplaySession } from '../../transcript/replay.js';
import { InputError } from '../../base/source.js';
import { loadExtraPatterns, redactEvent, redactText } from '../../base/redact.js';
import { App } from '../../ui/App.js';
import type { CliArgs } from '../args.js';
import { UsageError } from '../usageError.js';

/**
 * `plumbline replay <transcript>`: the session's screens again, from the
 * transcript alone (no cluster), timed at --speed or one step per Enter.
 * Without a terminal it prints the session as text.
 */
export async function replayCommand(
  file: string | undefined,
  args: Pick<CliArgs, 'speed' | 'step' | 'noColor' | 'nonInteractive'>,
): Promise<number> {
  if (!file) throw new UsageError('replay takes a transcript file: plumbline replay <transcript.jsonl>');
  const extra = loadExtraPatterns(process.env);
  const read = await readTranscript(file);
  // A transcript may have been edited, or written by a plumbline with fewer rules: it is redacted again, like a report.
  const parsed = {
    ...read,
    events: read.events.map((e) => redactEvent(e, extra)),
    problems: read.problems.map((p) => redactText(p, extra)),
  };
  if (parsed.events.length === 0)
    throw new InputError([
      { file, line: 1, column: 1, message: `no transcript events (${parsed.problems[0] ?? 'the file is empty'})` },
    ]);
  for (const p of parsed.problems) process.stderr.write(`${file}: ${p}\n`);
  const replay = new ReplaySession(parsed.events, { speed: args.speed, auto: !args.step });
  const start = parsed.events.find((e) => e.type === 'session.start');

  if (args.nonInteractive || !process.stdout.isTTY || !process.stdin.isTTY) {
    for (const e of parsed.events)
      process.stdout.write(
        textLines(e)
          .map((l) => `${l}\n`)
          .join(''),
      );
    if (!replay.complete) process.stdout.write('\nend: the transcript ends here (the session was cut short)\n');
    return 0;
  }
  const header = {
    runbookTitle: start?.runbookTitle ?? 'unknown runbook',
    target: `replay of ${start?.mode === 'drill' ? `drill ${start.scenario ?? ''}` : (start?.context ?? 'a session')}`,
    mode: start?.mode ?? 'live',
    page: start?.page ?? start?.symptom ?? '',
    kubeconfigPath: null,
    transcriptPath: file,
  };
  let exit!: () => void;
  const exited = new Promise<void>((resolve) => (exit = resolve));
  const startedAt = start ? new Date(start.t) : new Date();
  const app = render(
    <App session={replay} header={header} startedAt={startedAt} onExit={exit} color={!args.noColor} replay={replay} />,
    {
      exitOnCtrlC: false,
      // Only reached with a TTY on both ends; see walkInteractive.
      interactive: true,
    },
  );
  await exited;
  replay.stop();
  app.unmount();
  return 0;
}
