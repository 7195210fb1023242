import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { frontProxyArgv, parseFrontProxy } from '../../../src/checks/host/frontProxy.js';
import { createLocalAccess } from '../../../src/nodeaccess/local.js';
import { fixture } from './fixtures.js';
import { runHostCheck } from './helpers.js';

const p = { node: 'gw', unit: 'nginx' };

describe('host.front-proxy', () => {
  it('asks systemd exactly this', () => {
    expect(frontProxyArgv(p).join(' ')).toBe(
      'systemctl show nginx -p LoadState,ActiveState,SubState,Result,NRestarts,ExecMainStatus,ExecMainStartTimestamp',
    );
  });

  it.each([
    ['systemctl-show-nginx-running', 'running', 'nginx is active (running)'],
    [
      'systemctl-show-nginx-failed',
      'failed',
      'nginx is failed (Result=exit-code, exit status 1): `journalctl -u nginx` says why (with nginx, `nginx -t` checks the configuration)',
    ],
    [
      'systemctl-show-nginx-not-found',
      'not-installed',
      'nginx is not installed (no such unit): is the proxy on another machine, or run as a container?',
    ],
  ])('%s → %s', (name, outcome, summary) => {
    const r = parseFrontProxy(fixture(name), p);
    expect(r.outcome).toBe(outcome);
    expect(r.summary).toBe(summary);
    expect(r.facts.proxyUnit).toBe('nginx');
  });

  it('no systemd: the error says so', () => {
    expect(parseFrontProxy(fixture('systemctl-show-nginx-no-systemd'), p)).toMatchObject({
      outcome: 'error',
      facts: { errorKind: 'no-systemd' },
    });
  });

  it.skipIf(readFileSync('/proc/1/comm', 'utf8').trim() === 'systemd')(
    'on this machine, through the local backend: no systemd, said plainly',
    async () => {
      const r = await runHostCheck('host.front-proxy', { node: 'this-node' }, createLocalAccess({ anyNode: true }));
      expect(r.outcome).toBe('error');
      expect(['no-systemd', 'command-missing']).toContain(r.facts.errorKind);
    },
  );
});
