import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/cli.js';
import { hasTmux, tmuxSession } from '../helpers/tmux.js';

describe.skipIf(!hasTmux)('-o json|yaml on a real terminal (tmux)', () => {
  it.each(['json', 'yaml'])(
    '-o %s prints the walk object, not the TUI, though both ends are a terminal',
    async (format) => {
      // A tmux server of its own per case: no case waits for another's to go away.
      const { session, tmux, kill } = tmuxSession(`plumbline-otty-${format}`);
      try {
        const dir = mkdtempSync(join(tmpdir(), 'plumbline-otty-'));
        const done = join(dir, 'exit-code');
        // stdin and stdout both the terminal, as when a person types it.
        tmux(
          'set-option',
          '-g',
          'history-limit',
          '10000',
          ';',
          'new-session',
          '-d',
          '-s',
          session,
          '-x',
          '80',
          '-y',
          '24',
          `CI=true ${process.execPath} ${cliPath} drill -o ${format} --transcript ${join(dir, 't.jsonl')}; echo $? > ${done}; sleep 30`,
        );
        const end = Date.now() + 20_000;
        while (!existsSync(done) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
        expect(readFileSync(done, 'utf8').trim()).toBe('0');
        const screen = tmux('capture-pane', '-p', '-S', '-', '-t', session);
        expect(screen).toMatch(format === 'json' ? /"outcome": "diagnosis"/ : /^outcome: diagnosis$/m);
        expect(screen).not.toContain('run check');
      } finally {
        await kill();
      }
    },
  );
});
