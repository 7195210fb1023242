import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { layers } from '../checks/types.js';
import type { RawOutputRef, SessionEvent } from '../engine/events.js';
import { FileReadError, InputError, rawLimit, readInputFile, readInputText, transcriptLimit } from '../base/source.js';
import { transcriptVersion } from './writer.js';
import { isDrillEventType } from '../training/events.js';
import type { DrillTranscriptEvent } from '../training/transcript.js';
import { drillEventSchemas } from '../training/transcript.js';

/** One line of a transcript: an engine event with its envelope. */
export type TranscriptEvent = SessionEvent & { v: typeof transcriptVersion; seq: number; t: string };

export interface ParsedTranscript {
  events: TranscriptEvent[];
  /** A training drill's own events (predictions, hints, picks, debrief), in order. */
  drill: DrillTranscriptEvent[];
  /** One line each, `line N: what is wrong`; the events around a bad line are kept. */
  problems: string[];
  /** The last line was cut mid-write (kill -9, a full disk): everything before it is intact. */
  truncated: boolean;
}

/**
 * What the reader found at a sidecar reference: the file as written, a file
 * changed since (its hash and size now), no file, or a reference it will not
 * follow (a path outside the transcript's sidecar directory), or one it cannot read.
 */
export type SidecarCheck =
  | { state: 'ok' }
  | { state: 'missing' }
  | { state: 'unreadable'; why: string }
  | { state: 'mismatch'; sha256: string; bytes: number }
  | { state: 'refused'; why: string };

/** A sidecar reference as readTranscript returns it: checked against the file when the transcript's path is known. */
export type CheckedRawRef = RawOutputRef & { found?: SidecarCheck };

const rawOutput = z.union([
  z.looseObject({ text: z.string() }),
  z.looseObject({
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    bytes: z.number().int().nonnegative(),
    file: z.string().min(1),
  }),
]);

const layer = z.enum(layers);
const stringRecord = z.record(z.string(), z.string());
const evidence = z.array(z.looseObject({ label: z.string(), value: z.string() }));

/**
 * The fields a reader relies on, per event type. Loose objects: a field added
 * by a newer plumbline is kept, not rejected; a missing or mistyped field is a problem.
 */
