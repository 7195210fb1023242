import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findCheck } from '../../src/checks/registry.js';
import { Session } from '../../src/engine/session.js';
import { loadRunbookFile } from '../../src/runbook/load.js';
import { App } from '../../src/ui/App.js';
import { repoRoot } from '../helpers/cli.js';
import { pod, startTestDrill } from '../helpers/drill.js';
import type { TestDrill } from '../helpers/drill.js';
import { keys, renderUi, sendInputAndWaitForChange, waitForContent } from '../helpers/render.js';

// A pod that is fine: the runbook asks whether the problem is still there.
describe('App answering a question from the keyboard', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
      page: 'pod api-0 in namespace app is slow',
      cluster: {
        nodes: [
          {
            name: 'worker-1',
            role: 'worker',
            labels: {},
            ready: 'True',
            heartbeatAgeSeconds: 10,
            unschedulable: false,
            taints: [],
            kubeletVersion: 'v1.31.4',
            age: '30d',
          },
        ],
      },
      objects: [
        pod(
          'api-0',
          'app',
          { nodeName: 'worker-1' },
          {
            phase: 'Running',
            containerStatuses: [
              {
                name: 'main',
                image: 'registry.example.com/app:1.0',
                imageID: '',
                ready: true,
                started: true,
                restartCount: 0,
                state: { running: { startedAt: 'now-20m' } },
              },
            ],
          },
        ) as never,
      ],
    });
  });
  afterAll(() => t.close());

  it('shows the question with numbered choices and answers with a number', async () => {
    const runbook = await loadRunbookFile(join(repoRoot, 'runbooks/workload-down.yaml'), findCheck);
    const session = new Session({
      runbook,
      inputs: { namespace: 'app', pod: 'api-0' },
      kube: t.kube,
      mode: 'drill',
      auto: true,
    });
    const onExit = vi.fn();
    const header = {
      runbookTitle: runbook.spec.title,
      target: 'drill test',
      mode: 'drill' as const,
      page: 'pod api-0 in namespace app is slow',
      kubeconfigPath: null,
      transcriptPath: 't.jsonl',
    };
    const ui = renderUi(<App session={session} header={header} startedAt={new Date()} onExit={onExit} />);

    let frame = await waitForContent(ui.lastFrame, 'Is the problem still there?');
    expect(frame).toContain('? pod The pod looks healthy');
    expect(frame).toContain('1. Yes: sweep the layers bottom-up (default)');
    expect(frame).toContain('2. No: it has recovered');
    expect(frame).toContain('1-2 answer');
    expect(frame).toContain('✓ pod Is the pod there');
    expect(frame).not.toContain('KUBECONFIG');

    await sendInputAndWaitForChange(ui.stdin, ui.lastFrame, '2');
    frame = await waitForContent(ui.lastFrame, 'DIAGNOSIS pod-healthy');
    expect(frame).toMatch(/✓ pod +The pod looks healthy\n +answered: No: it has recovered/);
    expect(frame).toContain('✓ pod ok › ○ node');
    const result = await session.done;
    expect(result.path.map((p) => `${p.step}:${p.outcome}`)).toEqual(['pod-status:running', 'ask-still-broken:no']);
    // The end keeps its keys: q leaves.
    ui.stdin.write('q');
    await vi.waitFor(() => expect(onExit).toHaveBeenCalledOnce());
    ui.unmount();
  });
});

// A pod with many sidecars, all crash-looping: more evidence than fits the cap.
describe('App reading a step in full', () => {
  let t: TestDrill;
  const names = ['web', 'envoy', 'fluent-bit', 'statsd', 'vault-agent', 'oauth-proxy', 'cache', 'migrate'];
  beforeAll(async () => {
    t = await startTestDrill({
      page: 'pod web-0 in namespace shop keeps restarting',
      cluster: {
        nodes: [
          {
            name: 'worker-1',
            role: 'worker',
            labels: {},
            ready: 'True',
            heartbeatAgeSeconds: 10,
            unschedulable: false,
            taints: [],
            kubeletVersion: 'v1.31.4',
            age: '30d',
          },
        ],
      },
      objects: [
        pod(
          'web-0',
          'shop',
          {
            nodeName: 'worker-1',
            containers: names.map((name) => ({ name, image: `registry.example.com/${name}:1` })),
          },
          {
            phase: 'Running',
            containerStatuses: names.map((name) => ({
              name,
              image: `registry.example.com/${name}:1`,
              imageID: '',
              ready: false,
              started: false,
              restartCount: 7,
              state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } },
              lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: 'now-1m' } },
            })),
          },
        ) as never,
      ],
    });
  });
  afterAll(() => t.close());

  it('e opens the last check in full (every line of evidence, the raw answer), esc comes back', async () => {
    const runbook = await loadRunbookFile(join(repoRoot, 'runbooks/workload-down.yaml'), findCheck);
    const session = new Session({
      runbook,
      inputs: { namespace: 'shop', pod: 'web-0' },
      kube: t.kube,
      mode: 'drill',
      auto: false,
    });
    const header = {
      runbookTitle: runbook.spec.title,
      target: 'drill test',
      mode: 'drill' as const,
      page: 'p',
      kubeconfigPath: null,
      transcriptPath: 't.jsonl',
    };
    const ui = renderUi(<App session={session} header={header} startedAt={new Date()} onExit={() => {}} />);
    await waitForContent(ui.lastFrame, 'Press ⏎ to run this check.');
    ui.stdin.write(keys.enter);
    let frame = await waitForContent(ui.lastFrame, /→ crash-loop: /);
    expect(frame).toMatch(/… \d+ more lines \(e to read all\)/);
    expect(frame).toContain('e last step in full');
    expect(frame).not.toContain('container migrate:');

    frame = await sendInputAndWaitForChange(ui.stdin, ui.lastFrame, 'e');
    expect(frame).toContain('Evidence');
    // Page down to the last container's evidence.
    for (let i = 0; i < 5 && !(ui.lastFrame() ?? '').includes('container migrate:'); i++)
      frame = await sendInputAndWaitForChange(ui.stdin, ui.lastFrame, '\u001b[6~');
    expect(frame).toContain('container migrate:');
    expect(frame).toContain('esc back');

    frame = await sendInputAndWaitForChange(ui.stdin, ui.lastFrame, keys.escape);
    expect(frame).toMatch(/… \d+ more lines \(e to read all\)/);
    session.stop('quit');
    ui.unmount();
  });
});
