import { Box } from 'ink';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Header } from '../../src/ui/Header.js';
import { renderUi, waitForContent } from '../helpers/render.js';

const props = {
  runbookTitle: 'A pod will not start or keeps restarting',
  target: 'drill pod-pending-node-selector',
  mode: 'drill' as const,
  running: true,
  auto: false,
};
const t0 = Date.parse('2026-11-25T10:00:00Z');
const ago = (ms: number) => new Date(t0 - ms);
/**
 * A clock the test moves, and the header's one-second interval faked: a tick happens when the test says,
 * so no frame depends on how fast a loaded machine renders (a real clock showed 01:00 before the first look).
 */
function manualClock() {
  let t = t0;
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  return {
    now: () => t,
    /** A second passes: the clock moves and the header's interval fires. */
    tick: () => {
      t += 1_000;
      vi.advanceTimersByTime(1_000);
    },
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('Header', () => {
  it('shows runbook, target, mode and elapsed time', () => {
    const r = renderUi(<Header {...props} startedAt={ago(65_500)} now={() => t0} />);
    expect(r.frame()).toMatchInlineSnapshot(`
      "plumbline · A pod will not start or keeps restarting                       01:05
      drill pod-pending-node-selector · drill · step mode"
    `);
  });

  it('says auto mode when checks run on their own', () => {
    const r = renderUi(<Header {...props} auto startedAt={ago(0)} now={() => t0} />);
    expect(r.frame()).toContain('drill pod-pending-node-selector · drill · auto mode');
  });

  it('ticks each second while the walk runs', async () => {
    const clock = manualClock();
    const r = renderUi(<Header {...props} startedAt={ago(59_200)} now={clock.now} />);
    expect(r.frame()).toContain('00:59');
    clock.tick();
    await waitForContent(r.lastFrame, '01:00');
    clock.tick();
    await waitForContent(r.lastFrame, '01:01');
  });

  it('stops the clock once the walk has ended', async () => {
    // Both read the same clock; the running one beside it shows two seconds have passed.
    const clock = manualClock();
    const started = ago(59_200);
    const r = renderUi(
      <Box flexDirection="column">
        <Header {...props} runbookTitle="ended" running={false} startedAt={started} now={clock.now} />
        <Header {...props} runbookTitle="running" startedAt={started} now={clock.now} />
      </Box>,
    );
    clock.tick();
    clock.tick();
    const frame = await waitForContent(r.lastFrame, /running +01:01/);
    expect(frame).toMatch(/ended +00:59/);
  });

  it('truncates a long runbook title to keep the clock on an 80-column line', () => {
    const r = renderUi(
      <Header
        {...props}
        runbookTitle={'A very long runbook title '.repeat(5)}
        startedAt={ago(3_723_000)}
        now={() => t0}
      />,
    );
    const [first] = r.frame().split('\n');
    expect(first).toMatch(/…\s+1:02:03$/);
    expect(first?.length).toBeLessThanOrEqual(80);
  });
});
