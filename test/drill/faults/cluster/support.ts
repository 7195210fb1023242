import { runKubectl } from '../../../helpers/kubectl.js';
import type { KubectlResult } from '../../../helpers/kubectl.js';
import { startTestDrill } from '../../../helpers/drill.js';
import type { TestDrill } from '../../../helpers/drill.js';

/** A kubeadm-like cluster (cp-1, worker-1..3, add-ons) with these catalog faults applied. */
export function drillWith(
  faults: Record<string, unknown>[],
  extra: Parameters<typeof startTestDrill>[0] = {},
): Promise<TestDrill> {
  return startTestDrill({
    cluster: { name: 'drill', generate: { controlPlanes: 1, workers: 3, podsPerWorker: 0, addons: true }, nodes: [] },
    faults: faults as never,
    ...extra,
  });
}

export function kubectlOn(d: TestDrill): (...args: string[]) => Promise<KubectlResult> {
  return (...args) => runKubectl(d.drill.kubeconfigPath, args);
}

/** kubectl's human output as rows keyed by header; cells start where their header starts. */
export function table(out: string): Record<string, string>[] {
  const [head = '', ...lines] = out.trimEnd().split('\n');
  const starts = [...head.matchAll(/\S+(?: \S+)*/g)].map((m) => ({ name: m[0], at: m.index }));
  return lines.map((line) =>
    Object.fromEntries(starts.map((c, i) => [c.name, line.slice(c.at, starts[i + 1]?.at ?? line.length).trim()])),
  );
}

export function row(out: string, column: string, value: string | RegExp): Record<string, string> | undefined {
  return table(out).find((r) => (typeof value === 'string' ? r[column] === value : value.test(r[column] ?? '')));
}
