import { afterAll, beforeAll } from 'vitest';
import { startTestDrill } from '../../../helpers/drill.js';
import type { TestDrill } from '../../../helpers/drill.js';
import { kubectlAvailable, runKubectl, warnIfKubectlMissing } from '../../../helpers/kubectl.js';
import type { KubectlResult } from '../../../helpers/kubectl.js';

export interface FaultDrill {
  t: TestDrill;
  kubectl(...args: string[]): Promise<KubectlResult>;
}

/** A drill on a generated kubeadm-like cluster (1 control plane, 3 workers) with these faults, for the suite. */
export function faultDrill(
  suite: string,
  faults: Record<string, unknown>[],
  generate: Record<string, unknown> = { controlPlanes: 1, workers: 3 },
): FaultDrill {
  warnIfKubectlMissing(suite);
  const d = {} as FaultDrill;
  beforeAll(async () => {
    d.t = await startTestDrill({ cluster: { generate, nodes: [] } as never, faults: faults as never });
    d.kubectl = (...args) => runKubectl(d.t.drill.kubeconfigPath, args);
  });
  afterAll(async () => {
    await d.t?.close();
  });
  return d;
}

export const hasKubectl = kubectlAvailable();

/** The rows of `kubectl get` output, by column header. */
export function rows(out: string): Record<string, string>[] {
  const lines = out.trimEnd().split('\n');
  const header = lines[0] ?? '';
  const starts = [...header.matchAll(/\S+(?: \S+)*/g)].map((m) => ({ name: m[0], at: m.index }));
  return lines
    .slice(1)
    .map((line) =>
      Object.fromEntries(starts.map((c, i) => [c.name, line.slice(c.at, starts[i + 1]?.at ?? line.length).trim()])),
    );
}

/** The name of the one pod matching a label selector. */
export async function podName(d: FaultDrill, namespace: string, labelSelector: string): Promise<string> {
  const pods = await d.t.kube.listPods({ namespace, labelSelector });
  if (pods.length !== 1) throw new Error(`expected one pod for ${labelSelector} in ${namespace}, found ${pods.length}`);
  return pods[0]?.metadata?.name ?? '';
}
