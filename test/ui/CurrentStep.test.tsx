import { describe, expect, it } from 'vitest';
import { CurrentStep } from '../../src/ui/CurrentStep.js';
import type { StepView } from '../../src/ui/walkReducer.js';
import { renderUi } from '../helpers/render.js';
import { stepView } from './fixtures.js';

const show = (step: StepView, opts: { expanded?: boolean; awaitingContinue?: boolean } = {}) =>
  renderUi(
    <CurrentStep
      step={step}
      expanded={opts.expanded ?? false}
      awaitingContinue={opts.awaitingContinue ?? false}
      width={80}
    />,
  );

const done = stepView({
  status: 'done',
  command: 'kubectl get pod web-0 -n shop -o wide',
  result: {
    outcome: 'unscheduled',
    summary: 'pod web-0 is Pending: no node was assigned',
    evidence: [
      { label: 'phase', value: 'Pending' },
      {
        label: 'PodScheduled',
        value:
          "False Unschedulable: 0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) didn't match Pod's node affinity/selector.",
      },
      { label: 'owner', value: 'StatefulSet/web' },
      { label: 'container web', value: 'waiting' },
      { label: 'ready', value: '0/1' },
      { label: 'qos', value: 'Burstable' },
    ],
    durationMs: 14,
    timedOut: false,
    verdict: 'finding',
  },
});

describe('CurrentStep', () => {
  it('waiting in step mode: why, and how to run it', () => {
    expect(show(stepView(), { awaitingContinue: true }).frame()).toMatchInlineSnapshot(`
      "○ pod Is the pod there, and what state is each container in?
        Start where the symptom is. The pod's phase and container states tell which
        stage failed.
        Press ⏎ to run this check."
    `);
  });

  it('running: the command behind it and a spinner', () => {
    const frame = show(stepView({ status: 'running', command: 'kubectl get pod web-0 -n shop -o wide' })).frame();
    expect(frame).toMatch(/^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] pod Is the pod there/);
    expect(frame).toContain('$ kubectl get pod web-0 -n shop -o wide');
    expect(frame).toContain('running…');
  });

  it('done: outcome, summary and evidence, wrapped and capped at six lines', () => {
    expect(show(done).frame()).toMatchInlineSnapshot(`
      "✗ pod Is the pod there, and what state is each container in?
        $ kubectl get pod web-0 -n shop -o wide
        → unscheduled: pod web-0 is Pending: no node was assigned (14 ms)
          phase: Pending
          PodScheduled: False Unschedulable: 0/4 nodes are available: 1 node(s) had
          untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s)
          didn't match Pod's node affinity/selector.
          owner: StatefulSet/web
          container web: waiting
          … 2 more lines (e to read all)"
    `);
  });

  it('done: a summary that wraps hangs under its first word, not under the arrow', () => {
    const frame = show(
      stepView({
        status: 'done',
        result: {
          outcome: 'probe-timeout',
          summary:
            "CoreDNS is Ready (1/1); only the loop plugin's start-up probe (HINFO) to 213.186.33.99 timed out (6x): either that upstream cannot be reached from the pods at all, or it ignores HINFO queries",
          evidence: [],
          durationMs: 228,
          timedOut: false,
          verdict: 'finding',
        },
      }),
    ).frame();
    const lines = frame.split('\n');
    const first = lines.findIndex((l) => l.startsWith('  → probe-timeout: CoreDNS is Ready'));
    expect(first).toBeGreaterThan(0);
    // The outcome's text starts in column 4; each wrapped line starts there too.
    expect(lines[first + 1]).toMatch(/^ {4}\S/);
    expect(lines[first + 2]).toMatch(/^ {4}\S/);
  });

  it('done and expanded: all the evidence', () => {
    const frame = show(done, { expanded: true }).frame();
    expect(frame).toContain('qos: Burstable');
    expect(frame).not.toContain('more line');
  });

  it('an error says how long it waited when it timed out', () => {
    const frame = show(
      stepView({
        status: 'done',
        result: {
          outcome: 'error',
          summary: 'timeout: the API did not answer',
          evidence: [],
          durationMs: 15_000,
          timedOut: true,
          verdict: 'error',
        },
      }),
    ).frame();
    expect(frame).toContain('! pod Is the pod there');
    expect(frame).toContain('→ error: timeout: the API did not answer (timed out after 15.0 s)');
  });

  it('asking: the question and numbered choices', () => {
    const asking = stepView({
      step: 'ask-api-error',
      kind: 'ask',
      title: 'The API server did not answer the question',
      why: 'Every later step reads the API too.',
      status: 'asking',
      question: {
        text: 'plumbline could not read pod web-0. Try again, or stop here?',
        choices: [
          { id: 'retry', label: 'Try again' },
          { id: 'stop', label: 'Stop (the transcript keeps what was seen)' },
        ],
        default: 'stop',
      },
    });
    expect(show(asking).frame()).toMatchInlineSnapshot(`
      "? pod The API server did not answer the question
        Every later step reads the API too.
        plumbline could not read pod web-0. Try again, or stop here?
          1. Try again
          2. Stop (the transcript keeps what was seen) (default)"
    `);
  });

  it('answered: the answer given', () => {
    const frame = show(
      stepView({ kind: 'ask', status: 'answered', answer: { choice: 'retry', label: 'Try again', by: 'user' } }),
    ).frame();
    expect(frame).toContain('✓ pod Is the pod there');
    expect(frame).toContain('→ Try again');
  });

  it('keeps every line within 80 columns', () => {
    const lines = show(done, { expanded: true }).frame().split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
  });
});
