import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCheck } from '../../src/checks/registry.js';
import { loadRunbookFile } from '../../src/runbook/load.js';
import type { RunbookSpec } from '../../src/runbook/schema.js';
import { instructorModel, instructorText, TranscriptTail } from '../../src/training/instructor.js';
import { repoRoot } from '../helpers/cli.js';

const scenario = {
  id: 'pod-pending-node-selector',
  expect: { diagnosis: 'unschedulable-node-selector' },
  inputs: { namespace: 'shop', pod: 'web-0' },
};
const line = (seq: number, e: Record<string, unknown>) =>
  `${JSON.stringify({ v: 1, seq, t: '2026-11-25T10:00:00.000Z', ...e })}\n`;

describe('the instructor view', () => {
  let dir: string;
  let spec: RunbookSpec;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plumbline-instructor-'));
    spec = (await loadRunbookFile(join(repoRoot, 'runbooks/workload-down.yaml'), findCheck)).spec;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('follows a transcript as it grows, a half-written line only once it ends', () => {
    const path = join(dir, 't.jsonl');
    const tail = new TranscriptTail(path);
    expect(tail.read()).toEqual([]);
    writeFileSync(path, line(1, { type: 'session.start', scenario: scenario.id }));
    let events = tail.read();
    let text = instructorText(instructorModel(spec, scenario, events), path);
    expect(text[1]).toMatch(/^answer: No node matches the pod's node selector .*\(unschedulable-node-selector\)$/);
    expect(text).toContain('shortest path: pod-status → pod-scheduling');

    appendFileSync(
      path,
      line(2, {
        type: 'drill.prediction',
        step: 'pod-status',
        check: 'pod.status',
        layer: 'pod',
        predicted: 'running',
      }),
    );
    const half = line(3, { type: 'check.result', step: 'pod-status', outcome: 'unscheduled' });
    appendFileSync(path, half.slice(0, 20));
    events = [...events, ...tail.read()];
    text = instructorText(instructorModel(spec, scenario, events), path);
    expect(text).toContain('    pod-status → running… (predicted running)');

    appendFileSync(
      path,
      half.slice(20) +
        line(4, { type: 'drill.hint', index: 1, text: 'x' }) +
        line(5, { type: 'session.end' }) +
        line(6, { type: 'drill.pick', diagnosis: 'unschedulable-taint', correct: false }),
    );
    events = [...events, ...tail.read()];
    text = instructorText(instructorModel(spec, scenario, events), path);
    expect(text).toContain('  ✗ pod-status → unscheduled (predicted running)');
    expect(text).toContain('hints taken: 1');
    expect(text).toContain('  picked unschedulable-taint: wrong');
    expect(text).toContain('the walk is over; the trainee is naming the root cause');
  });
});
