import { resolve as resolvePath, sep } from 'node:path';
import { validate } from '../runbook/load.js';
import { InputError, readYamlSource } from '../base/source.js';
import type { YamlSource } from '../base/source.js';
import { anyCommand } from '../nodeaccess/drill.js';
import type { DrillHosts, DrillResponse } from '../nodeaccess/drill.js';
import { findFault } from './faults/catalog.js';
import { faultContext, FaultError } from './faults/context.js';
import type { ClusterParts } from './faults/context.js';
import { generatedNodeNames, generateObjects, nodeUid } from './generate.js';
import { healthyHosts } from './hosts/healthy.js';
import { commands } from './hosts/commands.js';
import { listUnitsTable } from './hosts/format.js';
import { kubernetesUnits, serviceJournalsArgv } from '../checks/host/serviceJournals.js';
import { kubeProxyRules, programmedPorts } from './hosts/kubeProxy.js';
import { flattenLists, inlineRawFiles } from './raw.js';
import { shiftObjectTimes, shiftText, timeShift } from './timeShift.js';
import type { TimeShift } from './timeShift.js';
import type { ContainerLog, DrillHttpAnswer, KubeObject, VirtualObjects } from './types.js';
import { precompiled } from '../precompiled.js';
import { resolveLogLine, resolveTime, resolveTimes } from './relativeTime.js';
import { drillResponse, nodeSpec, scenarioSchema } from './scenarioSchema.js';
import type { HostResponse, NodeSpec, Scenario } from './scenarioSchema.js';
import { node as typedNode } from './objects/core.js';
import { publishRootCA } from './generate/addons.js';

export interface LoadedScenario {
  scenario: Scenario;
  file: string;
}

/** Reads a scenario and the raw files it names (relative to its directory), which come inlined in the result. */
export async function loadScenarioFile(file: string): Promise<LoadedScenario> {
  // A bundled scenario unchanged since the build was validated then (src/precompiled.ts).
  const built = precompiled('scenarios', file) as Scenario | undefined;
  if (built) return { scenario: built, file };
  return loadScenarioSource(await readYamlSource(file));
}

/** The same, from a file already read and parsed. */
export async function loadScenarioSource(source: YamlSource): Promise<LoadedScenario> {
  const file = source.file;
  const scenario = validate(source, scenarioSchema);
  // A real case is only as honest as its citation: under real/ the thread it came from is required.
  if (isRealScenarioPath(file) && !scenario.source) {
    throw new InputError([
      source.problem(
        ['id'],
        'a scenario under real/ needs a source: block (url of the thread the output was pasted in; date, platform, verbatim, frame)',
      ),
    ]);
  }
  return { scenario: await inlineRawFiles(scenario, source), file };
}

/** A file in a `real/` folder (the corpus of cases rebuilt from pasted output). */
export function isRealScenarioPath(file: string): boolean {
  return resolvePath(file).split(sep).slice(0, -1).includes('real');
}

/** Whether host answers and container logs the scenario does not give are "not collected" rather than defaults. */
export function notCollectedOf(s: Pick<Scenario, 'source' | 'notCollected'>): { hosts: boolean; logs: boolean } {
  const real = s.source !== undefined;
  return { hosts: s.notCollected?.hosts ?? real, logs: s.notCollected?.logs ?? real };
}

/** A scenario's cluster, built: what the API server serves and what the simulated hosts answer. */
export interface BuiltCluster extends ClusterParts {
  user: string;
  /** The API server's serving certificate validity, when the scenario states it. */
  servingCertificate?: { notBefore?: Date; notAfter?: Date };
  /** Logs the scenario does not give are refused as the kubelet being out of reach would be, not served empty. */
  logsNotCollected: boolean;
  /** What services answer through the API server's proxy (the scenario's `http:`). */
  serviceProxy: DrillHttpAnswer[];
}

/** A fault in the scenario could not be applied (e.g. it names a node the cluster lacks). */
export class ScenarioBuildError extends Error {
  constructor(
    message: string,
    /** Index in `faults:` of the fault that failed. */
    readonly faultIndex: number,
  ) {
    super(message);
    this.name = 'ScenarioBuildError';
  }
}

