import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { bundledNames, resolveAsset } from '../assets.js';
import { findFault } from '../drill/faults/catalog.js';
import { scenarioSchema } from '../drill/scenarioSchema.js';
import type { Scenario } from '../drill/scenarioSchema.js';
import { isBenchmarkScenario } from './difficulty.js';
import type { Difficulty } from './record.js';

/** A fault plumbline can compose a drill from: the runbook and diagnosis it is known to lead to. */
export interface ComposableFault {
  fault: string;
  family: 'pod' | 'node';
  diagnosis: string;
}

/**
 * Faults whose diagnosis through the bundled runbooks is verified headless
 * (test/training/random.test.ts walks each one, alone and with a red herring).
 * Left out: faults not yet walked to a stable diagnosis (pvc-unbound, whose
 * diagnosis id is being renamed; the crash, probe, Cloudpods and cluster
 * faults, whose walks depend on logs and asks); see docs/training.md.
 */
export const composableFaults: readonly ComposableFault[] = [
  { fault: 'image-not-found', family: 'pod', diagnosis: 'image-not-found' },
  { fault: 'image-pull-unauthorized', family: 'pod', diagnosis: 'image-pull-unauthorized' },
  { fault: 'unschedulable-taint', family: 'pod', diagnosis: 'unschedulable-taint' },
  { fault: 'unschedulable-node-selector', family: 'pod', diagnosis: 'unschedulable-node-selector' },
  { fault: 'unschedulable-insufficient-resources', family: 'pod', diagnosis: 'unschedulable-insufficient-resources' },
  { fault: 'kubelet-config-missing', family: 'node', diagnosis: 'kubelet-config-missing' },
  { fault: 'systemd-dbus-hang', family: 'node', diagnosis: 'systemd-dbus-unresponsive' },
  { fault: 'kubelet-cert-expired', family: 'node', diagnosis: 'kubelet-certificate' },
];

/** Bundled scenarios a draw may pick: those with a root cause to name (not the healthy ones, not the scale benchmarks). */
export function drawableScenarios(): string[] {
  return bundledNames('scenarios').filter((n) => {
    if (isBenchmarkScenario(n)) return false;
    try {
      const doc = parse(readFileSync(resolveAsset('scenarios', n), 'utf8')) as {
        expect?: { diagnosis?: unknown };
      } | null;
      return typeof doc?.expect?.diagnosis === 'string';
    } catch {
      return false;
    }
  });
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  const item = items[Math.floor(rand() * items.length)];
  if (item === undefined) throw new Error('nothing to draw from');
  return item;
}

const workers = ['worker-1', 'worker-2', 'worker-3'];

/** The fault entry for a scenario: where it happens, named so the page can name it. */
function faultEntry(
  f: ComposableFault,
  where: { namespace: string; pod: string; node: string },
): Record<string, unknown> {
  return f.family === 'pod'
    ? { fault: f.fault, namespace: where.namespace, pod: where.pod }
    : { fault: f.fault, node: where.node };
}

/**
 * A scenario composed from the catalog: the real fault, and for `hard` a red
 * herring from the other family (a broken pod elsewhere, or a sick node the
 * pod does not run on) that shows in kubectl but is not the cause.
 */
export function composeScenario(
  seed: number,
  difficulty: Exclude<Difficulty, 'medium'>,
  only?: ComposableFault,
): Scenario {
  const rand = seededRandom(seed);
  const drawn = pick(rand, composableFaults);
  // Tests walk every fault; a drill draws one.
  const real = only ?? drawn;
  const node = pick(rand, workers);
  const pod = `${pick(rand, ['api', 'cart', 'checkout', 'search'])}-${Math.floor(rand() * 0xfffff)
    .toString(16)
    .padStart(5, '0')}`;
  const where = { namespace: 'shop', pod, node };
  const faults = [faultEntry(real, where)];
  const title = findFault(real.fault)?.title ?? real.fault;
  if (difficulty === 'hard') {
    const other = composableFaults.filter((f) => f.family !== real.family);
    const herring = pick(rand, other);
    // Elsewhere: another namespace's pod, or a worker the real fault does not touch.
    faults.push(
      faultEntry(herring, {
        namespace: 'batch',
        pod: `report-${seed % 1000}`,
        node: pick(
          rand,
          workers.filter((w) => w !== node),
        ),
      }),
    );
  }
  const pageAndInputs =
    real.family === 'pod'
      ? {
          page: `pod ${pod} in namespace shop is not starting`,
          runbook: 'workload-down',
          inputs: { namespace: 'shop', pod },
        }
      : { page: `node ${node} is NotReady; pods on it are stuck`, runbook: 'node-not-ready', inputs: { node } };
  const hints =
    real.family === 'pod'
      ? [
          "Start from the pod's phase and container states: which stage failed?",
          'Read what the scheduler or the kubelet said about this pod (its events).',
          `The fault: ${title}.`,
        ]
      : [
          "Is the kubelet still posting the node's status? Look at the heartbeat and the Lease.",
          'Go down to the host: the kubelet service, its journal, and what it depends on.',
          `The fault: ${title}.`,
        ];
  return scenarioSchema.parse({
    id: `random-${seed}-${difficulty}`,
    title: `Wheel of misfortune #${seed} (${difficulty})`,
    ...pageAndInputs,
    expect: { diagnosis: real.diagnosis },
    hints,
    cluster: { generate: { controlPlanes: 1, workers: workers.length } },
    faults,
  });
}

export interface DrawnDrill {
  seed: number;
  difficulty: Difficulty;
  /** A scenario file plumbline drill and plumbline test can load. */
  file: string;
  description: string;
}

/** easy: one fault; medium: a bundled scenario; hard: a fault and a red herring. The same seed, the same drill. */
export function drawDrill({
  seed,
  difficulty,
  dir = join(tmpdir(), 'plumbline-drills'),
}: {
  seed: number;
  difficulty: Difficulty;
  dir?: string;
}): DrawnDrill {
  if (difficulty === 'medium') {
    const name = pick(seededRandom(seed), drawableScenarios());
    return { seed, difficulty, file: resolveAsset('scenarios', name), description: `bundled scenario ${name}` };
  }
  const scenario = composeScenario(seed, difficulty);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${scenario.id}.yaml`);
  writeFileSync(file, `# plumbline drill --random --seed ${seed} --difficulty ${difficulty}\n${stringify(scenario)}`, {
    mode: 0o600,
  });
  return {
    seed,
    difficulty,
    file,
    description: `composed scenario ${scenario.id} (${scenario.faults.length} fault${scenario.faults.length > 1 ? 's' : ''})`,
  };
}
