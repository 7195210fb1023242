import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeconfigYaml, startDrillApiServer } from '../../../src/drill/apiserver/server.js';
import { scenarioObjects } from '../../../src/drill/scenario.js';
import { scenarioSchema } from '../../../src/drill/scenarioSchema.js';
import type { DrillApiFault, DrillDenial } from '../../../src/drill/types.js';
import { runCheck } from '../../../src/engine/runCheck.js';
import { KubeClient } from '../../../src/kube/client.js';
import { loadKubeConfig } from '../../../src/kube/config.js';
import { noNodeAccess } from '../../../src/nodeaccess/none.js';
import type { CheckOutput } from '../../../src/runbook/compile.js';

export interface RestrictedDrill {
  /** Method and URL of every request the server saw, in order. */
  requests: string[];
  check(id: string, params: Record<string, string>, timeoutMs?: number): Promise<CheckOutput>;
  close(): Promise<void>;
}

/**
 * A drill API server with RBAC denials and API faults, which inline test
 * scenarios cannot declare yet, and a log of the requests checks make: for
 * the forbidden and timeout paths, and for what a check costs.
 */
export async function startRestrictedDrill(input: {
  nodes?: Record<string, unknown>[];
  /** A generated cluster around the written nodes (see the scenario's cluster.generate). */
  generate?: Record<string, unknown>;
  objects?: Record<string, unknown>[];
  logs?: { namespace: string; pod: string; container: string; previous?: boolean; lines: string[] }[];
  denials?: DrillDenial[];
  apiFaults?: DrillApiFault[];
}): Promise<RestrictedDrill> {
  const scenario = scenarioSchema.parse({
    id: 'restricted',
    title: 'restricted',
    page: 'test',
    runbook: 'workload-down',
    expect: { diagnosis: null },
    cluster: { nodes: input.nodes ?? [], ...(input.generate ? { generate: input.generate } : {}) },
    objects: input.objects ?? [],
    logs: input.logs ?? [],
  });
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const { objects, logs } = scenarioObjects(scenario, now);
  const requests: string[] = [];
  const server = await startDrillApiServer(
    {
      objects,
      logs,
      token: 'restricted-token',
      name: 'restricted',
      denials: input.denials ?? [],
      apiFaults: input.apiFaults ?? [],
    },
    { now: () => now, onRequest: (r) => requests.push(`${r.method} ${r.url}`) },
  );
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-restricted-'));
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, kubeconfigYaml(server, 'restricted'), { mode: 0o600 });
  const kube = await KubeClient.create(await loadKubeConfig({ kubeconfig: path }));
  return {
    requests,
    check: (id, params, timeoutMs = 5000) =>
      runCheck(
        { step: id, check: id, with: params, timeoutMs, inputs: {}, facts: {}, phase: 'top-down' },
        AbortSignal.timeout(timeoutMs),
        { kube, nodes: noNodeAccess, now: () => now, onStart: () => undefined },
      ),
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
