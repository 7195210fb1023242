import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliPath } from '../helpers/cli.js';
import { hasTmux, tmuxSession } from '../helpers/tmux.js';

const { session, tmux, kill } = tmuxSession('plumbline-otty');

describe.skipIf(!hasTmux)('-o json|yaml on a real terminal (tmux)', () => {
  afterEach(() => {
    kill();
  });

  it.each(['json', 'yaml'])('-o %s prints the walk object, not the TUI, though both ends are a terminal', async (format) => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbline-otty-'));
    const out = join(dir, 'out');
    const done = join(dir, 'exit-code');
    // stdin and stdout both the terminal, as when a person types it; the pane's whole history is read after it exits.
    tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', `CI=true ${process.execPath} ${cliPath} drill -o ${format} --transcript ${join(dir, 't.jsonl')}; echo $? > ${done}; tmux -L ${session} capture-pane -p -S - -t ${session} > ${out}; sleep 30`);
    const end = Date.now() + 20_000;
    while (!existsSync(out) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(done, 'utf8').trim()).toBe('0');
    const screen = readFileSync(out, 'utf8');
    expect(screen).toMatch(format === 'json' ? /"outcome": "diagnosis"/ : /^outcome: diagnosis$/m);
    expect(screen).not.toContain('run check');
  });
});
