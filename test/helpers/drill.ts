import { noNodeAccess } from '../../src/nodeaccess/none.js';
import { startDrill } from '../../src/drill/cluster.js';
import type { RunningDrill } from '../../src/drill/cluster.js';
import { scenarioSchema } from '../../src/drill/scenarioSchema.js';
import type { Scenario } from '../../src/drill/scenarioSchema.js';
import { KubeClient } from '../../src/kube/client.js';
import { loadKubeConfig } from '../../src/kube/config.js';
import { runCheck } from '../../src/engine/runCheck.js';
import { join } from 'node:path';
import { findCheck } from '../../src/checks/registry.js';
import { loadScenarioFile } from '../../src/drill/scenario.js';
import { loadRunbookFile } from '../../src/runbook/load.js';
import type { LoadedRunbook } from '../../src/runbook/load.js';
import { repoRoot } from './cli.js';
import type { CheckOutput } from '../../src/runbook/compile.js';

export interface TestDrill {
  drill: RunningDrill;
  kube: KubeClient;
  now: Date;
  /** Runs a registered check the way the engine does, with these parameters. */
  check(
    id: string,
    params: Record<string, string>,
    opts?: { allowMutations?: boolean; timeoutMs?: number },
  ): Promise<CheckOutput & { command: string }>;
  close(): Promise<void>;
}

type ScenarioInput = Partial<Omit<Scenario, 'cluster'>> & { cluster?: Partial<Scenario['cluster']> };

/** A real drill API server on loopback, for a scenario written inline in a test. */
export async function startTestDrill(partial: ScenarioInput): Promise<TestDrill> {
  const scenario = scenarioSchema.parse({
    id: 'test',
    title: 'test',
    page: 'test',
    runbook: 'workload-down',
    expect: { diagnosis: null },
    ...partial,
  });
  // Whole seconds, as scenario times are: ages then come out exact.
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  // One clock for the server and the checks, so heartbeats and ages read the same to both.
  const drill = await startDrill(scenario, { now, clock: () => now });
  const config = await loadKubeConfig({ kubeconfig: drill.kubeconfigPath });
  const kube = await KubeClient.create(config);
  return {
    drill,
    kube,
    now,
    async check(id, params, opts = {}) {
      let command = '';
      const timeoutMs = opts.timeoutMs ?? 10_000;
      const out = await runCheck(
        { step: id, check: id, with: params, timeoutMs, inputs: {}, facts: {}, phase: 'top-down' },
        AbortSignal.timeout(timeoutMs),
        {
          kube,
          nodes: noNodeAccess,
          now: () => now,
          allowMutations: opts.allowMutations ?? false,
          onStart: (s) => (command = s.command),
        },
      );
      return { ...out, command };
    },
    close: () => drill.close(),
  };
}

/** A pod object for inline scenarios, with the fields the checks read. */
export function pod(
  name: string,
  namespace: string,
  spec: Record<string, unknown>,
  status: Record<string, unknown>,
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, creationTimestamp: 'now-30m', labels: { app: name } },
    spec: { containers: [{ name: 'main', image: 'registry.example.com/app:1.0' }], ...spec },
    status,
  };
}

/** A container status in CrashLoopBackOff, its previous instance ended as given (the runtime's record). */
export function crashLoopingContainer(c: {
  name: string;
  image: string;
  restartCount: number;
  exitCode: number;
  reason: string;
  started: string;
  finished: string;
}): Record<string, unknown> {
  return {
    name: c.name,
    image: c.image,
    imageID: '',
    ready: false,
    restartCount: c.restartCount,
    state: { waiting: { reason: 'CrashLoopBackOff' } },
    lastState: {
      terminated: { exitCode: c.exitCode, reason: c.reason, startedAt: c.started, finishedAt: c.finished },
    },
  };
}

export function event(
  namespace: string,
  podName: string,
  type: 'Normal' | 'Warning',
  reason: string,
  message: string,
  count = 1,
  last = 'now-1m',
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: `${podName}.181a2b3c${(++eventSerial).toString(16).padStart(8, '0')}`,
      namespace,
      creationTimestamp: 'now-20m',
    },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', name: podName, namespace },
    reason,
    message,
    type,
    count,
    firstTimestamp: 'now-20m',
    lastTimestamp: last,
    source: { component: reason === 'FailedScheduling' ? 'default-scheduler' : 'kubelet' },
  };
}

let eventSerial = 0;

/** A scenario file on a real drill API server, with a client for it and its runbook loaded. */
export interface ScenarioDrill {
  scenario: Scenario;
  drill: RunningDrill;
  kube: KubeClient;
  runbook: LoadedRunbook;
}

/** The screens' tests' set-up: `file` is relative to the repository (scenarios/..., scenarios/real/...). */
export async function startScenarioDrill(file: string): Promise<ScenarioDrill> {
  const { scenario } = await loadScenarioFile(join(repoRoot, file));
  const drill = await startDrill(scenario);
  const kube = await KubeClient.create(await loadKubeConfig({ kubeconfig: drill.kubeconfigPath }));
  const runbook = await loadRunbookFile(join(repoRoot, 'runbooks', `${scenario.runbook}.yaml`), findCheck);
  return { scenario, drill, kube, runbook };
}
