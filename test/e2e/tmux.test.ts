import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/cli.js';
import { hasTmux, tmuxSession } from '../helpers/tmux.js';

if (!hasTmux) console.warn('\n*** SKIPPING the real-terminal tests: tmux is not installed (apt-get install tmux; .ci/run does) ***\n');
const { session, tmux, waitForScreen, kill } = tmuxSession('plumbline-e2e');

describe.skipIf(!hasTmux)('the TUI in a real 80×24 terminal (tmux)', () => {
  afterEach(() => {
    kill();
  });

  it('walks the default drill to its diagnosis in step mode, then quits keeping the transcript', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-tmux-'));
    const transcript = join(dir, 't.jsonl');
    const done = join(dir, 'exit-code');
    // The shell here is tmux's own, to record the exit code; plumbline itself never uses a shell.
    // CI=true as on build machines: the screen must still draw every frame in a real terminal.
    tmux(
      'new-session', '-d', '-s', session, '-x', '80', '-y', '24',
      `CI=true ${process.execPath} ${cliPath} drill --step --transcript ${transcript}; echo $? > ${done}; sleep 30`,
    );
    await waitForScreen('web-0');
    await waitForScreen('run check');
    tmux('send-keys', '-t', session, 'Enter');
    await waitForScreen('unscheduled');
    tmux('send-keys', '-t', session, 'Enter');
    const final = await waitForScreen('kubectl label node');
    expect(final).toContain('disktype=ssd');
    for (const line of final.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    tmux('send-keys', '-t', session, 'q');
    const end = Date.now() + 10_000;
    while (!existsSync(done) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(done, 'utf8').trim()).toBe('0');
    const types = readFileSync(transcript, 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types[0]).toBe('session.start');
    expect(types).toContain('diagnosis');
    expect(types.at(-1)).toBe('session.end');
    // The recording holds what the terminal drew, with a marker per step.
    const cast = readFileSync(transcript.replace(/\.jsonl$/, '.cast'), 'utf8').trimEnd().split('\n').slice(1).map((l) => JSON.parse(l) as [number, string, string]);
    expect(cast.filter((e) => e[1] === 'o').map((e) => e[2]).join('')).toContain('kubectl label node');
    expect(cast.filter((e) => e[1] === 'm').map((e) => e[2])).toContain('diagnosis: unschedulable-node-selector');
  });

  it('keeps every event and records the interruption on Ctrl-C', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-tmux-'));
    const transcript = join(dir, 't.jsonl');
    const done = join(dir, 'exit-code');
    tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', `CI=true ${process.execPath} ${cliPath} drill --step --transcript ${transcript}; echo $? > ${done}; sleep 30`);
    await waitForScreen('run check');
    tmux('send-keys', '-t', session, 'Enter');
    await waitForScreen('unscheduled');
    tmux('send-keys', '-t', session, 'C-c');
    const end = Date.now() + 10_000;
    while (!existsSync(done) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    const events = readFileSync(transcript, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; outcome?: string; reason?: string });
    expect(events.find((e) => e.type === 'check.result')?.outcome).toBe('unscheduled');
    expect(events.at(-1)).toMatchObject({ type: 'session.end', outcome: null });
    expect(['quit', 'interrupted']).toContain(events.at(-1)?.reason);
  });
});
