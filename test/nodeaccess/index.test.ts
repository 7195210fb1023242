import { describe, expect, it } from 'vitest';
import { createNodeAccess, nodeAccessKinds } from '../../src/nodeaccess/index.js';
import { nodeAddress, nodeIsReady } from '../../src/nodeaccess/kube.js';

describe('createNodeAccess', () => {
  it.each(nodeAccessKinds)('--node-access %s gives that backend', (kind) => {
    expect(createNodeAccess(kind).kind).toBe(kind);
  });

  it('the drill backend answers from the hosts it is given', async () => {
    const access = createNodeAccess('drill', {
      hosts: { 'worker-1': { 'cat /proc/loadavg': { stdout: '0.10 0.20 0.30 1/100 4242\n' } } },
    });
    const r = await access.run('worker-1', ['cat', '/proc/loadavg'], {
      timeoutMs: 1000,
      signal: new AbortController().signal,
    });
    expect(r.stdout).toBe('0.10 0.20 0.30 1/100 4242\n');
  });

  it('manual without a prompt (headless) says it cannot ask anyone', async () => {
    await expect(
      createNodeAccess('manual').run('n', ['ps'], { timeoutMs: 1000, signal: new AbortController().signal }),
    ).rejects.toMatchObject({ kind: 'not-possible' });
  });
});

describe('what ssh and kubectl-debug learn about a node from the API', () => {
  const node = (addresses: { type: string; address: string }[], ready?: string) => ({
    metadata: { name: 'worker-1' },
    status: { addresses, conditions: ready ? [{ type: 'Ready', status: ready }] : [] },
  });

  it.each([
    [
      [
        { type: 'Hostname', address: 'worker-1.lan' },
        { type: 'InternalIP', address: '10.0.0.7' },
      ],
      '10.0.0.7',
    ],
    [[{ type: 'Hostname', address: 'worker-1.lan' }], 'worker-1.lan'],
    [[], 'worker-1'],
  ])('ssh target from %j is %s', (addresses, want) => {
    expect(nodeAddress(node(addresses) as never)).toBe(want);
  });

  it.each([
    ['True', true],
    ['False', false],
    ['Unknown', false],
    [undefined, undefined],
  ])('Ready=%s → %s', (status, want) => {
    expect(nodeIsReady(node([], status) as never)).toBe(want);
  });
});
