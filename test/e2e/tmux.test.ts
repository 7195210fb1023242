import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/cli.js';
import { hasTmux, tmuxSession } from '../helpers/tmux.js';

if (!hasTmux)
  console.warn(
    '\n*** SKIPPING the real-terminal tests: tmux is not installed (apt-get install tmux; .ci/run does) ***\n',
  );
const { session, tmux, open, screen, waitForScreen, kill } = tmuxSession('plumbline-e2e');

/** Everything the terminal holds: the scrollback and the screen. */
const scrollback = () => tmux('capture-pane', '-p', '-S', '-', '-t', session);
/** How many copies of the walk's header the terminal holds: a frame that reached the scrollback leaves one more. */
const headers = () =>
  scrollback()
    .split('\n')
    .filter((l) => l.startsWith('plumbline · ')).length;
const waitForFile = async (file: string) => {
  const end = Date.now() + 10_000;
  while (!existsSync(file) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
};

describe.skipIf(!hasTmux)('the TUI in a real 80×24 terminal (tmux)', () => {
  afterEach(() => kill());

  it('walks the default drill to its diagnosis in step mode, then quits keeping the transcript', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-tmux-'));
    const transcript = join(dir, 't.jsonl');
    const done = join(dir, 'exit-code');
    // The shell here is tmux's own, to record the exit code; plumbline itself never uses a shell.
    // CI=true as on build machines: the screen must still draw every frame in a real terminal.
    open(`CI=true ${process.execPath} ${cliPath} drill --step --transcript ${transcript}; echo $? > ${done}; sleep 30`);
    await waitForScreen('web-0');
    await waitForScreen('run check');
    tmux('send-keys', '-t', session, 'Enter');
    await waitForScreen('unscheduled');
    tmux('send-keys', '-t', session, 'Enter');
    // The fix's command (a single word of it: the screen wraps the line where it fits).
    const final = await waitForScreen('"$NODE"');
    expect(final).toContain('disktype=ssd');
    for (const line of final.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    // The end keeps its keys: ↑ selects the last check, ⏎ opens it in full, esc comes back.
    tmux('send-keys', '-t', session, 'Up');
    await waitForScreen(/^› ✗ pod +node-selector · Why will the scheduler not place it\?/m);
    tmux('send-keys', '-t', session, 'Enter');
    await waitForScreen(/^Why will the scheduler not place it\? +1-\d+ of \d+/m);
    tmux('send-keys', '-t', session, 'End');
    // The raw API answer, indented as it came.
    await waitForScreen(/^ {8}"type": "Warning"$/m);
    tmux('send-keys', '-t', session, 'Escape');
    await waitForScreen('DIAGNOSIS unschedulable-node-selector');
    expect(headers()).toBe(1);
    tmux('send-keys', '-t', session, 'q');
    const end = Date.now() + 10_000;
    while (!existsSync(done) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(done, 'utf8').trim()).toBe('0');
    const types = readFileSync(transcript, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types[0]).toBe('session.start');
    expect(types).toContain('diagnosis');
    expect(types.at(-1)).toBe('session.end');
    // The recording holds what the terminal drew, with a marker per step.
    const cast = readFileSync(transcript.replace(/\.jsonl$/, '.cast'), 'utf8')
      .trimEnd()
      .split('\n')
      .slice(1)
      .map((l) => JSON.parse(l) as [number, string, string]);
    expect(
      cast
        .filter((e) => e[1] === 'o')
        .map((e) => e[2])
        .join(''),
    ).toContain('"$NODE"');
    expect(cast.filter((e) => e[1] === 'm').map((e) => e[2])).toContain('diagnosis: unschedulable-node-selector');
  }, 60_000);

  it('keeps every event and records the interruption on Ctrl-C', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-tmux-'));
    const transcript = join(dir, 't.jsonl');
    const done = join(dir, 'exit-code');
    open(`CI=true ${process.execPath} ${cliPath} drill --step --transcript ${transcript}; echo $? > ${done}; sleep 30`);
    await waitForScreen('run check');
    tmux('send-keys', '-t', session, 'Enter');
    await waitForScreen('unscheduled');
    tmux('send-keys', '-t', session, 'C-c');
    // The transcript is read once the CLI has exited (its exit code written), never while it may still be writing.
    await waitForFile(done);
    expect(existsSync(done), 'the CLI exited after Ctrl-C').toBe(true);
    const events = readFileSync(transcript, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; outcome?: string; reason?: string });
    expect(events.find((e) => e.type === 'check.result')?.outcome).toBe('unscheduled');
    expect(events.at(-1)).toMatchObject({ type: 'session.end', outcome: null });
    expect(['quit', 'interrupted']).toContain(events.at(-1)?.reason);
  });

  it.each([
    [80, 24],
    [60, 15],
  ])(
    'at %ix%i, a walk of a whole sweep leaves at most one header in the scrollback, and the verdict once',
    async (columns, rows) => {
      const dir = mkdtempSync(join(tmpdir(), 'plumbline-tmux-'));
      const transcript = join(dir, 't.jsonl');
      const done = join(dir, 'exit-code');
      // A healthy cluster: top-down finds nothing and the sweep runs every check of every layer, in auto mode.
      open(
        `CI=true ${process.execPath} ${cliPath} drill scale-10-nodes --transcript ${transcript}; echo $? > ${done}; sleep 30`,
        { x: columns, y: rows },
      );
      // The pod looks healthy: the runbook asks whether the problem is still there; 1 sweeps.
      await waitForScreen(/Is the problem still\s+there\?/, 60_000);
      expect(screen()).toContain('1-2 answer');
      tmux('send-keys', '-t', session, '1');
      const end = await waitForScreen('No diagnosis', 100_000);
      for (const line of end.split('\n')) expect(line.length).toBeLessThanOrEqual(columns);
      expect(end).toContain('q quit');
      expect(headers()).toBeLessThanOrEqual(1);
      tmux('send-keys', '-t', session, 'q');
      await waitForFile(done);
      expect(readFileSync(done, 'utf8').trim()).toBe('0');
      const all = scrollback();
      expect(headers()).toBeLessThanOrEqual(1);
      // Each finished step once, two lines, in the scrollback; the end said once, after them.
      const steps = readFileSync(transcript, 'utf8')
        .trimEnd()
        .split('\n')
        .filter((l) => (JSON.parse(l) as { type: string }).type === 'check.result').length;
      expect(steps).toBeGreaterThan(10);
      expect(all.match(/^end: no-finding$/gm)).toHaveLength(1);
    },
    180_000,
  );

  it('at 60x15, the current question and its keys stay in view; keys sent in bursts act in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-tmux-'));
    const transcript = join(dir, 't.jsonl');
    open(`CI=true ${process.execPath} ${cliPath} drill --step --transcript ${transcript}; sleep 30`, { x: 60, y: 15 });
    let shown = await waitForScreen('Press ⏎ to run this check.');
    expect(shown).toContain('⏎ run check');
    expect(shown).toMatch(/q quit \(transcript kept\)\s*$/);
    tmux('send-keys', '-t', session, 'Enter');
    shown = await waitForScreen(/○ pod Why will the scheduler not place it\?[\s\S]*Press ⏎ to run this check\./);
    for (const line of shown.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
    expect(shown).toContain('? keys · q quit');
    // One write: open the last step, page down twice, back.
    tmux('send-keys', '-t', session, '-l', 'ejj');
    await waitForScreen(/^Is the pod there.* 3-\d+ of \d+$/m);
    tmux('send-keys', '-t', session, 'Escape');
    await waitForScreen('Press ⏎ to run this check.');
    expect(headers()).toBeLessThanOrEqual(1);
    expect(screen()).toMatch(/q quit \(transcript kept\)\s*$/);
  }, 60_000);
});