/**
 * kube-proxy's rules as the objects stand when a node's rules are first read
 * (after faults and written objects), computed once: the written objects and
 * the generated filler apps' EndpointSlices, which are made on read, so every
 * filler Service is programmed with its endpoints as on a real node.
 */
function serviceRules(
  objects: readonly KubeObject[],
  virtual: readonly VirtualObjects[] = [],
): ReturnType<typeof kubeProxyRules> {
  const cached = ruleCache.get(objects);
  if (cached) return cached;
  const slices: KubeObject[] = [];
  for (const v of virtual) {
    if (v.kind !== 'EndpointSlice') continue;
    for (let i = 0; i < v.size; i++) if (v.exists(i)) slices.push(v.make(i));
  }
  const rules = kubeProxyRules(programmedPorts(slices.length > 0 ? [...objects, ...slices] : objects));
  ruleCache.set(objects, rules);
  return rules;
}
const ruleCache = new WeakMap<readonly KubeObject[], ReturnType<typeof kubeProxyRules>>();

/** Generation, then faults in order, then the written objects, logs and host outputs (which win). */
export function buildCluster(s: Scenario, now: Date): BuiltCluster {
  const unread = [
    ...s.objectFiles,
    ...s.logFiles.map((l) => l.file),
    ...Object.values(s.hosts).flatMap((c) =>
      Object.values(c)
        .flat()
        .flatMap((r) => r.file ?? []),
    ),
    ...s.cluster.nodes.flatMap((n) =>
      [n.kernelLog?.file ?? [], ...Object.values(n.journals ?? {}).map((j) => j?.file ?? [])].flat(),
    ),
  ];
  if (unread.length > 0)
    throw new Error(`scenario ${s.id}: raw files are read by loadScenarioFile, not here (${unread.join(', ')})`);
  const specs = new Map<string, NodeSpec>();
  const g = s.cluster.generate;
  if (g)
    for (const n of generatedNodeNames(g))
      specs.set(n.name, nodeSpec.parse({ name: n.name, role: n.role, age: '90d' }));
  for (const n of s.cluster.nodes) specs.set(n.name, n);
  const nodeSpecs = [...specs.values()];
  // 5,000 nodes and their leases, pods and host answers ask for the same few times: each is resolved once.
  const resolved = new Map<string, string>();
  const at = (t: string): string => {
    let r = resolved.get(t);
    if (r === undefined) {
      r = resolveTime(t, now) ?? t;
      resolved.set(t, r);
    }
    return r;
  };
  const nodes = nodeSpecs.map((n, i) => nodeObject(n, i, at, s.source !== undefined));
  const layout = nodeSpecs.map((n, i) => ({
    name: n.name,
    role: n.role,
    ip: internalIP(n, i),
    heartbeatAgeSeconds: n.heartbeatAgeSeconds,
  }));
  const generated = generateObjects(g ?? { controlPlanes: 0, workers: 0, podsPerWorker: 0, addons: false }, layout, at);
  const missing = notCollectedOf(s);
  const parts: ClusterParts = {
    objects: [...nodes, ...generated.objects],
    virtual: generated.virtual,
    logs: [],
    // Not collected: each node answers only what the scenario gives; every other command is a source nobody read.
    hosts: missing.hosts
      ? Object.fromEntries(layout.map((n) => [n.name, { [anyCommand]: { stdout: '', notCollected: true } }]))
      : healthyHosts(layout, at, () => serviceRules(parts.objects, parts.virtual)),
    denials: s.api.denials.map((d) => ({ ...d })),
    apiFaults: s.api.faults.map((f) => ({ ...f })),
  };
  if (s.faults.length > 0) {
    const ctx = faultContext(parts, now, at);
    s.faults.forEach((ref, i) => {
      const def = findFault(ref.fault);
      if (!def) throw new ScenarioBuildError(`unknown fault "${ref.fault}"`, i);
      const { fault: _id, ...params } = ref;
      try {
        def.apply(ctx, def.params.parse(params));
      } catch (err) {
        if (err instanceof FaultError) throw new ScenarioBuildError(`fault ${def.id}: ${err.message}`, i);
        throw err;
      }
    });
  }
  // Pasted at another moment: every absolute time in pasted material moves by the same amount, intervals kept.
  const shift = pastedShift(s, now);
  // Written objects come last: the store keeps the last of the same kind, namespace and name.
  // Only `now-…` strings change: a pasted object keeps its uid, resourceVersion, managedFields and absolute times.
  parts.objects.push(
    ...resolveTimes(shift ? shiftObjectTimes(flattenLists(s.objects), shift) : flattenLists(s.objects), now),
  );
  publishRootCA(parts.objects);
  for (const l of s.logs) {
    const lines = l.lines.map((line) => resolveLogLine(shift ? shiftText(line, shift) : line, now));
    const i = parts.logs.findIndex(
      (x) =>
        x.namespace === l.namespace &&
        x.pod === l.pod &&
        x.container === l.container &&
        Boolean(x.previous) === l.previous,
    );
    if (i === -1) parts.logs.push({ ...l, lines });
    else parts.logs[i] = { ...l, lines };
  }
  // A node's pasted kernel log and service journals answer the commands that read them; written hosts: still win.
  for (const n of s.cluster.nodes) {
    const fields = nodeHostAnswers(n);
    if (Object.keys(fields).length === 0) continue;
    const answers = (parts.hosts[n.name] ??= {});
    for (const [command, d] of Object.entries(fields))
      answers[command] = shift && !d.notCollected ? { ...d, stdout: shiftText(d.stdout, shift) } : d;
  }
  if (s.cluster.serviceCIDR) withServiceCIDR(parts.objects, s.cluster.serviceCIDR);
  for (const [node, commands] of Object.entries(s.hosts)) {
    // A host the cluster has no Node for (a machine that never joined): what nobody pasted was not collected there either.
    const answers = (parts.hosts[node] ??= missing.hosts ? { [anyCommand]: { stdout: '', notCollected: true } } : {});
    for (const [command, response] of Object.entries(commands)) {
      const shifted = (r: HostResponse): DrillResponse => {
        const d = drillResponse(r);
        if (!shift) return d;
        return {
          ...d,
          stdout: shiftText(d.stdout, shift),
          ...(d.stderr === undefined ? {} : { stderr: shiftText(d.stderr, shift) }),
        };
      };
      answers[command] = Array.isArray(response) ? response.map(shifted) : shifted(response);
    }
  }
  const cert = servingCertificateOf(s, now);
  const serviceProxy = s.http.map(
    (h) => ({ ...h, ...(h.port === undefined ? {} : { port: String(h.port) }) }) as DrillHttpAnswer,
  );
  return {
    ...parts,
    user: s.api.user,
    logsNotCollected: missing.logs,
    serviceProxy,
    ...(cert ? { servingCertificate: cert } : {}),
  };
}

