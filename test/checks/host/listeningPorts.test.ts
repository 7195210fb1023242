import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopback, parseListeningPorts } from '../../../src/checks/host/listeningPorts.js';
import { createLocalAccess } from '../../../src/nodeaccess/local.js';
import { fixture } from './fixtures.js';
import { runHostCheck } from './helpers.js';

const hasSs = spawnSync('sh', ['-c', 'command -v ss']).status === 0;

describe('host.listening-ports', () => {
  it('the kubelet on *:10250, with its process', () => {
    const r = parseListeningPorts(fixture('ss-ltnp-kubelet-nginx'), { node: 'n', port: 10250 });
    expect(r.outcome).toBe('listening');
    expect(r.facts).toEqual({ listeningAddresses: '*:10250', listeningProcess: 'kubelet', listeningPid: 19241 });
    expect(r.summary).toBe('TCP port 10250 is listening on * by kubelet (pid 19241)');
  });

  it('nginx on 443', () => {
    expect(parseListeningPorts(fixture('ss-ltnp-kubelet-nginx'), { node: 'n', port: 443 }).facts.listeningProcess).toBe(
      'nginx',
    );
  });

  it('only on 127.0.0.1: loopback-only, which other machines cannot reach', () => {
    const r = parseListeningPorts(fixture('ss-ltnp-loopback-only'), { node: 'n', port: 10248 });
    expect(r.outcome).toBe('loopback-only');
    expect(parseListeningPorts(fixture('ss-ltnp-loopback-only'), { node: 'n', port: 10250 }).outcome).toBe(
      'not-listening',
    );
  });

  it('without root ss shows no process, and the evidence says why', () => {
    const r = parseListeningPorts(fixture('ss-ltnp-not-root'), { node: 'n', port: 443 });
    expect(r.outcome).toBe('listening');
    expect(r.evidence).toContainEqual({
      label: 'process',
      value: 'not shown: ss names the process only when run as root',
    });
  });

  it('knows loopback addresses in the forms ss prints them', () => {
    expect(['127.0.0.1', '[::1]', '127.0.0.53%lo', '[::ffff:127.0.0.1]'].every(isLoopback)).toBe(true);
    expect(['*', '0.0.0.0', '[::]', '10.0.0.4'].some(isLoopback)).toBe(false);
  });

  describe.skipIf(!hasSs)('the real ss on this machine, against sockets this test opens', () => {
    const servers: Server[] = [];
    const listen = (host: string) =>
      new Promise<number>((resolve) => {
        const s = createServer();
        servers.push(s);
        s.listen(0, host, () => resolve((s.address() as AddressInfo).port));
      });
    let loop = 0;
    let any = 0;
    beforeAll(async () => {
      loop = await listen('127.0.0.1');
      any = await listen('0.0.0.0');
    });
    afterAll(() => servers.forEach((s) => s.close()));
    const local = createLocalAccess({ anyNode: true });

    it('finds this test process listening, and tells loopback from everywhere', async () => {
      const a = await runHostCheck('host.listening-ports', { node: 'n', port: any }, local);
      expect(a.outcome).toBe('listening');
      if (process.getuid?.() === 0) expect(a.facts.listeningPid).toBe(process.pid);
      const l = await runHostCheck('host.listening-ports', { node: 'n', port: loop }, local);
      expect(l.outcome).toBe('loopback-only');
    });

    it('a closed port is not-listening', async () => {
      const closed = await listen('127.0.0.1');
      await new Promise((r) => servers.at(-1)?.close(r));
      expect((await runHostCheck('host.listening-ports', { node: 'n', port: closed }, local)).outcome).toBe(
        'not-listening',
      );
    });
  });
});
