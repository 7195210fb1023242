import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findCheck } from '../../src/checks/registry.js';
import type { SessionEvent } from '../../src/engine/events.js';
import { Session } from '../../src/engine/session.js';
import { loadRunbookFile } from '../../src/runbook/load.js';
import { parseTranscript } from '../../src/transcript/read.js';
import { renderMarkdown } from '../../src/transcript/reportMarkdown.js';
import { TranscriptWriter } from '../../src/transcript/writer.js';
import { App } from '../../src/ui/App.js';
import { repoRoot } from '../helpers/cli.js';
import { pod, startTestDrill } from '../helpers/drill.js';
import type { TestDrill } from '../helpers/drill.js';
import { keys, renderUi, sendInputAndWaitForChange, waitForContent } from '../helpers/render.js';

describe('notes written during a walk (n)', () => {
  let t: TestDrill;
  beforeAll(async () => {
    t = await startTestDrill({
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
      objects: [pod('api-0', 'app', { nodeName: 'worker-1' }, { phase: 'Pending' }) as never],
    });
  });
  afterAll(() => t.close());

  it('are typed on screen, attached to the step, kept in the transcript and the report', async () => {
    const runbook = await loadRunbookFile(join(repoRoot, 'runbooks/workload-down.yaml'), findCheck);
    const session = new Session({
      runbook,
      inputs: { namespace: 'app', pod: 'api-0' },
      kube: t.kube,
      mode: 'drill',
      auto: false,
    });
    const path = join(mkdtempSync(join(tmpdir(), 'plumbline-notes-')), 't.jsonl');
    const transcript = TranscriptWriter.open(path);
    const events: SessionEvent[] = [];
    session.on((e) => {
      events.push(e);
      transcript.write(e);
    });
    const onExit = vi.fn();
    const header = {
      runbookTitle: runbook.spec.title,
      target: 'drill test',
      mode: 'drill' as const,
      page: 'pod api-0 is down',
      kubeconfigPath: null,
      transcriptPath: path,
    };
    const ui = renderUi(<App session={session} header={header} startedAt={new Date()} onExit={onExit} />);

    await waitForContent(ui.lastFrame, 'run check');
    // The footer keeps to ⏎, a, ? and q; ? lists n with every other key.
    let frame = await sendInputAndWaitForChange(ui.stdin, ui.lastFrame, '?');
    expect(frame).toMatch(/^ {2}n +note$/m);
    await sendInputAndWaitForChange(ui.stdin, ui.lastFrame, '?');
    await sendInputAndWaitForChange(ui.stdin, ui.lastFrame, 'n');
    await waitForContent(ui.lastFrame, 'save note');
    // While writing, q and a are text, not commands.
    for (const ch of 'quiet pager; Bearer abcdefabcdef0123456789') ui.stdin.write(ch);
    ui.stdin.write(keys.backspace);
    await waitForContent(ui.lastFrame, 'note: quiet pager; Bearer abcdefabcdef012345678');
    ui.stdin.write(keys.enter);
    frame = await waitForContent(ui.lastFrame, 'run check');
    expect(frame).not.toContain('save note');
    const note = events.find((e) => e.type === 'note');
    expect(note).toMatchObject({ type: 'note', step: 'pod-status' });
    // Redacted like everything else the session emits.
    expect((note as { text: string }).text).toMatch(/^quiet pager; Bearer \S*REDACTED/);
    expect(frame).toMatch(/note: quiet pager; Bearer \S*REDACTED/);
    expect(onExit).not.toHaveBeenCalled();

    // Esc abandons a note.
    await sendInputAndWaitForChange(ui.stdin, ui.lastFrame, 'n');
    ui.stdin.write('x');
    await waitForContent(ui.lastFrame, 'note: x');
    ui.stdin.write(keys.escape);
    await waitForContent(ui.lastFrame, 'run check');
    expect(events.filter((e) => e.type === 'note')).toHaveLength(1);

    session.stop('quit');
    await session.done;
    ui.unmount();
    transcript.close();
    const md = renderMarkdown(parseTranscript(readFileSync(path, 'utf8')).events);
    // A note is the person's, in the timeline at the step it was written on.
    expect(md).toMatch(
      /\| \+00:0\d \| [^|]+ \| \*\*person\*\* \| `pod-status` \(pod\) \| note: quiet pager; Bearer \S*REDACTED/,
    );
    expect(md).not.toContain('abcdefabcdef');
  });
});
