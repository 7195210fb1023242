import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findCheck } from '../../src/checks/registry.js';
import { startDrill } from '../../src/drill/cluster.js';
import type { RunningDrill } from '../../src/drill/cluster.js';
import { loadScenarioFile } from '../../src/drill/scenario.js';
import type { Scenario } from '../../src/drill/scenario.js';
import type { SessionEvent } from '../../src/engine/events.js';
import { Session } from '../../src/engine/session.js';
import { KubeClient } from '../../src/kube/client.js';
import { loadKubeConfig } from '../../src/kube/config.js';
import { createNodeAccess } from '../../src/nodeaccess/index.js';
import { loadRunbookFile } from '../../src/runbook/load.js';
import type { LoadedRunbook } from '../../src/runbook/load.js';
import { App } from '../../src/ui/App.js';
import { repoRoot } from '../helpers/cli.js';
import { renderUi, waitForContent } from '../helpers/render.js';

describe('manual node access in the TUI: the command is shown, the pasted output decides', () => {
  let drill: RunningDrill;
  let kube: KubeClient;
  let runbook: LoadedRunbook;
  let scenario: Scenario;

  beforeAll(async () => {
    ({ scenario } = await loadScenarioFile(join(repoRoot, 'scenarios/node-notready-systemd-dbus-hang.yaml')));
    drill = await startDrill(scenario);
    kube = await KubeClient.create(await loadKubeConfig({ kubeconfig: drill.kubeconfigPath }));
    runbook = await loadRunbookFile(join(repoRoot, 'runbooks/node-not-ready.yaml'), findCheck);
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
    const header = { runbookTitle: runbook.spec.title, target: scenario.id, mode: 'drill' as const, page: scenario.page, kubeconfigPath: null, transcriptPath: '/tmp/t.jsonl' };
    const ui = renderUi(<App session={session} header={header} startedAt={new Date()} onExit={vi.fn()} color={false} />);

    const frame = await waitForContent(ui.lastFrame, 'Run this on worker-2 and paste its output here:');
    expect(frame).toContain('systemctl show kubelet -p');
    expect(frame).toContain('esc not run');
    // A terminal delivers a paste as one chunk with carriage returns.
    ui.stdin.write('LoadState=loaded\rActiveState=failed\rSubState=failed\rResult=exit-code\rNRestarts=0\rExecMainStatus=1\r');
    expect(await waitForContent(ui.lastFrame, '6 lines pasted')).toContain('ExecMainStatus=1');
    ui.stdin.write('.\r');

    // failed → the next host step asks for the kubelet config file; decline it.
    await waitForContent(ui.lastFrame, /Run this on worker-2 and paste its output here:[\s\S]*cat -- \/var\/lib\/kubelet\/config\.yaml/);
    ui.stdin.write('\u001b');
    await vi.waitFor(() => expect(events.filter((e) => e.type === 'host.reply')).toHaveLength(2), { timeout: 5000 });

    const replies = events.filter((e) => e.type === 'host.reply');
    expect(replies[0]).toMatchObject({ step: 'kubelet-service', node: 'worker-2', by: 'pasted' });
    expect(replies[1]).toMatchObject({ step: 'kubelet-config', by: 'declined' });
    const results = events.filter((e) => e.type === 'check.result');
    expect(results.find((e) => e.step === 'kubelet-service')).toMatchObject({ outcome: 'failed' });
    expect(results.find((e) => e.step === 'kubelet-config')).toMatchObject({ outcome: 'error', facts: { errorKind: 'declined' } });
    session.stop('quit');
    ui.unmount();
  });
});
