import { afterAll, beforeAll } from 'vitest';
import type { KubeObject } from '../../../../src/drill/types.js';
import { createDrillAccess } from '../../../../src/nodeaccess/drill.js';
import type { CheckOutput } from '../../../../src/runbook/compile.js';
import { startTestDrill } from '../../../helpers/drill.js';
import type { TestDrill } from '../../../helpers/drill.js';
import { runKubectl } from '../../../helpers/kubectl.js';
import { runHostCheck } from '../../../checks/host/helpers.js';

export interface FaultDrill {
  t: TestDrill;
  /** A registered host check, run as the engine runs it, through the drill backend. */
  host(id: string, params: Record<string, string | number>): Promise<CheckOutput>;
  /** What a command prints on a node of the drill. */
  run(node: string, command: string): Promise<{ stdout: string; stderr: string; exitCode: number | null }>;
  /** An object as the drill's API server serves it (`kubectl get -o json`). */
  get(...args: string[]): Promise<KubeObject>;
  kubectl(...args: string[]): Promise<string>;
}

/** A drill (cp-1, worker-1..3) with these faults, started once for the file's tests. */
export function faultDrill(faults: Record<string, unknown>[]): FaultDrill {
  let t: TestDrill | undefined;
  beforeAll(async () => {
    t = await startTestDrill({
      cluster: { name: 'drill', generate: { controlPlanes: 1, workers: 3, podsPerWorker: 2, addons: true }, nodes: [] },
      faults: faults as never,
    });
  });
  afterAll(async () => {
    await t?.close();
  });
  const kubectl = async (args: string[]) => {
    const r = await runKubectl(drill().drill.kubeconfigPath, args);
    if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const drill = () => {
    if (!t) throw new Error('the drill has not started');
    return t;
  };
  return {
    get t() {
      return drill();
    },
    host: (id, params) => runHostCheck(id, params, createDrillAccess({ hosts: drill().drill.hosts })),
    async run(node, command) {
      const r = await createDrillAccess({ hosts: drill().drill.hosts }).run(node, command.split(' '), {
        timeoutMs: 10_000,
        signal: AbortSignal.timeout(10_000),
      });
      return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
    },
    async get(...args) {
      return JSON.parse(await kubectl(['get', ...args, '-o', 'json'])) as KubeObject;
    },
    kubectl: (...args) => kubectl(args),
  };
}

export interface NodeView {
  conditions: {
    type: string;
    status: string;
    reason?: string;
    message?: string;
    lastHeartbeatTime?: string;
    lastTransitionTime?: string;
  }[];
  taints: { key: string; effect: string; timeAdded?: string }[];
}

export function nodeView(node: KubeObject): NodeView {
  return {
    conditions: (node.status as { conditions?: NodeView['conditions'] } | undefined)?.conditions ?? [],
    taints: (node.spec as { taints?: NodeView['taints'] } | undefined)?.taints ?? [],
  };
}
