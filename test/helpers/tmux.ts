import { execFileSync, spawnSync } from 'node:child_process';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/**
 * A private tmux server for one test file: send keys, read the screen, wait for text. Each open() starts its
 * server on a socket of its own: `kill-server` returns before the old server has exited, and a new session on
 * the same socket then lands in the dying server ("server exited unexpectedly"), failing the next test at once.
 */
export function tmuxSession(name: string) {
  const session = `${name}-${process.pid}`;
  let opened = 0;
  let socket = session;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', '-t', session);
  return {
    session,
    tmux,
    screen,
    /** Opens the session's terminal (80×24 unless told) running `command` in tmux's shell, on a fresh server. */
    open: (command: string, size = { x: 80, y: 24 }) => {
      socket = `${session}-${++opened}`;
      return tmux('new-session', '-d', '-s', session, '-x', String(size.x), '-y', String(size.y), command);
    },
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
    /** Stops this server and waits until it no longer answers (bounded), so no test leaves one running. */
    kill: async () => {
      spawnSync('tmux', ['-L', socket, 'kill-server']);
      const end = Date.now() + 5_000;
      while (spawnSync('tmux', ['-L', socket, 'list-sessions']).status === 0 && Date.now() < end)
        await new Promise((r) => setTimeout(r, 20));
    },
  };
}
