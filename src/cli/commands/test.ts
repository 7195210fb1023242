import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledNames } from '../../assets.js';
import type { CliArgs } from '../args.js';
import { sessionFor } from '../headless.js';
import { planDrill } from '../walk.js';
import { TranscriptWriter } from '../../transcript/writer.js';

/** Walks each scenario headless and compares the diagnosis with the one it expects; exit 1 on any mismatch. */
export async function testCommand(args: CliArgs): Promise<number> {
  const names = args.positionals.length > 0 ? args.positionals : bundledNames('scenarios');
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-test-'));
  const results: { name: string; ok: boolean; got: string; want: string; ms: number }[] = [];
  try {
    for (const name of names) {
      const started = performance.now();
      const plan = await planDrill({ ...args, positionals: [name], transcript: join(dir, `${results.length}.jsonl`) });
      const transcript = TranscriptWriter.open(plan.transcriptPath);
      const session = sessionFor(plan, { auto: true, answerDefaults: true });
      session.on((e) => transcript.write(e));
      try {
        session.start();
        const r = await session.done;
        const want = plan.scenario?.scenario.expect.diagnosis ?? null;
        const got = r.diagnosis?.id ?? null;
        results.push({ name, ok: got === want, got: got ?? `(${r.outcome ?? r.reason})`, want: want ?? '(no diagnosis)', ms: Math.round(performance.now() - started) });
      } finally {
        transcript.close();
        await plan.cleanup();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (args.output === 'json') process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else {
    for (const r of results) {
      process.stdout.write(`${r.ok ? 'PASS' : 'FAIL'}  ${r.name}  ${r.ok ? r.got : `got ${r.got}, want ${r.want}`}  (${r.ms} ms)\n`);
    }
    const failed = results.filter((r) => !r.ok).length;
    process.stdout.write(`${results.length - failed}/${results.length} scenarios reach their expected diagnosis\n`);
  }
  return results.every((r) => r.ok) ? 0 : 1;
}
