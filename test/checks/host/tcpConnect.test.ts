import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomeOfErrno } from '../../../src/checks/host/tcpConnect.js';
import { noNodeAccess } from '../../../src/nodeaccess/none.js';
import { runHostCheck } from './helpers.js';

describe('network.tcp-connect, on real sockets', () => {
  let server: Server;
  let open = 0;
  let closed = 0;
  beforeAll(async () => {
    server = createServer((s) => s.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    open = (server.address() as AddressInfo).port;
    // A port that was just free: bind it, note it, close it.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    closed = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
  });
  afterAll(() => server.close());

  it('a listening server is open, and the command shows the nc equivalent', async () => {
    const r = await runHostCheck('network.tcp-connect', { host: '127.0.0.1', port: open }, noNodeAccess);
    expect(r.outcome).toBe('open');
    expect(r.command).toBe(`nc -vz -w 5 127.0.0.1 ${open}`);
    expect(r.facts).toMatchObject({ tcpResult: 'open', tcpErrno: '', tcpRemoteAddress: '127.0.0.1' });
  });

  it('a closed port is refused, with ECONNREFUSED as the evidence', async () => {
    const r = await runHostCheck('network.tcp-connect', { host: '127.0.0.1', port: closed }, noNodeAccess);
    expect(r.outcome).toBe('refused');
    expect(r.facts.tcpErrno).toBe('ECONNREFUSED');
    expect(r.evidence).toContainEqual({
      label: 'errno',
      value: `ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:${closed}`,
    });
    expect(r.summary).toContain('nothing listens on that port');
  });

  it('a .invalid name never resolves (RFC 6761)', async () => {
    const r = await runHostCheck(
      'network.tcp-connect',
      { host: 'rancher.plumbline.invalid', port: 443, timeoutMs: 8000 },
      noNodeAccess,
    );
    expect(r.outcome).toBe('unresolvable');
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(r.facts.tcpErrno);
  });

  it('errno → outcome', () => {
    expect(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH'].map(outcomeOfErrno)).toEqual([
      'refused',
      'unresolvable',
      'timeout',
      'unreachable',
      'unreachable',
    ]);
  });

  it('parameters are checked: no port, no connect', async () => {
    const r = await runHostCheck('network.tcp-connect', { host: '127.0.0.1' }, noNodeAccess);
    expect(r).toMatchObject({ outcome: 'error', facts: { errorKind: 'bad-parameters' } });
  });
});
