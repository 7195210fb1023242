import { Box } from 'ink';
import { describe, expect, it } from 'vitest';
import { Header } from '../../src/ui/Header.js';
import { renderUi, waitForContent } from '../helpers/render.js';

const props = {
  runbookTitle: 'A pod will not start or keeps restarting',
  target: 'drill pod-pending-node-selector',
  mode: 'drill' as const,
  running: true,
  auto: false,
};
const ago = (ms: number) => new Date(Date.now() - ms);

describe('Header', () => {
  it('shows runbook, target, mode and elapsed time', () => {
    const r = renderUi(<Header {...props} startedAt={ago(65_500)} />);
    expect(r.frame()).toMatchInlineSnapshot(`
      "plumbline · A pod will not start or keeps restarting                       01:05
      drill pod-pending-node-selector · drill · step mode"
    `);
  });

  it('says auto mode when checks run on their own', () => {
    const r = renderUi(<Header {...props} auto startedAt={ago(0)} />);
    expect(r.frame()).toContain('drill pod-pending-node-selector · drill · auto mode');
  });

  it('ticks each second while the walk runs', async () => {
    const r = renderUi(<Header {...props} startedAt={ago(59_200)} />);
    expect(r.frame()).toContain('00:59');
    await waitForContent(r.lastFrame, '01:00', 2_000);
  });

  it('stops the clock once the walk has ended', async () => {
    // A running header beside it shows a second has passed.
    const started = ago(59_200);
    const r = renderUi(
      <Box flexDirection="column">
        <Header {...props} runbookTitle="ended" running={false} startedAt={started} />
        <Header {...props} runbookTitle="running" startedAt={started} />
      </Box>,
    );
    const frame = await waitForContent(r.lastFrame, /running +01:00/, 2_000);
    expect(frame).toMatch(/ended +00:59/);
  });

  it('truncates a long runbook title to keep the clock on an 80-column line', () => {
    const r = renderUi(<Header {...props} runbookTitle={'A very long runbook title '.repeat(5)} startedAt={ago(3_723_000)} />);
    const [first] = r.frame().split('\n');
    expect(first).toMatch(/…\s+1:02:03$/);
    expect(first?.length).toBeLessThanOrEqual(80);
  });
});
