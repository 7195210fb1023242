import { mkdtempSync, rmSync } from 'node:fs';
import { writePrivateFile } from '../base/privateFile.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { kubeconfigYaml, startDrillApiServer } from './apiserver/server.js';
import type { DrillApiServer } from './apiserver/server.js';
import type { Scenario } from './scenarioSchema.js';
import type { DrillHosts, DrillResponse } from '../nodeaccess/drill.js';
import { buildCluster } from './scenario.js';

export interface RunningDrill {
  server: DrillApiServer;
  /** A kubeconfig (mode 0600) that points kubectl and plumbline at this drill. */
  kubeconfigPath: string;
  contextName: string;
  /** What the scenario's simulated hosts answer (baseline, faults, then written outputs). */
  hosts: DrillHosts;
  close(): Promise<void>;
}

/** Serves a scenario's cluster on loopback and writes a kubeconfig for it. */
export interface StartDrillOptions {
  /** The moment the drill starts: `now-…` times in the scenario resolve against it (default: the clock's reading). */
  now?: Date;
  /** The cluster's clock while it runs: ages, heartbeats and lease renewals follow it (default: the wall clock). */
  clock?: () => Date;
  /** Where to write the kubeconfig (kept afterwards); default a private temp dir removed on close. */
  kubeconfigPath?: string;
  port?: number;
}

/** Temp dirs of drills not closed yet: a process that exits without closing one (process.exit after a crash) still removes its kubeconfig. */
const openDirs = new Set<string>();

function removeOpenDirs(): void {
  for (const d of openDirs) rmSync(d, { recursive: true, force: true });
  openDirs.clear();
}

/** A host's answer to a command as text (stdout, then stderr, as a terminal shows them), if the scenario collected it. */
function hostText(hosts: RunningDrill['hosts'], node: string, command: string): string | undefined {
  const a = hosts[node]?.[command];
  const r = Array.isArray(a) ? (a as readonly DrillResponse[])[0] : (a as DrillResponse | undefined);
  if (!r || r.notCollected) return undefined;
  return r.stderr ? `${r.stdout ?? ''}${r.stdout && !r.stdout.endsWith('\n') ? '\n' : ''}${r.stderr}` : r.stdout;
}

export async function startDrill(scenario: Scenario, opts: StartDrillOptions = {}): Promise<RunningDrill> {
  const clock = opts.clock ?? (() => new Date());
  const now = opts.now ?? clock();
  const built = buildCluster(scenario, now);
  const name = `plumbline-${scenario.cluster.name}`;
  const server = await startDrillApiServer(
    {
      objects: built.objects,
      virtual: built.virtual,
      logs: built.logs,
      token: randomBytes(24).toString('hex'),
      name,
      user: built.user,
      denials: built.denials,
      apiFaults: built.apiFaults,
      ...(built.profiles ? { profiles: built.profiles } : {}),
      ...(built.nodeMetrics ? { nodeMetrics: built.nodeMetrics } : {}),
      ...(built.servingCertificate ? { servingCertificate: built.servingCertificate } : {}),
      logsNotCollected: built.logsNotCollected,
      serviceProxy: built.serviceProxy,
    },
    {
      now: clock,
      startedAt: now,
      hostText: (node, command) => hostText(built.hosts, node, command),
      ...(opts.port === undefined ? {} : { port: opts.port }),
    },
  );
  const dir = opts.kubeconfigPath ? undefined : mkdtempSync(join(tmpdir(), 'plumbline-drill-'));
  const kubeconfigPath = opts.kubeconfigPath ?? join(dir ?? '', 'kubeconfig');
  const removeDir = () => {
    if (!dir) return;
    rmSync(dir, { recursive: true, force: true });
    openDirs.delete(dir);
  };
  if (dir) openDirs.add(dir);
  if (openDirs.size === 1 && !process.listeners('exit').includes(removeOpenDirs)) process.on('exit', removeOpenDirs);
  try {
    writePrivateFile(kubeconfigPath, kubeconfigYaml(server, name));
  } catch (err) {
    await server.close();
    removeDir();
    throw err;
  }
  return {
    server,
    kubeconfigPath,
    contextName: name,
    hosts: built.hosts,
    async close() {
      await server.close();
      removeDir();
    },
  };
}
