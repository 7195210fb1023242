import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { commandLines, quoteArg, shellQuote } from '../../src/nodeaccess/quote.js';

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
  const shells = ['/bin/sh', '/bin/dash', '/bin/bash', '/bin/zsh', '/usr/bin/zsh', '/bin/busybox'].filter((s) =>
    existsSync(s),
  );
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

describe('commandLines: a command to copy off an 80-column screen', () => {
  const kubeletShow = [
    'systemctl',
    'show',
    'kubelet',
    '-p',
    'LoadState,ActiveState,SubState,Result,NRestarts,ExecMainStatus,ExecMainStartTimestamp,FragmentPath,ExecStart',
  ];

  it('keeps a command that fits on one line as it is', () => {
    expect(commandLines(['journalctl', '-u', 'kubelet', '--since=-15m'], 78)).toEqual([
      'journalctl -u kubelet --since=-15m',
    ]);
  });

  it('breaks between arguments with " \\" and splits an argument wider than the line where the shell joins it', () => {
    expect(commandLines(kubeletShow, 78)).toEqual([
      'systemctl show kubelet -p \\',
      '  LoadState,ActiveState,SubState,Result,NRestarts,ExecMainStatus,\\',
      'ExecMainStartTimestamp,FragmentPath,ExecStart',
    ]);
  });

  const shells = ['/bin/sh', '/bin/dash', '/bin/bash', '/bin/zsh', '/usr/bin/zsh', '/bin/busybox'].filter((s) =>
    existsSync(s),
  );
  const cases: [string, string[], number][] = [
    ['systemctl show at 78', kubeletShow, 78],
    ['systemctl show at 30', kubeletShow, 30],
    ['hostile words at 20', ['printf', '%s\\n', ...hostile], 20],
    [
      'a long quoted argument at 24',
      ['printf', '%s\\n', `it's a path with spaces /var/lib/kubelet/pods/${'x'.repeat(40)}/volumes`, '--', 'end'],
      24,
    ],
  ];
  it.each(shells.flatMap((sh) => cases.map(([name, argv, width]) => [sh, name, argv, width] as const)))(
    '%s reads "%s" back as the same argv',
    async (shell, _name, argv, width) => {
      const lines = commandLines(argv, width);
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(Math.max(width, 12));
      // printf stands in for the command: it prints each word it was given on its own line, NUL-terminated.
      const script = ['printf', "'%s\\0'", ...lines.join('\n').split(' ').slice(1)].join(' ');
      const args = shell.endsWith('busybox') ? ['sh', '-c', script] : ['-c', script];
      const r = await execa(shell, args, { reject: false, stripFinalNewline: false });
      expect(r.stderr).toBe('');
      expect(r.stdout.split('\0').slice(0, -1)).toEqual(argv.slice(1));
    },
  );
});
