import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { quoteArg, shellQuote } from '../../src/nodeaccess/quote.js';

const hostile = [
  '$(touch /tmp/plumbline-pwned)',
  '`id`',
  '; id',
  '"; id; echo "',
  "it's",
  "'",
  "''\\''",
  'a b  c',
  '',
  '*',
  '~',
  '~root',
  '$HOME',
  '${IFS}',
  'a\nb',
  '\t',
  '!!',
  '-n',
  '--',
  '>/tmp/x',
  '&& reboot',
  '| cat /etc/shadow',
  '#comment',
  '\\',
  'ünïcödé ✓',
  '=cmd',
  '{a,b}',
];

describe('shellQuote', () => {
  it.each([
    [['systemctl', 'show', 'kubelet', '-p', 'ActiveState,SubState'], 'systemctl show kubelet -p ActiveState,SubState'],
    [['journalctl', '-u', 'kubelet', '--since=-15m'], 'journalctl -u kubelet --since=-15m'],
    [['cat', '/var/lib/kubelet/config.yaml'], 'cat /var/lib/kubelet/config.yaml'],
    [['stat', '-c', '%s %a %U', '/x'], "stat -c '%s %a %U' /x"],
    [['printf', '%s\\n', "it's"], "printf '%s\\n' 'it'\\''s'"],
    [['echo', ''], "echo ''"],
    [['A=1', 'x'], "'A=1' x"],
    [['if', 'x'], "'if' x"],
    [['echo', 'if', 'a=b'], 'echo if a=b'],
  ])('%j → %s', (argv, line) => {
    expect(shellQuote(argv)).toBe(line);
  });

  it('quotes every word a shell would treat specially', () => {
    for (const a of hostile.filter((h) => h !== '-n' && h !== '--')) expect(quoteArg(a)).toMatch(/^'.*'$/s);
  });

  // The property that matters: whatever the arguments, a shell given the quoted line runs exactly that argv.
  const shells = ['/bin/sh', '/bin/dash', '/bin/bash', '/bin/zsh', '/usr/bin/zsh', '/bin/busybox'].filter((s) => existsSync(s));
  it.each(shells)('%s receives every hostile argument as one literal word', async (shell) => {
    const argv = ['printf', '%s\\n', ...hostile];
    const script = shellQuote(argv);
    const args = shell.endsWith('busybox') ? ['sh', '-c', script] : ['-c', script];
    const r = await execa(shell, args, { reject: false });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(hostile.join('\n'));
    expect(existsSync('/tmp/plumbline-pwned')).toBe(false);
  });
});
