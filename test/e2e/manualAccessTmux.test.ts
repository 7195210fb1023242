import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDrill } from '../../src/drill/cluster.js';
import { loadScenarioFile } from '../../src/drill/scenario.js';
import { createDrillAccess } from '../../src/nodeaccess/drill.js';
import { commandLines } from '../../src/nodeaccess/quote.js';
import { cliPath, repoRoot } from '../helpers/cli.js';
import { hasTmux, tmuxSession } from '../helpers/tmux.js';

const { session, tmux, open, screen, waitForScreen, kill } = tmuxSession('plumbline-manual');
const scenarioFile = join(repoRoot, 'scenarios/node-notready-systemd-dbus-hang.yaml');
const argv = [
  'systemctl',
  'show',
  'kubelet',
  '-p',
  'LoadState,ActiveState,SubState,Result,NRestarts,ExecMainStatus,ExecMainStartTimestamp,FragmentPath,ExecStart',
];

interface Event {
  type: string;
  step?: string;
  by?: string;
  output?: string;
  outcome?: string;
  argv?: string[];
  waitedMs?: number;
  durationMs?: number;
}

/**
 * The on-call path in a real 80×24 terminal: `plumbline run node-not-ready`
 * with manual access against a served drill; the command is copied off the
 * screen with tmux's copy mode (no mouse) into a shell in another window, where
 * it must run as exactly the command; what it prints is pasted back.
 */
describe.skipIf(!hasTmux)('manual node access in a real 80×24 terminal (tmux)', () => {
  let server: ChildProcess;
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-manual-tmux-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const bin = join(dir, 'bin');
  const calls = join(dir, 'systemctl-argv');

  beforeAll(async () => {
    server = spawn(process.execPath, [cliPath, 'cluster', 'serve', scenarioFile, '--kubeconfig-out', kubeconfig], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<string>((resolve) => createInterface({ input: server.stdout! }).once('line', resolve));
    // The node's answer, as the scenario's simulated host gives it, printed by a stand-in for systemctl that also records the argv it was given.
    const drill = await startDrill((await loadScenarioFile(scenarioFile)).scenario);
    const answer = await createDrillAccess({ hosts: drill.hosts }).run('worker-2', argv, {
      timeoutMs: 5000,
      signal: new AbortController().signal,
    });
    await drill.close();
    mkdirSync(bin);
    writeFileSync(join(dir, 'answer'), answer.stdout);
    writeFileSync(join(bin, 'systemctl'), `#!/bin/sh\nprintf '%s\\0' "$@" > ${calls}\ncat ${join(dir, 'answer')}\n`);
    chmodSync(join(bin, 'systemctl'), 0o755);
  });
  afterAll(() => {
    server.kill('SIGTERM');
  });
  afterEach(() => kill());

  it('run node-not-ready worker-2: the command copied with copy mode runs as shown; the paste, stray keys and all, decides the step', async () => {
    const transcript = join(dir, 't.jsonl');
    const done = join(dir, 'exit-code');
    open(
      `CI=true ${process.execPath} ${cliPath} run node-not-ready worker-2 --kubeconfig ${kubeconfig} --transcript ${transcript}; echo $? > ${done}; sleep 30`,
    );
    const prompt = await waitForScreen('waiting for the output: paste it here, then ⏎');
    for (const line of prompt.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    const shown = commandLines(argv, 80);
    expect(prompt).toContain(
      `Run this on worker-2 and paste its output here:\n${shown.join('\n')}\nwaiting for the output`,
    );
    // capture-pane -J joins only lines the terminal wrapped: none of the command's are.
    expect(tmux('capture-pane', '-p', '-J', '-t', session)).toContain(shown.join('\n'));

    // Copy mode, keyboard only: find the command, select its lines, copy.
    tmux('copy-mode', '-t', session);
    tmux('send-keys', '-t', session, '-X', 'search-backward', 'systemctl show kubelet');
    tmux('send-keys', '-t', session, '-X', 'start-of-line');
    tmux('send-keys', '-t', session, '-X', 'begin-selection');
    for (let i = 1; i < shown.length; i++) tmux('send-keys', '-t', session, '-X', 'cursor-down');
    tmux('send-keys', '-t', session, '-X', 'end-of-line');
    tmux('send-keys', '-t', session, '-X', 'copy-selection-and-cancel');
    const copied = tmux('show-buffer');
    expect(copied.trimEnd()).toBe(shown.join('\n'));

    // Into a shell, as a person would paste it: it runs, with exactly the command's argv.
    tmux('new-window', '-t', session, '-n', 'node', `env PATH=${bin}:/usr/bin:/bin PS1='node$ ' sh`);
    tmux('paste-buffer', '-t', `${session}:node`);
    tmux('send-keys', '-t', `${session}:node`, 'Enter');
    const end = Date.now() + 10_000;
    while (!existsSync(calls) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(calls, 'utf8').split('\0').slice(0, -1)).toEqual(argv.slice(1));

    // Back to plumbline: paste what the node printed (bracketed, as tmux pastes into a program that asks for it).
    tmux('select-window', '-t', `${session}:0`);
    const output = readFileSync(join(dir, 'answer'), 'utf8');
    tmux('set-buffer', output);
    tmux('paste-buffer', '-p', '-t', `${session}:0`);
    const lines = output.replace(/\n$/, '').split('\n').length;
    await waitForScreen(`${lines} lines pasted: ⏎ sends them`);
    // Stray keys after the paste are text, not commands: q does not quit; Backspace takes it back.
    tmux('send-keys', '-t', `${session}:0`, 'q');
    await waitForScreen(new RegExp(`${lines + 1} lines pasted: ⏎ sends them(?:\n.*)*\n {2}q\n`));
    tmux('send-keys', '-t', `${session}:0`, 'BSpace');
    await waitForScreen(`${lines} lines pasted: ⏎ sends them`);
    tmux('send-keys', '-t', `${session}:0`, 'Enter');
    await waitForScreen('What does the kubelet say in its journal?');
    const after = screen();

    const events = readFileSync(transcript, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Event);
    expect(events.find((e) => e.type === 'host.prompt')?.argv).toEqual(argv);
    const reply = events.find((e) => e.type === 'host.reply');
    expect(reply).toMatchObject({ step: 'kubelet-service', by: 'pasted', output });
    const result = events.find((e) => e.type === 'check.result' && e.step === 'kubelet-service');
    expect(result?.outcome).toBe('running');
    expect(result?.waitedMs).toBeGreaterThan(0);
    expect(after).toContain('output pasted after');
    tmux('send-keys', '-t', `${session}:0`, 'C-c');
    const stop = Date.now() + 10_000;
    while (!existsSync(done) && Date.now() < stop) await new Promise((r) => setTimeout(r, 100));
    if (process.env.PLUMBLINE_SHOW_TMUX) console.log(`${prompt}\n---\n${after}`);
  });
});
