import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startScenarioDrill } from '../helpers/drill.js';
import type { RunningDrill } from '../../src/drill/cluster.js';
import type { Scenario } from '../../src/drill/scenarioSchema.js';
import type { SessionEvent } from '../../src/engine/events.js';
import { Session } from '../../src/engine/session.js';
import type { KubeClient } from '../../src/kube/client.js';
import { createNodeAccess } from '../../src/nodeaccess/index.js';
import type { LoadedRunbook } from '../../src/runbook/load.js';
import { App } from '../../src/ui/App.js';
import { keys, renderUi, waitForContent } from '../helpers/render.js';

describe('manual node access in the TUI: the command is shown, the pasted output decides', () => {
  let drill: RunningDrill;
  let kube: KubeClient;
  let runbook: LoadedRunbook;
  let scenario: Scenario;

  beforeAll(async () => {
    ({ scenario, drill, kube, runbook } = await startScenarioDrill('scenarios/node-notready-systemd-dbus-hang.yaml'));
  });
  afterAll(() => drill.close());

  it('takes a paste ended by "." for one host command, and Esc (not run) for the next', async () => {
    const session = new Session({
      runbook,
      inputs: scenario.inputs,
      kube,
      mode: 'drill',
      auto: true,
      nodes: (s) => createNodeAccess('manual', { prompt: s.promptHost }),
    });
    const events: SessionEvent[] = [];
    session.on((e) => events.push(e));
    const header = {
      runbookTitle: runbook.spec.title,
      target: scenario.id,
      mode: 'drill' as const,
      page: scenario.page,
      kubeconfigPath: null,
      transcriptPath: '/tmp/t.jsonl',
    };
    const ui = renderUi(
      <App session={session} header={header} startedAt={new Date()} onExit={vi.fn()} color={false} />,
    );

    const frame = await waitForContent(ui.lastFrame, 'Run this on worker-2 and paste its output here:');
    expect(frame).toContain('systemctl show kubelet -p');
    expect(frame).toContain('esc not run');
    // A terminal delivers a paste as one chunk with carriage returns.
    ui.stdin.write(
      'LoadState=loaded\rActiveState=failed\rSubState=failed\rResult=exit-code\rNRestarts=0\rExecMainStatus=1\r',
    );
    expect(await waitForContent(ui.lastFrame, '6 lines pasted')).toContain('ExecMainStatus=1');
    ui.stdin.write('.\r');

    // failed → the next host step asks for the kubelet config file; decline it.
    await waitForContent(
      ui.lastFrame,
      /Run this on worker-2 and paste its output here:[\s\S]*cat -- \/var\/lib\/kubelet\/config\.yaml/,
    );
    ui.stdin.write('\u001b');
    await vi.waitFor(() => expect(events.filter((e) => e.type === 'host.reply')).toHaveLength(2), { timeout: 5000 });

    const replies = events.filter((e) => e.type === 'host.reply');
    expect(replies[0]).toMatchObject({ step: 'kubelet-service', node: 'worker-2', by: 'pasted' });
    expect(replies[1]).toMatchObject({ step: 'kubelet-config', by: 'declined' });
    // The declined check's result follows its reply once the check has finished (a task or two later).
    const results = () => events.filter((e) => e.type === 'check.result');
    await vi.waitFor(() => expect(results().find((e) => e.step === 'kubelet-config')).toBeDefined(), { timeout: 5000 });
    expect(results().find((e) => e.step === 'kubelet-service')).toMatchObject({ outcome: 'failed' });
    expect(results().find((e) => e.step === 'kubelet-config')).toMatchObject({
      outcome: 'error',
      facts: { errorKind: 'declined' },
    });
    session.stop('quit');
    ui.unmount();
  });

  it('shows the command once at column 0, broken where a shell joins it; a paste with stray keys sends only what was meant', async () => {
    const session = new Session({
      runbook,
      inputs: scenario.inputs,
      kube,
      mode: 'drill',
      auto: true,
      nodes: (s) => createNodeAccess('manual', { prompt: s.promptHost }),
    });
    const events: SessionEvent[] = [];
    session.on((e) => events.push(e));
    const header = {
      runbookTitle: runbook.spec.title,
      target: scenario.id,
      mode: 'drill' as const,
      page: scenario.page,
      kubeconfigPath: null,
      transcriptPath: '/tmp/t.jsonl',
    };
    const ui = renderUi(
      <App session={session} header={header} startedAt={new Date()} onExit={vi.fn()} color={false} />,
    );

    const frame = await waitForContent(ui.lastFrame, 'waiting for the output: paste it here, then ⏎');
    const lines = frame.split('\n');
    const at = lines.findIndex((l) => l.startsWith('systemctl show kubelet -p'));
    expect(at).toBeGreaterThan(0);
    const shown = lines.slice(at, at + 3);
    expect(shown).toEqual([
      'systemctl show kubelet -p \\',
      '  LoadState,ActiveState,SubState,Result,NRestarts,ExecMainStatus,\\',
      'ExecMainStartTimestamp,FragmentPath,ExecStart',
    ]);
    expect(frame.match(/systemctl show kubelet/g)).toHaveLength(1);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
    // What a person copies off those lines is, to a shell, exactly the command's argv.
    const argv = events.find((e) => e.type === 'host.prompt')?.argv;
    const sh = await execa('bash', ['-c', `printf '%s\\0' ${shown.join('\n').replace(/^systemctl /, '')}`]);
    expect(sh.stdout.split('\0').slice(0, -1)).toEqual(argv?.slice(1));

    // Keys typed before anything is pasted are the screen's, never output: `x` does nothing, `e` opens the last step in full, esc comes back.
    ui.stdin.write('x');
    ui.stdin.write('e');
    await waitForContent(ui.lastFrame, /esc back/);
    ui.stdin.write(keys.escape);
    await waitForContent(ui.lastFrame, 'waiting for the output');
    expect(events.some((e) => e.type === 'host.reply')).toBe(false);
    // A bracketed paste, then stray keys: once a paste has begun, no key is a command (q does not quit).
    const output =
      'LoadState=loaded\nActiveState=active\nSubState=running\nResult=success\nNRestarts=0\nExecMainStatus=0\n';
    ui.stdin.write(`\u001b[200~${output}\u001b[201~`);
    await waitForContent(ui.lastFrame, '6 lines pasted');
    expect(ui.frame()).toContain('⌫ ^U edit');
    expect(ui.frame()).not.toContain('q quit');
    ui.stdin.write('q');
    ui.stdin.write('e');
    await waitForContent(ui.lastFrame, '  qe');
    ui.stdin.write(keys.backspace);
    ui.stdin.write(keys.backspace);
    await waitForContent(ui.lastFrame, /6 lines pasted[^\n]*\n(?:.*\n){2} {2}ExecMainStatus=0\n/);
    ui.stdin.write('stray');
    await waitForContent(ui.lastFrame, '  stray');
    ui.stdin.write('\u0015');
    await waitForContent(ui.lastFrame, /6 lines pasted[^\n]*\n(?:.*\n){2} {2}ExecMainStatus=0\n/);
    ui.stdin.write(keys.enter);

    await vi.waitFor(
      () => expect(events.find((e) => e.type === 'check.result' && e.step === 'kubelet-service')).toBeDefined(),
      { timeout: 5000 },
    );
    const reply = events.find((e) => e.type === 'host.reply');
    expect(reply).toMatchObject({ step: 'kubelet-service', by: 'pasted', output });
    expect(reply?.type === 'host.reply' && reply.waitedMs).toBeGreaterThan(50);
    const result = events.find((e) => e.type === 'check.result' && e.step === 'kubelet-service');
    expect(result).toMatchObject({ outcome: 'running' });
    // The wait for the person is recorded as such, not as the check's run time.
    expect(result?.type === 'check.result' && result.waitedMs).toBeGreaterThanOrEqual(
      reply?.type === 'host.reply' ? reply.waitedMs! : Infinity,
    );
    expect(result?.type === 'check.result' && result.durationMs).toBeLessThan(
      reply?.type === 'host.reply' ? reply.waitedMs! : 0,
    );
    expect(events.some((e) => e.type === 'session.end')).toBe(false);
    session.stop('quit');
    ui.unmount();
  });
});