const eventSchemas: Record<SessionEvent['type'], z.ZodType> = {
  'session.start': z.looseObject({
    runbook: z.string(),
    runbookTitle: z.string(),
    runbookHash: z.string(),
    // Optional: transcripts written before session.start carried them have none.
    symptom: z.string().optional(),
    page: z.string().nullable().optional(),
    mode: z.enum(['live', 'drill']),
    scenario: z.string().nullable(),
    context: z.string(),
    server: z.string(),
    inputs: stringRecord,
  }),
  'step.enter': z.looseObject({
    step: z.string(),
    kind: z.enum(['check', 'ask', 'action', 'diagnosis']),
    title: z.string(),
    layer,
    phase: z.enum(['top-down', 'bottom-up']),
    why: z.string(),
    check: z.string().optional(),
    command: z.string().optional(),
  }),
  'check.start': z.looseObject({
    step: z.string(),
    check: z.string(),
    params: z.record(z.string(), z.unknown()),
    command: z.string(),
  }),
  'check.result': z.looseObject({
    step: z.string(),
    check: z.string(),
    outcome: z.string(),
    summary: z.string(),
    evidence,
    facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    durationMs: z.number(),
    timedOut: z.boolean(),
    // Optional: transcripts written before checks declared healthy outcomes have none.
    verdict: z.enum(['ok', 'finding', 'error']).optional(),
    // Checked on its own below: a damaged raw reference costs the reference, not the result.
    raw: z.unknown().optional(),
  }),
  ask: z.looseObject({
    step: z.string(),
    question: z.string(),
    choices: z.array(z.looseObject({ id: z.string(), label: z.string() })),
    default: z.string(),
  }),
  answer: z.looseObject({
    step: z.string(),
    choice: z.string(),
    label: z.string(),
    by: z.enum(['user', 'default', 'pasted', 'scenario']),
  }),
  'mode.change': z.looseObject({ auto: z.boolean() }),
  note: z.looseObject({ text: z.string(), step: z.string().nullable() }),
  'host.prompt': z.looseObject({ step: z.string(), node: z.string(), argv: z.array(z.string()), command: z.string() }),
  'host.reply': z.looseObject({
    step: z.string(),
    node: z.string(),
    by: z.enum(['pasted', 'declined']),
    output: z.string().optional(),
    exitCode: z.number().optional(),
  }),
  'input.prompt': z.looseObject({ step: z.string(), input: z.string(), description: z.string(), why: z.string() }),
  'input.reply': z.looseObject({
    step: z.string(),
    input: z.string(),
    by: z.enum(['pasted', 'declined']),
    value: z.string().optional(),
  }),
  'action.proposed': z.looseObject({
    step: z.string(),
    target: z.enum(['host', 'kube']),
    node: z.string().nullable(),
    argv: z.array(z.string()).nullable(),
    command: z.string(),
    allowed: z.boolean(),
    simulated: z.boolean(),
    verify: z.string().nullable(),
  }),
  'action.confirmed': z.looseObject({ step: z.string(), by: z.enum(['user', '--yes']) }),
  'action.declined': z.looseObject({
    step: z.string(),
    by: z.enum(['user', 'read-only', 'no-confirmation']),
    reason: z.string(),
    command: z.string(),
  }),
  'action.executed': z.looseObject({
    step: z.string(),
    ran: z.boolean(),
    ok: z.boolean(),
    exitCode: z.number().nullable().optional(),
    status: z.number().optional(),
    output: z.string(),
    durationMs: z.number(),
    error: z.string().optional(),
  }),
  'action.verified': z.looseObject({
    step: z.string(),
    verifyStep: z.string(),
    check: z.string(),
    command: z.string(),
    outcome: z.string(),
    summary: z.string(),
    evidence,
    verdict: z.enum(['ok', 'finding', 'error']),
    ok: z.boolean(),
    attempts: z.number(),
  }),
  diagnosis: z.looseObject({
    id: z.string(),
    title: z.string(),
    layer,
    why: z.string(),
    chain: z.array(z.string()),
    fix: z.array(z.string()),
    verify: z.array(z.string()),
  }),
  'session.end': z.looseObject({
    outcome: z.enum(['diagnosis', 'no-finding', 'incomplete', 'unrecognised-evidence']).nullable(),
    reason: z.enum(['finished', 'quit', 'interrupted', 'crashed']),
    error: z.string().optional(),
    anomalies: z.array(z.looseObject({ layer, source: z.string(), line: z.string(), severity: z.number() })).optional(),
    lookNext: z.array(z.string()).optional(),
    candidates: z
      .array(
        z.looseObject({
          id: z.string(),
          title: z.string(),
          layer,
          source: z.string(),
          evidence: z.array(z.looseObject({ source: z.string(), line: z.string() })),
        }),
      )
      .optional(),
    catalogError: z.string().optional(),
  }),
};

const envelope = z.looseObject({
  v: z.number(),
  seq: z.number().int().positive(),
  t: z.iso.datetime(),
  type: z.string(),
});

/**
 * Parses a JSONL transcript without ever throwing on its content: a postmortem
 * author needs whatever survived, with each damaged line named.
 */
