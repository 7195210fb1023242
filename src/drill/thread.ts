import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../assets.js';
import { lookupIn } from '../nodeaccess/drill.js';
import type { HostAnswer, HostLookup } from '../nodeaccess/drill.js';
import type { Scenario } from './scenarioSchema.js';
import type { FromThread, ThreadStart, ToThread } from './threadProtocol.js';

declare const PLUMBLINE_BUNDLED: boolean | undefined;

/** A drill cluster that is up: where kubectl and plumbline reach it, and its hosts' answers. */
export interface DrillCluster {
  url: string;
  /** The simulated hosts' answers, looked up where the cluster runs. */
  hosts: HostLookup;
}

/** A drill cluster on its way up: what is known at once (the kubeconfig's path and context), and when it is up. */
export interface StartingDrill {
  kubeconfigPath: string;
  contextName: string;
  ready: Promise<DrillCluster>;
  /** Stops the cluster (up or still starting) and removes its kubeconfig. */
  close(): Promise<void>;
}

/** A cluster this large takes a core and a few hundred MB to build: it runs alone, and beside a walk, not in its thread. */
const heavyPods = 10_000;

export function isHeavy(s: Scenario): boolean {
  const g = s.cluster.generate;
  return g !== undefined && g.workers * Math.max(g.podsPerWorker, 1) >= heavyPods;
}

/** The context a scenario's kubeconfig names (as startDrill writes it). */
export function drillContextName(scenario: Scenario): string {
  return `plumbline-${scenario.cluster.name}`;
}

/**
 * Starts a scenario's cluster off the caller's thread: the bundle runs it in a
 * worker thread (dist/drill-worker.js), so building and serving 5,000 nodes
 * never stalls the screen; only a host answer a check asks for crosses back.
 * Run from source (tests), or with `sameThread` (scenarios walked one after
 * another, headless), it starts in this thread through the same interface.
 */
export function startDrillThread(scenario: Scenario, opts: { now?: Date; sameThread?: boolean } = {}): StartingDrill {
  const dir = mkdtempSync(join(tmpdir(), 'plumbline-drill-'));
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  // A process that exits without closing the drill (process.exit after a crash) still removes its kubeconfig.
  process.on('exit', removeDir);
  const kubeconfigPath = join(dir, 'kubeconfig');
  const start: ThreadStart = { scenario, now: (opts.now ?? new Date()).getTime(), kubeconfigPath };
  const started = typeof PLUMBLINE_BUNDLED === 'undefined' || opts.sameThread ? inThisThread(start) : inWorker(start);
  let closing: Promise<void> | undefined;
  return {
    kubeconfigPath,
    contextName: drillContextName(scenario),
    ready: started.ready,
    close() {
      closing ??= started.close().finally(() => {
        removeDir();
        process.off('exit', removeDir);
      });
      return closing;
    },
  };
}

interface Started {
  ready: Promise<DrillCluster>;
  close(): Promise<void>;
}

function inThisThread(start: ThreadStart): Started {
  // Imported here: a TUI that runs the cluster in its worker never loads (nor holds) the simulator in its own thread.
  const running = import('./cluster.js').then(({ startDrill }) =>
    startDrill(start.scenario, { now: new Date(start.now), kubeconfigPath: start.kubeconfigPath }),
  );
  running.catch(() => undefined); // its failure is the caller's, through ready
  return {
    ready: running.then((d) => ({ url: d.server.url, hosts: lookupIn(d.hosts) })),
    close: () =>
      running.then(
        (d) => d.close(),
        () => undefined,
      ),
  };
}

function inWorker(start: ThreadStart): Started {
  const worker = new Worker(join(packageRoot(), 'dist', 'drill-worker.js'), { workerData: start });
  const pending = new Map<number, { resolve: (a: HostAnswer) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let ended: Error | undefined;
  let closed: (() => void) | undefined;
  const ready = new Promise<DrillCluster>((resolve, reject) => {
    worker.on('message', (m: FromThread) => {
      if (m.type === 'ready') resolve({ url: m.url, hosts });
      else if (m.type === 'error') reject(rebuilt(m));
      else if (m.type === 'host') {
        pending.get(m.id)?.resolve(m.answer);
        pending.delete(m.id);
      } else closed?.();
    });
    const fail = (err: Error) => {
      ended = err;
      reject(err);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
      closed?.();
    };
    worker.on('error', (err: Error) =>
      fail(new Error(`the drill cluster's thread failed: ${err.message}`, { cause: err })),
    );
    worker.on('exit', (code) => fail(new Error(`the drill cluster's thread ended (exit ${code})`)));
  });
  ready.catch(() => undefined); // a start that failed is reported where ready is awaited
  const send = (m: ToThread) => worker.postMessage(m);
  const hosts: HostLookup = (node, key) => {
    if (ended) return Promise.reject(ended);
    const id = nextId++;
    return new Promise<HostAnswer>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      send({ type: 'host', id, node, key });
    });
  };
  return {
    ready,
    async close() {
      if (!ended) {
        // The server closes its sockets first, so a client sees its connection end as a server's would.
        await new Promise<void>((resolve) => {
          closed = resolve;
          send({ type: 'close' });
        });
      }
      await worker.terminate();
    },
  };
}

/** The thread's error as the CLI reports it: by name (ScenarioBuildError, PrivateFileError), with its message. */
function rebuilt(m: Extract<FromThread, { type: 'error' }>): Error {
  const err = new Error(m.message) as Error & { faultIndex?: number };
  err.name = m.name;
  err.stack = m.stack;
  if (m.faultIndex !== undefined) err.faultIndex = m.faultIndex;
  return err;
}
