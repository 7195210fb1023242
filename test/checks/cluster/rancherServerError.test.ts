import { describe, expect, it } from 'vitest';
import { clusterRancherServerError } from '../../../src/checks/cluster/rancherServerError.js';

/** The Rancher server's side of a failed tunnel, as pasted from the Rancher cluster (issue 22: read before a hop is chosen). */
describe('cluster.rancher-server-error', () => {
  it.each([
    // https://github.com/rancher/rancher/issues/48776 (both refusals, verbatim)
    [
      '2025-01-19T05:45:04.883612463Z 2025/01/19 05:45:04 [ERROR] Failed to handle tunnel request from remote address 172.71.194.153:9510 (X-Forwarded-For: 149.28.42.209): response 400: cluster not found',
      'cluster-not-found',
      'HTTP 400: cluster not found (agent at 149.28.42.209)',
    ],
    [
      '2025-01-19T05:44:54.866949033Z 2025/01/19 05:44:54 [ERROR] Failed to handle tunnel request from remote address 172.69.67.119:43994 (X-Forwarded-For: 149.28.42.209): response 401: failed authentication',
      'cluster-not-found',
      'HTTP 401: failed authentication (agent at 149.28.42.209)',
    ],
  ])('%s → %s', async (line, outcome, detail) => {
    const r = await clusterRancherServerError.run({} as never, { line });
    expect(r.outcome).toBe(outcome);
    expect(r.facts.serverLogDetail).toBe(detail);
    expect(r.summary).toBe(`the Rancher server names the hop: ${outcome} (${detail})`);
  });

  it("a line in the agent's words reads the same from the server", async () => {
    // https://github.com/rancher/rancher/issues/48776
    const r = await clusterRancherServerError.run({} as never, {
      line: '2025-01-19T05:44:54.905408047Z 2025/01/19 05:44:54 [ERROR] Failed to dial steve aggregation server: websocket: bad handshake',
    });
    expect(r.outcome).toBe('bad-handshake');
  });

  it('a line no hop explains is kept as the finding; none given says so', async () => {
    // https://github.com/rancher/rancher/issues/48574 (its title, as the server logged it)
    const other = await clusterRancherServerError.run({} as never, {
      line: 'Failed to handle tunnel request from remote address : response 400: Operation cannot be fulfilled on nodes.management.cattle.io "m-xxxxxx": the object has been modified; please apply your changes to t',
    });
    expect(other).toMatchObject({
      outcome: 'other-error',
      summary: 'the Rancher server logs an error no hop is known for',
    });
    const none = await clusterRancherServerError.run({} as never, { line: '' });
    expect(none.outcome).toBe('none');
  });
});
