import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/base/source.js';
import { parseTranscript, readTranscript } from '../../src/transcript/read.js';

const fixture = readFileSync(new URL('fixtures/pod-pending-node-selector.jsonl', import.meta.url), 'utf8');
const lines = fixture.trimEnd().split('\n');

/** The fixture with line `n` (1-based) replaced. */
function withLine(n: number, replacement: string): string {
  return `${lines.map((l, i) => (i === n - 1 ? replacement : l)).join('\n')}\n`;
}

describe('parseTranscript', () => {
  it('reads a complete transcript with no problems', () => {
    const t = parseTranscript(fixture);
    expect(t.problems).toEqual([]);
    expect(t.truncated).toBe(false);
    expect(t.events.map((e) => e.type)).toEqual([
      'session.start',
      'step.enter',
      'check.start',
      'check.result',
      'step.enter',
      'mode.change',
      'check.start',
      'check.result',
      'step.enter',
      'diagnosis',
      'session.end',
    ]);
    expect(t.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('keeps everything before a last line cut mid-write (kill -9)', () => {
    const last = lines.at(-1) ?? '';
    const cut = `${lines.slice(0, -1).join('\n')}\n${last.slice(0, 30)}`;
    const t = parseTranscript(cut);
    expect(t.truncated).toBe(true);
    expect(t.events).toHaveLength(lines.length - 1);
    expect(t.problems).toEqual([
      `line ${lines.length}: cut short after 30 bytes (the session was killed mid-write); the events before it are complete`,
    ]);
  });

  it('keeps a complete last line that only lacks its newline', () => {
    const t = parseTranscript(fixture.trimEnd());
    expect(t.truncated).toBe(false);
    expect(t.events).toHaveLength(lines.length);
    expect(t.problems).toEqual([]);
  });

  it.each([
    ['not JSON', withLine(4, '{"v":1,"seq":4,'), /^line 4: not JSON \(/],
    [
      'another format version',
      withLine(4, '{"v":2,"seq":4,"t":"2026-11-19T09:14:09.466Z","type":"check.result"}'),
      /^line 4: transcript format v2; this plumbline reads v1$/,
    ],
    [
      'an unknown event type',
      withLine(6, '{"v":1,"seq":6,"t":"2026-11-19T09:14:31.880Z","type":"page.ack","by":"storage team"}'),
      /^line 6: unknown event type "page.ack", skipped$/,
    ],
    [
      'a missing field',
      withLine(11, '{"v":1,"seq":11,"t":"2026-11-19T09:14:31.919Z","type":"session.end","outcome":"diagnosis"}'),
      /^line 11: session\.end event reason: /,
    ],
    ['no envelope', withLine(2, '{"type":"step.enter"}'), /^line 2: not a transcript event \(/],
  ])('reports %s in the middle with its line number and keeps the rest', (_name, text, problem) => {
    const t = parseTranscript(text);
    expect(t.truncated).toBe(false);
    expect(t.problems).toEqual([expect.stringMatching(problem)]);
    expect(t.events).toHaveLength(lines.length - 1);
  });

  it('reports a seq that does not increase but keeps the event', () => {
    const t = parseTranscript(withLine(5, (lines[4] ?? '').replace('"seq":5', '"seq":3')));
    expect(t.problems).toEqual(['line 5: seq 3 does not follow seq 4 (lines reordered or two sessions in one file)']);
    expect(t.events).toHaveLength(lines.length);
  });

  it('reads an empty file as no events', () => {
    expect(parseTranscript('')).toEqual({ events: [], drill: [], problems: [], truncated: false });
  });

  it('accepts a check.result without a verdict (written before verdicts existed)', () => {
    const t = parseTranscript(withLine(4, (lines[3] ?? '').replace(',"verdict":"finding"', '')));
    expect(t.problems).toEqual([]);
  });
});

describe('readTranscript', () => {
  it('reads a file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'plumbline-read-'));
    const file = join(dir, 't.jsonl');
    await writeFile(file, fixture);
    expect((await readTranscript(file)).events).toHaveLength(lines.length);
  });

  it('names a missing file as file:1:1', async () => {
    const err = await readTranscript('/nonexistent/t.jsonl').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toBe('/nonexistent/t.jsonl:1:1: no such file');
  });
});
