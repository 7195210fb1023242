import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startScenarioDrill } from '../helpers/drill.js';
import type { RunningDrill } from '../../src/drill/cluster.js';
import type { Scenario } from '../../src/drill/scenarioSchema.js';
import type { SessionEvent } from '../../src/engine/events.js';
import { Session } from '../../src/engine/session.js';
import type { KubeClient } from '../../src/kube/client.js';
import { createDrillAccess } from '../../src/nodeaccess/drill.js';
import type { LoadedRunbook } from '../../src/runbook/load.js';
import { App } from '../../src/ui/App.js';
import { keys, renderUi, waitForContent } from '../helpers/render.js';

// The page's error is text a person pastes (`--set error=...` headless): a live walk in the TUI asks for it
// before the check that reads it. The cluster is the drill's (etcd timing out), walked as a live context would be.
describe('the TUI asks for a paste input nobody gave', () => {
  let drill: RunningDrill;
  let kube: KubeClient;
  let runbook: LoadedRunbook;
  let scenario: Scenario;

  beforeAll(async () => {
    ({ scenario, drill, kube, runbook } = await startScenarioDrill('scenarios/cps-page-error-etcd-timeout.yaml'));
  });
  afterAll(() => drill.close());

  function walk(opts: { askPastes: boolean }) {
    const { error: _notGiven, ...inputs } = scenario.inputs;
    const session = new Session({
      runbook,
      inputs,
      kube,
      nodes: createDrillAccess({ hosts: drill.hosts }),
      mode: 'live',
      auto: true,
      askPastes: opts.askPastes,
    });
    const events: SessionEvent[] = [];
    session.on((e) => events.push(e));
    const header = {
      runbookTitle: runbook.spec.title,
      target: 'plumbline-drill',
      mode: 'live' as const,
      page: 'kubectl is slow',
      kubeconfigPath: drill.kubeconfigPath,
      transcriptPath: '/tmp/plumbline-test/paste.jsonl',
    };
    const ui = renderUi(<App session={session} header={header} startedAt={new Date()} onExit={vi.fn()} color />);
    return { session, events, ui };
  }

  it('says what and why, then reads what was pasted: the error names etcd', async () => {
    const { session, events, ui } = walk({ askPastes: true });
    let frame = await waitForContent(ui.lastFrame, 'Paste the error the page or kubectl showed', 20_000);
    expect(frame.replace(/\s+/g, ' ')).toContain(
      'Why: an API error is not slowness: its words name the layer to look at first (etcd, a certificate, a webhook, an aggregated API, throttling)',
    );
    expect(frame).toContain('⏎ with nothing: none given (the check says it was not)');
    expect(frame).toContain('⏎ send (empty: none given)');
    // Nothing runs while it waits; what is typed is text.
    expect(events.some((e) => e.type === 'check.start')).toBe(false);
    ui.stdin.write('Error from server: etcdserver: request timed ou');
    await waitForContent(ui.lastFrame, '› Error from server: etcdserver: request timed ou');
    ui.stdin.write('t');
    await waitForContent(ui.lastFrame, 'request timed out');
    ui.stdin.write(keys.enter);
    frame = await waitForContent(ui.lastFrame, /etcd-timeout/, 20_000);
    expect(frame).not.toContain('Paste the error');
    expect(events).toContainEqual(
      expect.objectContaining({
        type: 'input.reply',
        input: 'error',
        by: 'pasted',
        value: 'Error from server: etcdserver: request timed out',
      }),
    );
    const result = events.find((e) => e.type === 'check.result' && e.step === 'page-error');
    expect(result).toMatchObject({ outcome: 'etcd-timeout' });
    session.stop('quit');
    ui.unmount();
  });

  it('an empty answer keeps it not given: the check says so, as headless without --set', async () => {
    const { session, events, ui } = walk({ askPastes: true });
    await waitForContent(ui.lastFrame, 'Paste the error the page or kubectl showed', 20_000);
    ui.stdin.write(keys.enter);
    await waitForContent(ui.lastFrame, /no error was given with the page/, 20_000);
    expect(events).toContainEqual(expect.objectContaining({ type: 'input.reply', input: 'error', by: 'declined' }));
    expect(events.find((e) => e.type === 'check.result' && e.step === 'page-error')).toMatchObject({
      outcome: 'none',
      evidence: [{ label: 'page error', value: 'none given (--set error=... passes one)' }],
    });
    session.stop('quit');
    ui.unmount();
  });

  it('is not asked when the session does not ask (a drill, headless): the walk runs on', async () => {
    const { session, events, ui } = walk({ askPastes: false });
    await waitForContent(ui.lastFrame, /no error was given with the page/, 20_000);
    expect(events.some((e) => e.type === 'input.prompt')).toBe(false);
    session.stop('quit');
    ui.unmount();
  });
});
