import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/cli.js';
import { hasTmux, tmuxSession } from '../helpers/tmux.js';

const { session, tmux, open, waitForScreen, kill } = tmuxSession('plumbline-free');

describe.skipIf(!hasTmux)('a free drill in a real 80×24 terminal (tmux)', () => {
  afterEach(() => kill());

  it('runs the checks the trainee picks, takes the root cause, debriefs, and saves the history', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-free-tmux-'));
    const transcript = join(dir, 't.jsonl');
    const done = join(dir, 'exit-code');
    open(
      `CI=true XDG_STATE_HOME=${dir} ${process.execPath} ${cliPath} drill pod-pending-node-selector --free --transcript ${transcript}; echo $? > ${done}; sleep 30`,
    );
    let shown = await waitForScreen('Which check next?');
    const keyOf = (title: string) => new RegExp(`(\\S) ${title.replace(/[?.]/g, '\\$&')}`).exec(shown)?.[1] ?? '';
    tmux('send-keys', '-t', session, keyOf('Is the pod there, and what state is each container in?'));
    await waitForScreen(/→ unscheduled: /);
    shown = await waitForScreen('Which check next?');
    tmux('send-keys', '-t', session, keyOf('Why will the scheduler not place it?'));
    await waitForScreen(/→ node-selector: /);
    await waitForScreen('Which check next?');
    tmux('send-keys', '-t', session, 'd');
    await waitForScreen('What is the root cause?');
    tmux('send-keys', '-t', session, '-l', 'selector');
    await waitForScreen('search: selector');
    tmux('send-keys', '-t', session, 'Enter');
    const debrief = await waitForScreen('DEBRIEF ✓ correct');
    for (const line of debrief.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    tmux('send-keys', '-t', session, 'Enter');
    const end = Date.now() + 10_000;
    while (!existsSync(done) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(done, 'utf8').trim()).toBe('0');
    const types = readFileSync(transcript, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types).toContain('drill.debrief');
    const history = readFileSync(join(dir, 'plumbline', 'drills.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(history).toHaveLength(1);
    expect(JSON.parse(history[0]!) as { scenario: string; mode: string; correct: boolean }).toMatchObject({
      scenario: 'pod-pending-node-selector',
      mode: 'free',
      correct: true,
    });
  });
});
