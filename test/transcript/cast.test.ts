import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { castPathFor, CastWriter } from '../../src/transcript/cast.js';
import { runCli } from '../helpers/cli.js';

/** Checks one file against asciicast v2: header object, then [time, code, data] events in time order. */
function parseCast(text: string): { header: Record<string, unknown>; events: [number, string, string][] } {
  const [first = '', ...rest] = text.trimEnd().split('\n');
  const header = JSON.parse(first) as Record<string, unknown>;
  expect(header.version).toBe(2);
  expect(Number.isInteger(header.width) && (header.width as number) > 0).toBe(true);
  expect(Number.isInteger(header.height) && (header.height as number) > 0).toBe(true);
  expect(Number.isInteger(header.timestamp)).toBe(true);
  let last = 0;
  const events = rest.map((line) => {
    const e = JSON.parse(line) as unknown;
    expect(Array.isArray(e) && e.length === 3).toBe(true);
    const [t, code, data] = e as [number, string, string];
    expect(typeof t).toBe('number');
    expect(t).toBeGreaterThanOrEqual(last);
    last = t;
    expect(['o', 'i', 'm', 'r']).toContain(code);
    expect(typeof data).toBe('string');
    return [t, code, data] as [number, string, string];
  });
  return { header, events };
}

describe('the screen recording beside each transcript (asciicast v2)', () => {
  it('is written for a headless drill: every line valid, a marker per step, what was printed, mode 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-cast-'));
    const transcript = join(dir, 'walk.jsonl');
    const run = await runCli(['drill', '--non-interactive', '--output', 'text', '--transcript', transcript]);
    expect(run.exitCode).toBe(0);
    const path = castPathFor(transcript);
    expect(path).toBe(join(dir, 'walk.cast'));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const { header, events } = parseCast(readFileSync(path, 'utf8'));
    expect(header.title).toMatch(/^plumbline: /);
    const markers = events.filter((e) => e[1] === 'm').map((e) => e[2]);
    const steps = readFileSync(transcript, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; step?: string })
      .filter((e) => e.type === 'step.enter')
      .map((e) => e.step);
    expect(markers.filter((m) => !m.startsWith('diagnosis:')).map((m) => m.split(':')[0])).toEqual(steps);
    expect(markers.at(-1)).toBe('diagnosis: unschedulable-node-selector');
    const drawn = events
      .filter((e) => e[1] === 'o')
      .map((e) => e[2])
      .join('');
    expect(drawn.replace(/\r\n/g, '\n')).toBe(run.stdout);
  });

  it('keeps a playable prefix when the writer is never closed (kill -9)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-cast-'));
    let now = 1_000;
    const cast = CastWriter.open(
      join(dir, 'x.cast'),
      { width: 80, height: 24, title: 't', startedAt: new Date(now) },
      () => now,
    );
    cast.output('line one\n');
    now += 1_500;
    cast.marker('pod-status: Is the pod running?');
    // No close: the file must already hold every event.
    const { events } = parseCast(readFileSync(join(dir, 'x.cast'), 'utf8'));
    expect(events).toEqual([
      [0, 'o', 'line one\r\n'],
      [1.5, 'm', 'pod-status: Is the pod running?'],
    ]);
  });
});
