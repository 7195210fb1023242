import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { useEffect, useState } from 'react';
import type React from 'react';
import { render, useApp, useInput } from 'ink';
import { resolveAsset } from '../assets.js';
import { loadScenarioFile } from '../drill/scenario.js';
import type { RunbookSpec } from '../runbook/schema.js';
import type { FollowedEvent, InstructedScenario } from '../training/instructor.js';
import { instructorModel, instructorText, TranscriptTail } from '../training/instructor.js';
import { defaultTranscriptDir } from '../transcript/writer.js';
import { ThemeProvider } from '../ui/ThemeProvider.js';
import { InstructorView } from '../ui/drill/InstructorView.js';
import type { CliArgs } from './args.js';
import { UsageError } from './usageError.js';
import { loadRunbook } from './walk.js';

/** `plumbline drill <scenario> --instructor [--transcript FILE]`: the answer and the trainee's progress, read live from their transcript. */
export async function instructorCommand(args: CliArgs, scenarioArg: string | undefined): Promise<number> {
  if (!scenarioArg)
    throw new UsageError('--instructor needs the scenario the trainee runs: plumbline drill <scenario> --instructor');
  const { scenario } = await loadScenarioFile(resolveAsset('scenarios', scenarioArg));
  const runbook = await loadRunbook(scenario.runbook);
  const transcript = args.transcript ?? newestTranscriptFor(scenario.id);
  if (!transcript)
    throw new UsageError(
      `no transcript of ${scenario.id} yet in ${defaultTranscriptDir()}; pass the trainee's --transcript FILE`,
    );
  const tail = new TranscriptTail(transcript);
  const interactive = !args.nonInteractive && process.stdout.isTTY && process.stdin.isTTY;
  if (!interactive) {
    const events = tail.read();
    process.stdout.write(`${instructorText(instructorModel(runbook.spec, scenario, events), transcript).join('\n')}\n`);
    return 0;
  }
  const app = render(
    <ThemeProvider color={!args.noColor}>
      <Follow spec={runbook.spec} scenario={scenario} tail={tail} />
    </ThemeProvider>,
    { exitOnCtrlC: true, interactive: true },
  );
  await app.waitUntilExit();
  return 0;
}

/** Polls the transcript: the trainee's terminal appends to it, flushed per event. */
function Follow({
  spec,
  scenario,
  tail,
}: {
  spec: RunbookSpec;
  scenario: InstructedScenario;
  tail: TranscriptTail;
}): React.JSX.Element {
  const [events, setEvents] = useState<FollowedEvent[]>(() => tail.read());
  const { exit } = useApp();
  useInput((input) => {
    if (input === 'q') exit();
  });
  useEffect(() => {
    const timer = setInterval(() => {
      const more = tail.read();
      if (more.length > 0) setEvents((e) => [...e, ...more]);
    }, 500);
    return () => clearInterval(timer);
  }, [tail]);
  return <InstructorView model={instructorModel(spec, scenario, events)} transcript={tail.path} />;
}

/** The most recently written transcript whose session is a drill of this scenario. */
function newestTranscriptFor(scenario: string): string | undefined {
  const dir = defaultTranscriptDir();
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  } catch {
    return undefined;
  }
  const byAge = files.map((f) => join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return byAge.find((f) => {
    const first = readFileSync(f, 'utf8').split('\n', 1)[0] ?? '';
    try {
      return (JSON.parse(first) as { scenario?: unknown }).scenario === scenario;
    } catch {
      return false;
    }
  });
}
