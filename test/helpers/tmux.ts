import { execFileSync, spawnSync } from 'node:child_process';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** A private tmux server (its own socket) for one test file: send keys, read the screen, wait for text. */
export function tmuxSession(name: string) {
  const session = `${name}-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', session, ...args], { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', '-t', session);
  return {
    session,
    tmux,
    screen,
    /** Opens the session's terminal (80×24 unless told) running `command` in tmux's shell. */
    open: (command: string, size = { x: 80, y: 24 }) =>
      tmux('new-session', '-d', '-s', session, '-x', String(size.x), '-y', String(size.y), command),
    waitForScreen: async (text: string | RegExp, ms = 20_000): Promise<string> => {
      const end = Date.now() + ms;
      let last = '';
      while (Date.now() < end) {
        last = screen();
        if (typeof text === 'string' ? last.includes(text) : text.test(last)) return last;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`screen never showed ${String(text)}; last screen:\n${last}`);
    },
    kill: () => spawnSync('tmux', ['-L', session, 'kill-server']),
  };
}
