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

const header = {
  runbookTitle: 'A pod will not start or keeps restarting',
  target: 'replay',
  mode: 'drill' as const,
  page: 'pod web-0 in namespace shop is not starting',
  kubeconfigPath: null,
  transcriptPath: 't.jsonl',
};

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

  it('paused: → shows one step more, ← one back, to the diagnosis; its own clock and keys, none live', async () => {
    // The recording is moved a year back: a clock on the wall time since it started would show it.
    const shift = 365 * 24 * 3600_000;
    const old = events.map((e) => ({ ...e, t: new Date(Date.parse(e.t) - shift).toISOString() }));
    const replay = new ReplaySession(old, { speed: 1, auto: false });
    const onExit = vi.fn();
    const ui = renderUi(
      <App session={replay} header={header} startedAt={new Date(old[0]?.t ?? 0)} onExit={onExit} replay={replay} />,
    );
    const live = () => {
      const f = ui.frame();
      return f.slice(f.lastIndexOf('plumbline · '));
    };
    await waitForContent(ui.lastFrame, 'Is the pod there');
    // Shown as it was before the check ran: the result comes with →.
    expect(live()).not.toContain('unscheduled');
    expect(live()).toMatch(/^plumbline · .+ 00:00$/m);
    expect(live()).toContain('replay · drill · paused at 1×');
    expect(live()).toContain('space play · ←→ step back / on · +/- speed (1×) · ? keys · q quit');
    expect(live()).not.toContain('run check');
    // + doubles the speed, - halves it.
    expect(await sendInputAndWaitForChange(ui.stdin, ui.lastFrame, '+')).toContain('paused at 2×');
    expect(await sendInputAndWaitForChange(ui.stdin, ui.lastFrame, '-')).toContain('paused at 1×');
    // Keys that would act on a session do nothing: Enter, answers, a.
    ui.stdin.write(keys.enter);
    ui.stdin.write('a');
    await sendInputAndWaitForChange(ui.stdin, ui.lastFrame, '\u001b[C');
    await waitForContent(ui.lastFrame, 'unscheduled');
    expect(live()).toContain('Why will the scheduler not place it?');
    // ← goes back to the step before.
    await sendInputAndWaitForChange(ui.stdin, ui.lastFrame, '\u001b[D');
    await vi.waitFor(() => expect(live()).not.toContain('→ unscheduled'));
    for (let i = 0; i < 10 && !live().includes('DIAGNOSIS'); i++) {
      ui.stdin.write('\u001b[C');
      await new Promise((r) => setTimeout(r, 50));
    }
    await waitForContent(ui.lastFrame, 'DIAGNOSIS unschedulable-node-selector');
    expect(live()).toContain('"$NODE"');
    // The clock is the time within the recording (this one took seconds), not since it started a year ago.
    expect(live()).toMatch(/^plumbline · .+ 00:0\d$/m);
    ui.stdin.write('q');
    await vi.waitFor(() => expect(onExit).toHaveBeenCalled());
    ui.unmount();
  });

  it('timed mode plays on its own (fast), and a cut-short transcript ends saying so', async () => {
    const cut = events.filter((e) => e.type !== 'session.end' && e.type !== 'diagnosis').slice(0, 7);
    const replay = new ReplaySession(cut, { speed: 1000, auto: true });
    expect(replay.complete).toBe(false);
    const ui = renderUi(
      <App session={replay} header={header} startedAt={new Date(cut[0]?.t ?? 0)} onExit={() => undefined} />,
    );
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
