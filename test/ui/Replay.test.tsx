import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { parseTranscript } from '../../src/transcript/read.js';
import type { TranscriptEvent } from '../../src/transcript/read.js';
import { ReplaySession } from '../../src/transcript/replay.js';
import { App } from '../../src/ui/App.js';
import { runCli } from '../helpers/cli.js';
import { keys, renderUi, sendInputAndWaitForChange, waitForContent } from '../helpers/render.js';

const header = { runbookTitle: 'A pod will not start or keeps restarting', target: 'replay', mode: 'drill' as const, page: 'pod web-0 in namespace shop is not starting', kubeconfigPath: null, transcriptPath: 't.jsonl' };

describe('replaying a recorded session', () => {
  let dir: string;
  let events: TranscriptEvent[];
  beforeAll(async () => {
    // A real session of the default drill, recorded by the built CLI.
    dir = mkdtempSync(join(tmpdir(), 'plumbline-replay-'));
    const run = await runCli(['drill', '--non-interactive', '--output', 'json', '--transcript', join(dir, 't.jsonl')]);
    expect(run.exitCode).toBe(0);
    events = parseTranscript(readFileSync(join(dir, 't.jsonl'), 'utf8')).events;
  });

  it('step mode: the same screens as live, one step per Enter, to the diagnosis', async () => {
    const replay = new ReplaySession(events, { speed: 1, auto: false });
    const onExit = vi.fn();
    const ui = renderUi(<App session={replay} header={header} startedAt={new Date(events[0]?.t ?? 0)} onExit={onExit} />);
    let frame = await waitForContent(ui.lastFrame, 'Is the pod there');
    // Shown as it was before the check ran: the result comes with Enter.
    expect(frame).not.toContain('unscheduled');
    await sendInputAndWaitForChange(ui.stdin, ui.lastFrame, keys.enter);
    frame = await waitForContent(ui.lastFrame, 'unscheduled');
    expect(frame).toContain('Why will the scheduler not place it?');
    // Answers and notes do nothing in a replay: it only shows what happened.
    ui.stdin.write('1');
    for (let i = 0; i < 10 && !ui.lastFrame()?.includes('DIAGNOSIS'); i++) {
      ui.stdin.write(keys.enter);
      await new Promise((r) => setTimeout(r, 50));
    }
    frame = await waitForContent(ui.lastFrame, 'DIAGNOSIS unschedulable-node-selector');
    expect(frame).toContain('kubectl label node');
    ui.stdin.write('q');
    await vi.waitFor(() => expect(onExit).toHaveBeenCalled());
    ui.unmount();
  });

  it('timed mode plays on its own (fast), and a cut-short transcript ends saying so', async () => {
    const cut = events.filter((e) => e.type !== 'session.end' && e.type !== 'diagnosis').slice(0, 7);
    const replay = new ReplaySession(cut, { speed: 1000, auto: true });
    expect(replay.complete).toBe(false);
    const ui = renderUi(<App session={replay} header={header} startedAt={new Date(cut[0]?.t ?? 0)} onExit={() => undefined} />);
    const frame = await waitForContent(ui.lastFrame, 'cut short');
    expect(frame).toContain('unscheduled');
    ui.unmount();
  });

  it('without a terminal, plumbline replay prints the session as text, cut short or not', async () => {
    const full = await runCli(['replay', join(dir, 't.jsonl')]);
    expect(full.exitCode).toBe(0);
    expect(full.stdout).toContain('DIAGNOSIS [pod] unschedulable-node-selector');
    const lines = readFileSync(join(dir, 't.jsonl'), 'utf8').trimEnd().split('\n');
    writeFileSync(join(dir, 'cut.jsonl'), `${lines.slice(0, 5).join('\n')}\n${(lines[5] ?? '').slice(0, 20)}`);
    const cut = await runCli(['replay', join(dir, 'cut.jsonl')]);
    expect(cut.exitCode).toBe(0);
    expect(cut.stdout).toContain('the transcript ends here (the session was cut short)');
    expect(cut.stderr).toContain('cut short after');
    const bad = await runCli(['replay', join(dir, 'missing.jsonl')]);
    expect(bad.exitCode).toBe(2);
  });
});