export function parseTranscript(text: string): ParsedTranscript {
  const events: TranscriptEvent[] = [];
  const drill: DrillTranscriptEvent[] = [];
  const problems: string[] = [];
  let truncated = false;
  let lastSeq = 0;
  const lines = text.split('\n');
  // The writer ends every event with a newline, so a last line without one was cut mid-write.
  const unterminated = lines.length > 0 && lines.at(-1) !== '' ? lines.length : 0;
  if (lines.at(-1) === '') lines.pop();

  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (err) {
      if (n === unterminated) {
        truncated = true;
        problems.push(
          `line ${n}: cut short after ${Buffer.byteLength(line)} bytes (the session was killed mid-write); the events before it are complete`,
        );
      } else {
        problems.push(`line ${n}: not JSON (${err instanceof Error ? err.message : String(err)})`);
      }
      return;
    }
    const head = envelope.safeParse(json);
    if (!head.success) {
      problems.push(`line ${n}: not a transcript event (${describeIssues(head.error)})`);
      return;
    }
    const { v, seq, type } = head.data;
    if (v !== transcriptVersion) {
      problems.push(`line ${n}: transcript format v${v}; this plumbline reads v${transcriptVersion}`);
      return;
    }
    if (isDrillEventType(type)) {
      const parsedDrill = drillEventSchemas[type].safeParse(json);
      if (!parsedDrill.success) problems.push(`line ${n}: ${type} event ${describeIssues(parsedDrill.error)}`);
      else {
        if (seq <= lastSeq)
          problems.push(
            `line ${n}: seq ${seq} does not follow seq ${lastSeq} (lines reordered or two sessions in one file)`,
          );
        lastSeq = Math.max(lastSeq, seq);
        drill.push(json as DrillTranscriptEvent);
      }
      return;
    }
    const schema = eventSchemas[type as SessionEvent['type']] as z.ZodType | undefined;
    if (!schema) {
      problems.push(`line ${n}: unknown event type "${type}", skipped`);
      return;
    }
    const body = schema.safeParse(json);
    if (!body.success) {
      problems.push(`line ${n}: ${type} event ${describeIssues(body.error)}`);
      return;
    }
    if (seq <= lastSeq)
      problems.push(
        `line ${n}: seq ${seq} does not follow seq ${lastSeq} (lines reordered or two sessions in one file)`,
      );
    lastSeq = Math.max(lastSeq, seq);
    const event = json as TranscriptEvent & { raw?: unknown };
    if (type === 'check.result' && event.raw !== undefined && !rawOutput.safeParse(event.raw).success) {
      problems.push(
        `line ${n}: check.result raw is neither {text} nor {sha256, bytes, file}; the full output is left out`,
      );
      delete event.raw;
    }
    events.push(event);
  });
  return { events, drill, problems, truncated };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/** Reads and parses a transcript file; a file that cannot be read is bad input, located like the loader's. */
export async function readTranscript(path: string): Promise<ParsedTranscript> {
  let text: string;
  try {
    text = readInputText(path, transcriptLimit);
  } catch (err) {
    if (!(err instanceof FileReadError)) throw err;
    throw new InputError([{ file: path, line: 1, column: 1, message: err.why }]);
  }
  const parsed = parseTranscript(text);
  await checkSidecars(parsed.events, path);
  return parsed;
}

/** The only shape of reference the writer makes: `<name>.raw/<sha256>.txt`, beside the transcript. */
const sidecarFile = /^[^/\\]+\.raw\/([0-9a-f]{64})\.txt$/;

/**
 * Sets `found` on every sidecar reference: a postmortem must say when the
 * full output is gone or was changed after the session, never crash on it.
 */
export async function checkSidecars(events: readonly TranscriptEvent[], transcriptPath: string): Promise<void> {
  const seen = new Map<string, Promise<SidecarCheck>>();
  for (const e of events) {
    if (e.type !== 'check.result' || !e.raw || !('file' in e.raw)) continue;
    const ref = e.raw as CheckedRawRef;
    let check = seen.get(`${ref.file} ${ref.sha256}`);
    if (!check) {
      check = checkSidecar(ref, dirname(transcriptPath));
      seen.set(`${ref.file} ${ref.sha256}`, check);
    }
    ref.found = await check;
  }
}

function checkSidecar(ref: RawOutputRef, dir: string): Promise<SidecarCheck> {
  return Promise.resolve(checkSidecarNow(ref, dir));
}

function checkSidecarNow(ref: RawOutputRef, dir: string): SidecarCheck {
  const named = sidecarFile.exec(ref.file);
  if (!named) return { state: 'refused', why: `${ref.file} is not a file in the transcript's .raw directory` };
  if (named[1] !== ref.sha256) return { state: 'refused', why: `${ref.file} is not named by its sha256 ${ref.sha256}` };
  let content: Buffer;
  try {
    content = readInputFile(join(dir, ref.file), rawLimit);
  } catch (err) {
    if (!(err instanceof FileReadError)) throw err;
    return err.code === 'ENOENT' ? { state: 'missing' } : { state: 'unreadable', why: err.code ?? err.why };
  }
  const sha256 = createHash('sha256').update(content).digest('hex');
  return sha256 === ref.sha256 && content.length === ref.bytes
    ? { state: 'ok' }
    : { state: 'mismatch', sha256, bytes: content.length };
}
