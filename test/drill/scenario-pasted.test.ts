import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startDrill } from '../../src/drill/cluster.js';
import type { RunningDrill } from '../../src/drill/cluster.js';
import { loadScenarioFile } from '../../src/drill/scenario.js';
import type { Scenario } from '../../src/drill/scenarioSchema.js';
import { KubeClient } from '../../src/kube/client.js';
import { loadKubeConfig } from '../../src/kube/config.js';
import { repoRoot, runCli } from '../helpers/cli.js';
import { kubectlAvailable, runKubectl, warnIfKubectlMissing } from '../helpers/kubectl.js';

// Built from nothing but output pasted in a public issue (see the scenario's header).
const scenarioFile = join(repoRoot, 'scenarios', 'pasted-pending-insufficient-cpu.yaml');
const pasted = parse(
  readFileSync(join(repoRoot, 'scenarios', 'raw', 'pending-insufficient-cpu', 'pod.yaml'), 'utf8'),
) as {
  metadata: { name: string; namespace: string };
  spec?: unknown;
  status: unknown;
};
const { name, namespace } = pasted.metadata;

/**
 * JSON as client-node and YAML each hand it over, made comparable: client-node
 * turns times into Dates (printed with milliseconds) and drops nulls.
 */
function plain(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value))
    return new Date(value).toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).flatMap(([k, v]) => (plain(v) === undefined ? [] : [[k, plain(v)]])),
    );
  }
  return value;
}

let scenario: Scenario;
let drill: RunningDrill;
let core: CoreV1Api;

beforeAll(async () => {
  ({ scenario } = await loadScenarioFile(scenarioFile));
  drill = await startDrill(scenario);
  const kc = new KubeConfig();
  kc.loadFromFile(drill.kubeconfigPath);
  core = kc.makeApiClient(CoreV1Api);
});
afterAll(() => drill.close());
warnIfKubectlMissing('pasted scenario through kubectl');

describe('scenario pasted from a real issue', () => {
  it('serves the pasted pod faithfully to client-node', async () => {
    const pod = await core.readNamespacedPod({ name, namespace });
    expect(pod.status).toBeDefined();
    expect(plain(pod.status)).toEqual(plain(pasted.status));
    expect(plain(pod.spec)).toEqual(plain(pasted.spec));
  });

  it('sends the pasted status byte for byte, absolute times untouched', async () => {
    const kube = await KubeClient.create(await loadKubeConfig({ kubeconfig: drill.kubeconfigPath }));
    const raw = await kube.getRaw(`/api/v1/namespaces/${namespace}/pods/${name}`);
    const served = JSON.parse(raw.body) as { status: unknown; spec?: unknown };
    expect(served.status).toEqual(pasted.status);
    expect(served.spec).toEqual(pasted.spec);
  });

  it.skipIf(!kubectlAvailable())('kubectl get pod prints it Pending with no restarts', async () => {
    const r = await runKubectl(drill.kubeconfigPath, ['get', 'pod', name, '-n', namespace]);
    expect(r.stderr).toBe('');
    const [head, row] = r.stdout.trimEnd().split('\n');
    expect(head).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(row).toMatch(new RegExp(`^${name}\\s+0/0\\s+Pending\\s+0\\s+\\S+$`));
  });

  it('a headless drill walk of the built CLI reaches the diagnosis the scenario expects', async () => {
    const r = await runCli(['drill', scenarioFile, '--non-interactive', '--output', 'json']);
    expect(r.exitCode).toBe(0);
    const result = JSON.parse(r.stdout) as {
      outcome: string;
      diagnosis: { id: string } | null;
      path: { step: string; outcome: string }[];
    };
    expect(scenario.expect.diagnosis).toBe('unschedulable-insufficient-resources');
    expect(result.outcome).toBe('diagnosis');
    expect(result.diagnosis?.id).toBe(scenario.expect.diagnosis);
    expect(result.path.map((p) => `${p.step}:${p.outcome}`)).toEqual([
      'pod-status:unscheduled',
      'pod-scheduling:insufficient-resources',
    ]);
  });
});
