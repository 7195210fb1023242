import { describe, expect, it } from 'vitest';
import { hasTmux, tmuxSession } from '../helpers/tmux.js';

// The tmux tests open a terminal, kill it after each test, and open the next at once: the next one must always
// get a live terminal. kill-server returns before its server has gone; a session opened on its socket then
// died with it ("server exited unexpectedly"), failing a test within a few ms (the Ctrl-C test, in 138 ms).
describe.skipIf(!hasTmux)('tmuxSession()', () => {
  it('opens a working terminal right after the previous one was killed, every time', async () => {
    const { open, screen, waitForScreen, kill } = tmuxSession('plumbline-helper');
    try {
      for (let i = 0; i < 40; i++) {
        open(`echo ready-${i}; sleep 30`);
        await waitForScreen(`ready-${i}`, 5_000);
        expect(screen()).toContain(`ready-${i}`);
        await kill();
      }
    } finally {
      await kill();
    }
  }, 60_000);
});