/** The scenario's serving-certificate dates as instants: `now-…` resolved, RFC 3339 moved by pastedAt. */
function servingCertificateOf(s: Scenario, now: Date): { notBefore?: Date; notAfter?: Date } | undefined {
  const c = s.api.servingCertificate;
  if (!c) return undefined;
  const shift = pastedShift(s, now);
  const instant = (t: string | undefined, field: string): Date | undefined => {
    if (t === undefined) return undefined;
    const resolved = resolveTime(t, now);
    const ms = resolved !== undefined ? Date.parse(resolved) : Date.parse(t) + (shift?.ms ?? 0);
    if (Number.isNaN(ms))
      throw new Error(
        `scenario ${s.id}: api.servingCertificate.${field}: "${t}" is neither an RFC 3339 time nor now-relative`,
      );
    return new Date(ms);
  };
  const notBefore = instant(c.notBefore, 'notBefore');
  const notAfter = instant(c.notAfter, 'notAfter');
  return { ...(notBefore ? { notBefore } : {}), ...(notAfter ? { notAfter } : {}) };
}

/** How far pasted times move: from pastedAt to the drill's start. */
function pastedShift(s: Scenario, now: Date): TimeShift | undefined {
  return s.pastedAt === undefined ? undefined : timeShift(s.pastedAt, now);
}

