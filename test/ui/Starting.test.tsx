import { describe, expect, it, vi } from 'vitest';
import { Starting } from '../../src/ui/Starting.js';
import { keys, renderUi, waitForContent } from '../helpers/render.js';

const header = {
  runbookTitle: 'A pod will not start or keeps restarting',
  target: 'pod app-30-1-0 in namespace load is reported slow',
  mode: 'drill' as const,
  auto: true,
};

describe('Starting (the first frame, painted while the drill cluster starts)', () => {
  it('shows the header the walk will have and what it waits for', async () => {
    const r = renderUi(
      <Starting
        header={header}
        waitingFor="starting the drill cluster"
        startedAt={new Date()}
        color={false}
        onQuit={() => undefined}
      />,
      { columns: 100 },
    );
    const frame = await waitForContent(r.lastFrame, 'starting the drill cluster');
    expect(frame).toContain('plumbline · A pod will not start or keeps restarting');
    expect(frame).toContain('pod app-30-1-0 in namespace load is reported slow · drill · auto mode');
    expect(frame).toContain('starting the drill cluster… (q quits)');
  });

  it('a guided drill says so instead of auto mode', async () => {
    const r = renderUi(
      <Starting
        header={{ ...header, auto: false, modeLabel: 'guided drill' }}
        waitingFor="starting the drill cluster"
        startedAt={new Date()}
        color={false}
        onQuit={() => undefined}
      />,
      { columns: 100 },
    );
    expect(await waitForContent(r.lastFrame, 'guided drill')).not.toContain('auto mode');
  });

  it.each([
    ['q', 'q'],
    ['Ctrl-C', keys.ctrlC],
  ])('%s quits before the walk is up', async (_name, key) => {
    const onQuit = vi.fn();
    const r = renderUi(
      <Starting
        header={header}
        waitingFor="starting the drill cluster"
        startedAt={new Date()}
        color={false}
        onQuit={onQuit}
      />,
      { columns: 100 },
    );
    await waitForContent(r.lastFrame, 'starting the drill cluster');
    r.stdin.write(key);
    await vi.waitFor(() => expect(onQuit).toHaveBeenCalled());
  });
});
