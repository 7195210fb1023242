import { describe, expect, it } from 'vitest';
import { faultDrill } from './helpers.js';

describe('fault front-proxy-down', () => {
  const d = faultDrill([{ fault: 'front-proxy-down', node: 'worker-1', since: 'now-30m' }]);

  it('the front-proxy check finds nginx failed', async () => {
    const r = await d.host('host.front-proxy', { node: 'worker-1' });
    expect(r.outcome).toBe('failed');
    expect(r.facts).toMatchObject({ proxyUnit: 'nginx', proxyActiveState: 'failed', proxyResult: 'exit-code' });
    expect((await d.host('host.front-proxy', { node: 'worker-2' })).outcome).toBe('not-installed');
  });

  it('nothing listens on 80 or 443', async () => {
    expect((await d.host('host.listening-ports', { node: 'worker-1', port: 443 })).outcome).toBe('not-listening');
    expect((await d.host('host.listening-ports', { node: 'worker-1', port: 80 })).outcome).toBe('not-listening');
    expect((await d.run('worker-1', 'ps -eo pid,etimes,args')).stdout).not.toContain('nginx');
  });
});