/**
 * What a node's `kernelLog:` and `journals:` answer: journalctl -k (or dmesg -T, with journalctl -k then not
 * collected), and the unit listing plus one journalctl -u for the units given, their texts in the units' order.
 */
export function nodeHostAnswers(n: NodeSpec): Record<string, DrillResponse> {
  const out: Record<string, DrillResponse> = {};
  if (n.kernelLog) {
    const text = n.kernelLog.stdout ?? '';
    if (n.kernelLog.from === 'dmesg') {
      out[commands.kernelLog] = { stdout: '', notCollected: true };
      out[commands.dmesg] = { stdout: text };
    } else out[commands.kernelLog] = { stdout: text };
  }
  const journals = Object.entries(n.journals ?? {}).filter(
    (e): e is [string, { stdout?: string }] => e[1] !== undefined,
  );
  if (journals.length > 0) {
    const units = kubernetesUnits.filter((u) => journals.some(([unit]) => unit === u));
    // Frame: a unit whose journal was pasted is listed as loaded; its state was not stated, so it is listed as systemd shows a running one.
    out[commands.listUnits] = {
      stdout: listUnitsTable(
        units.map((u) => ({
          unit: `${u}.service`,
          active: 'active',
          sub: 'running',
          description: unitDescriptions[u] ?? u,
        })),
      ),
    };
    out[serviceJournalsArgv(units).join(' ')] = {
      stdout: units.map((u) => withNewline(journals.find(([unit]) => unit === u)?.[1].stdout ?? '')).join(''),
    };
  }
  return out;
}

/** The descriptions the distributions' unit files give. */
const unitDescriptions: Record<string, string> = {
  kubelet: 'kubelet: The Kubernetes Node Agent',
  containerd: 'containerd container runtime',
  docker: 'Docker Application Container Engine',
  crio: 'Container Runtime Interface for OCI (CRI-O)',
  'cri-docker': 'CRI Interface for Docker Application Container Engine',
  k3s: 'Lightweight Kubernetes',
  'k3s-agent': 'Lightweight Kubernetes',
  'rke2-server': 'Rancher Kubernetes Engine v2 (server)',
  'rke2-agent': 'Rancher Kubernetes Engine v2 (agent)',
  'snap.microk8s.daemon-kubelite': 'Service for snap application microk8s.daemon-kubelite',
  'snap.microk8s.daemon-containerd': 'Service for snap application microk8s.daemon-containerd',
  'snap.microk8s.daemon-k8s-dqlite': 'Service for snap application microk8s.daemon-k8s-dqlite',
};

function withNewline(s: string): string {
  return s === '' || s.endsWith('\n') ? s : `${s}\n`;
}

/** The cluster's Service CIDR in the generated control plane's flags (kube-apiserver, kube-controller-manager). */
function withServiceCIDR(objects: KubeObject[], cidr: string): void {
  for (const o of objects) {
    if (o.kind !== 'Pod' || (o.metadata as { namespace?: string }).namespace !== 'kube-system') continue;
    const containers = (o.spec as { containers?: { command?: string[] }[] } | undefined)?.containers ?? [];
    for (const c of containers)
      if (c.command)
        c.command = c.command.map((a) =>
          a.startsWith('--service-cluster-ip-range=') ? `--service-cluster-ip-range=${cidr}` : a,
        );
  }
}

/** The served part of a built cluster (kept for callers that need only objects and logs). */
export function scenarioObjects(s: Scenario, now: Date): { objects: KubeObject[]; logs: ContainerLog[] } {
  const { objects, virtual, logs } = buildCluster(s, now);
  return { objects: [...virtual.flatMap((v) => materialized(v)), ...objects], logs };
}

