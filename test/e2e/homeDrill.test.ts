import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/cli.js';
import { hasTmux, tmuxSession } from '../helpers/tmux.js';

const { session, tmux, open, waitForScreen, kill } = tmuxSession('plumbline-home');
const scrollback = () => tmux('capture-pane', '-p', '-S', '-', '-t', session);
/** PLUMBLINE_CAPTURE_DIR keeps each screen the test waited for, for the notes. */
const keep = (name: string, screen: string) => {
  const dir = process.env.PLUMBLINE_CAPTURE_DIR;
  if (dir) writeFileSync(join(dir, `${name}.txt`), screen);
  return screen;
};

describe.skipIf(!hasTmux)('a guided drill from the home screen and back (tmux, 80×24)', () => {
  afterEach(() => kill());

  it('filters home to the drill, runs it guided with keys in bursts, debriefs, and returns home', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-home-'));
    const done = join(dir, 'exit-code');
    open(`CI=true XDG_STATE_HOME=${dir} TMPDIR=${dir} ${process.execPath} ${cliPath}; echo $? > ${done}; sleep 30`);
    let shown = keep('1-home', await waitForScreen('Runbooks (walk one on your current kube context)', 40_000));
    // Home never names a drill's cause: no scenario id on it.
    expect(shown).not.toContain('pod-pending-node-selector');
    tmux('send-keys', '-t', session, '/');
    await waitForScreen('filter: ');
    tmux('send-keys', '-t', session, '-l', 'web-0');
    shown = keep('2-home-filtered', await waitForScreen(/filter: web-0 +\(1 of \d+\)/));
    expect(shown).toMatch(/^› easy +pod web-0 in namespace shop is not starting/m);
    // One burst: leave the filter, open the drill, choose guided.
    tmux('send-keys', '-t', session, 'Down', 'Enter', '2');
    shown = keep('3-predict', await waitForScreen('Predict: what will pod.status find?', 40_000));
    expect(shown).toContain('pod web-0 in namespace shop is not starting · drill · guided drill');
    expect(shown).not.toContain('pod-pending-node-selector');
    const keyOf = (screen: string, outcome: string) =>
      new RegExp(`(\\S) ${outcome}(?:\\s|$)`, 'm').exec(screen)?.[1] ?? '';
    tmux('send-keys', '-t', session, keyOf(shown, 'unscheduled'));
    shown = await waitForScreen('Predict: what will pod.scheduling find?');
    tmux('send-keys', '-t', session, keyOf(shown, 'node-selector'));
    shown = keep('4-picker', await waitForScreen('What is the root cause?'));
    expect(shown).toContain('(type to narrow, ↓ to choose)');
    expect(shown).not.toMatch(/^› /m);
    // ↓↓⏎ in one write: the second diagnosis, the one ↓↓ reached, is the pick.
    tmux('send-keys', '-t', session, 'Down', 'Down', 'Enter');
    shown = keep('5-debrief', await waitForScreen('DEBRIEF ✓ correct'));
    for (const line of shown.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(
      scrollback()
        .split('\n')
        .filter((l) => l.startsWith('plumbline · A pod will not start')).length,
    ).toBeLessThanOrEqual(1);
    tmux('send-keys', '-t', session, 'Enter');
    keep('6-home-again', await waitForScreen('Runbooks (walk one on your current kube context)', 40_000));
    expect(scrollback()).toMatch(/drill pod-pending-node-selector: correct, score \d+\/1000/);
    tmux('send-keys', '-t', session, 'q');
    const end = Date.now() + 10_000;
    while (!existsSync(done) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(done, 'utf8').trim()).toBe('0');
    const history = readFileSync(join(dir, 'plumbline', 'drills.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(JSON.parse(history[0]!) as { scenario: string; mode: string; correct: boolean }).toMatchObject({
      scenario: 'pod-pending-node-selector',
      mode: 'guided',
      correct: true,
    });
  }, 180_000);
});
