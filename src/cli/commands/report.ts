import { writePrivateFile } from '../../base/privateFile.js';
import { resolveAsset } from '../../assets.js';
import { findCheck } from '../../checks/registry.js';
import { loadScenarioFile } from '../../drill/scenario.js';
import { loadRunbookFile } from '../../runbook/load.js';
import { InputError } from '../../base/source.js';
import { readTranscript } from '../../transcript/read.js';
import type { CheckedRawRef, TranscriptEvent } from '../../transcript/read.js';
import { loadExtraPatterns, redactText } from '../../base/redact.js';
import { renderJson } from '../../transcript/reportModel.js';
import { renderMarkdown } from '../../transcript/reportMarkdown.js';
import { renderHtml } from '../../transcript/reportHtml.js';
import { withDebrief } from '../../training/debrief.js';
import type { ReportOptions } from '../../transcript/reportModel.js';
import { UsageError } from '../usageError.js';
import { toYaml } from '../output.js';

export interface ReportCommandOptions {
  format: 'markdown' | 'json' | 'yaml' | 'html';
  out: string | undefined;
  fullOutput?: boolean;
}

/** `plumbline report <transcript>`: a postmortem on stdout or in `--out`; works on a transcript cut short. */
export async function reportCommand(file: string | undefined, opts: ReportCommandOptions): Promise<number> {
  if (!file) throw new UsageError('report takes a transcript file: plumbline report <transcript.jsonl>');
  const redact = loadExtraPatterns();
  const parsed = await readTranscript(file);
  if (parsed.events.length === 0) {
    const why = parsed.problems[0] ?? 'the file is empty';
    throw new InputError([{ file, line: 1, column: 1, message: `no transcript events (${why})` }]);
  }
  const start = parsed.events.find((e) => e.type === 'session.start');
  const options: ReportOptions = {
    truncated: parsed.truncated,
    problems: parsed.problems,
    redact,
    fullOutput: opts.fullOutput ?? false,
  };
  if (start) Object.assign(options, await runbookFor(start.runbook, start.runbookHash), await pageFor(start.scenario));
  if (opts.format === 'html')
    return emit(renderHtml(parsed.events, options), file, opts, parsed.problems, parsed.events, redact);
  const format = opts.format === 'markdown' ? 'markdown' : 'json';
  const walk = format === 'json' ? renderJson(parsed.events, options) : renderMarkdown(parsed.events, options);
  // A training drill ends with its debrief: the report carries it after the walk.
  const debrief = parsed.drill.findLast((e) => e.type === 'drill.debrief');
  const json = withDebrief(walk, format, debrief?.type === 'drill.debrief' ? debrief.debrief : undefined);
  // YAML is the same object as the JSON report.
  const report = opts.format === 'yaml' ? toYaml(JSON.parse(json)) : json;
  return emit(report, file, opts, parsed.problems, parsed.events, redact);
}

function emit(
  report: string,
  file: string,
  opts: ReportCommandOptions,
  problems: string[],
  events: readonly TranscriptEvent[],
  redact: readonly RegExp[],
): number {
  if (opts.out) {
    // Same mode as the transcript: a postmortem quotes the cluster's evidence.
    writePrivateFile(opts.out, report);
    process.stderr.write(`report: ${opts.out}\n`);
  } else {
    process.stdout.write(report);
  }
  // A problem quotes the bad line (JSON.parse does), which may be an edited-in secret.
  for (const p of problems) process.stderr.write(`${file}: ${redactText(p, redact)}\n`);
  for (const p of sidecarProblems(events)) process.stderr.write(`${file}: ${p}\n`);
  return 0;
}

/**
 * The bundled runbook with the transcript's id draws the whole tree; one that
 * is missing, does not load or has changed since the session only costs the
 * diagram its context, never the report.
 */
async function runbookFor(id: string, hash: string): Promise<Pick<ReportOptions, 'runbook' | 'runbookNote'>> {
  try {
    const loaded = await loadRunbookFile(resolveAsset('runbooks', id), findCheck);
    if (loaded.hash !== hash)
      return {
        runbookNote: `The runbook ${id} has changed since this session (sha256 ${hash.slice(0, 12)}, now ${loaded.hash.slice(0, 12)}), so only the path taken is drawn.`,
      };
    return { runbook: loaded.spec };
  } catch {
    return { runbookNote: `The runbook ${id} could not be loaded, so only the path taken is drawn.` };
  }
}

async function pageFor(scenario: string | null): Promise<Pick<ReportOptions, 'page'>> {
  if (!scenario) return {};
  try {
    const { scenario: s } = await loadScenarioFile(resolveAsset('scenarios', scenario));
    return { page: s.page };
  } catch {
    // A drill whose scenario is gone still has a report; only the page line is missing.
    return {};
  }
}

/** A step whose full output is gone or changed since the session: the report says so inline, and so does stderr. */
function sidecarProblems(events: readonly TranscriptEvent[]): string[] {
  const out: string[] = [];
  for (const e of events) {
    if (e.type !== 'check.result' || !e.raw || !('file' in e.raw)) continue;
    const found = (e.raw as CheckedRawRef).found;
    if (!found || found.state === 'ok') continue;
    const what =
      found.state === 'missing'
        ? 'is missing'
        : found.state === 'mismatch'
          ? `has changed since the session (sha256 ${found.sha256.slice(0, 12)}…, ${found.bytes} bytes)`
          : `cannot be read (${found.why})`;
    out.push(`step ${e.step}: full output ${e.raw.file} ${what}`);
  }
  return out;
}