/** Every object of a virtual set that is still served, made. */
export function materialized(v: VirtualObjects): KubeObject[] {
  const out: KubeObject[] = [];
  for (let i = 0; i < v.size; i++) if (v.exists(i)) out.push(v.make(i));
  return out;
}

export type { DrillHosts };

function internalIP(n: NodeSpec, index: number): string {
  return n.internalIP ?? `10.0.${Math.floor((index + 10) / 250)}.${((index + 10) % 250) + 1}`;
}

function nodeObject(n: NodeSpec, index: number, at: (spec: string) => string, real = false): KubeObject {
  const heartbeat = at(`now-${Math.round(n.heartbeatAgeSeconds)}s`);
  const created = at(`now-${n.age}`);
  const reason =
    n.readyReason ?? { True: 'KubeletReady', False: 'KubeletNotReady', Unknown: 'NodeStatusUnknown' }[n.ready];
  // A real case's NotReady node says only what was pasted: a kubelet's own reason is evidence nobody had
  // (Unknown's message is the node controller's, the same on every cluster).
  const message =
    n.readyMessage ??
    {
      True: 'kubelet is posting ready status',
      False: real ? '' : 'container runtime is down',
      Unknown: 'Kubelet stopped posting node status.',
    }[n.ready];
  const roleLabels: Record<string, string> =
    n.role === 'control-plane' ? { 'node-role.kubernetes.io/control-plane': '' } : {};
  const taints = [...n.taints];
  if (n.role === 'control-plane') taints.push({ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' });
  if (n.ready === 'Unknown') {
    taints.push(
      { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
      { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
    );
  } else if (n.ready === 'False') {
    taints.push({ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
  }
  if (n.unschedulable) taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: heartbeat,
    lastTransitionTime: n.ready === 'True' ? created : heartbeat,
    reason,
    message,
  });
  const pressure = n.ready === 'Unknown' ? 'Unknown' : 'False';
  return typedNode(
    {
      name: n.name,
      // Stable, so mirror pods and node Leases can name their Node as owner.
      uid: nodeUid(n.name),
      creationTimestamp: created,
      labels: {
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': n.architecture ?? 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': n.architecture ?? 'amd64',
        ...roleLabels,
        ...n.labels,
      },
    },
    { ...(n.unschedulable ? { unschedulable: true } : {}), ...(taints.length > 0 ? { taints } : {}) },
    {
      conditions: [
        // The node lifecycle controller marks every condition of a silent kubelet Unknown, with its own words.
        ...(n.ready === 'Unknown'
          ? ['MemoryPressure', 'DiskPressure', 'PIDPressure'].map((t) =>
              condition(t, pressure, 'NodeStatusUnknown', 'Kubelet stopped posting node status.'),
            )
          : [
              condition(
                'MemoryPressure',
                pressure,
                'KubeletHasSufficientMemory',
                'kubelet has sufficient memory available',
              ),
              condition('DiskPressure', pressure, 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
              condition('PIDPressure', pressure, 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
            ]),
        condition('Ready', n.ready, reason, message),
      ],
      addresses: [
        { type: 'InternalIP', address: internalIP(n, index) },
        { type: 'Hostname', address: n.name },
      ],
      capacity: { cpu: '4', memory: '16331164Ki', pods: '110', 'ephemeral-storage': '102687672Ki' },
      allocatable: { cpu: '4', memory: '16228764Ki', pods: '110', 'ephemeral-storage': '94636958026' },
      nodeInfo: {
        kubeletVersion: n.kubeletVersion,
        kubeProxyVersion: n.kubeletVersion,
        containerRuntimeVersion: n.containerRuntimeVersion ?? 'containerd://1.7.24',
        kernelVersion: n.kernelVersion ?? '6.1.0-28-amd64',
        osImage: n.osImage ?? 'Debian GNU/Linux 12 (bookworm)',
        operatingSystem: 'linux',
        architecture: n.architecture ?? 'amd64',
        machineID: '',
        systemUUID: '',
        bootID: '',
      },
    },
  );
}
