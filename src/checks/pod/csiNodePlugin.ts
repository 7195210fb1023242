import { z } from 'zod';
import type { V1Pod } from '@kubernetes/client-node';
import { KubeError } from '../../kube/errors.js';
import { quoteArg } from '../../nodeaccess/quote.js';
import { groupEvents } from '../events.js';
import { clip, podNotFound, readPodAndEvents } from '../pods.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';

const outcomes = [
  'plugin-error',
  'plugin-not-running',
  'running-not-registered',
  'plugin-quiet',
  'log-not-read',
  'not-csi',
  'not-found',
] as const;
type Outcome = (typeof outcomes)[number];

/** Pods on one node: a DaemonSet per add-on and a few workloads; more than this is not a node a check reads whole. */
const maxNodePods = 500;
/** The last lines of each plugin container: the failing NodeStage/NodePublish calls repeat every retry. */
const tail = 300;
/** Containers of a node plugin pod that never say why a mount failed. */
const quietContainers = /^(?:liveness-probe|livenessprobe)$/;

/**
 * The CSI driver a mount failure is about. The kubelet names it when it is not registered
 * (`driver name rook-ceph.rbd.csi.ceph.com not found in the list of registered CSI drivers`, rook/rook#4183) or
 * when its socket does not answer (`dial unix /var/lib/kubelet/plugins/smb.csi.k8s.io/csi.sock: connect: connection
 * refused`, kubernetes-csi/csi-driver-smb#636: the directory, which the plugin pod's spec names too); otherwise the
 * claim's PersistentVolume (spec.csi.driver) or an inline CSI volume does.
 */
export function driverFromMessage(message: string): string | undefined {
  return (
    /driver name (\S+) not found in the list of registered CSI drivers/.exec(message)?.[1] ??
    /\/plugins\/([\w.-]+)\/csi\.sock/.exec(message)?.[1]
  );
}

/** The volume a kubelet mount message names: `MountVolume.MountDevice failed for volume "pvc-..."`. */
function volumeOf(message: string): string | undefined {
  return /for volume "([^"]+)"/.exec(message)?.[1];
}

/** Whether a pod is this driver's node plugin: its spec names the driver (registrar path, --drivername, env) and mounts the kubelet's plugin dirs. */
export function isNodePlugin(pod: V1Pod, driver: string): boolean {
  const spec = pod.spec;
  if (!spec) return false;
  const text = JSON.stringify({
    containers: spec.containers,
    initContainers: spec.initContainers,
    volumes: spec.volumes,
  });
  const hostPlugins = (spec.volumes ?? []).some((v) =>
    /\/plugins(?:_registry)?\/?|\/kubelet/.test(v.hostPath?.path ?? ''),
  );
  return text.includes(driver) && hostPlugins;
}

/**
 * A line of a CSI node plugin's log that says an operation failed: klog's E lines, logrus/zap error levels, and
 * the gRPC error a driver returns (`GRPC error: rpc error: code = Internal desc = ...`).
 */
export function isPluginErrorLine(line: string): boolean {
  return (
    /^E\d{4} \d\d:\d\d:\d\d/.test(line.replace(/^\S+Z /, '')) ||
    /level=(?:error|fatal)\b|"level":"(?:error|fatal)"/.test(line) ||
    /GRPC error: rpc error|rpc error: code = (?!OK)/.test(line)
  );
}

export const podCsiNodePlugin = defineCheck({
  id: 'pod.csi-node-plugin',
  layer: 'pod',
  title: "The CSI driver's node plugin on the pod's node: running, and what its log says",
  why: "A CSI volume is staged and mounted by the driver's node plugin, the DaemonSet pod of that driver on the pod's node; the kubelet's FailedMount event only relays its answer (often just 'exit status 2' or a timeout). When there is no such pod on the node, nothing can mount the volume there; when there is, its own log names the failing step.",
  params: z.object({ namespace: z.string().min(1), name: z.string().min(1) }),
  outcomes,
  healthy: ['not-csi'],
  facts: [
    'csiDriver',
    'nodeName',
    'pluginPod',
    'pluginNamespace',
    'pluginState',
    'pluginLogLine',
    'pluginLogSource',
    'registrar',
    'registrarSays',
    'eventMessage',
  ],
  sets: {
    'plugin-error': [
      'csiDriver',
      'nodeName',
      'pluginPod',
      'pluginNamespace',
      'pluginLogLine',
      'pluginLogSource',
      'eventMessage',
    ],
    'plugin-not-running': ['csiDriver', 'nodeName', 'pluginState', 'eventMessage'],
    'running-not-registered': [
      'csiDriver',
      'nodeName',
      'pluginPod',
      'pluginNamespace',
      'registrar',
      'registrarSays',
      'eventMessage',
    ],
    'plugin-quiet': ['csiDriver', 'nodeName', 'pluginPod', 'pluginNamespace', 'eventMessage'],
    'log-not-read': ['csiDriver', 'nodeName', 'pluginPod', 'pluginNamespace', 'eventMessage'],
  },
  command: (p) =>
    `kubectl get pods -A -o wide --field-selector spec.nodeName=$(kubectl get pod ${quoteArg(p.name)} -n ${quoteArg(p.namespace)} -o jsonpath='{.spec.nodeName}') | grep -i csi`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const [pod, events] = await readPodAndEvents(ctx.kube, p.namespace, p.name);
    if (!pod) return podNotFound(p.namespace, p.name);
    const node = pod.spec?.nodeName ?? '';
    const evidence: Evidence[] = [];
    const facts: Facts = {};
    if (node) facts.nodeName = node;
    const failures = groupEvents(events).filter(
      (g) => g.type === 'Warning' && /^(?:FailedMount|FailedMapVolume)$/.test(g.reason),
    );
    // The message that names a driver or a volume; "Unable to attach or mount volumes ... timed out" names neither.
    const named = failures.find((g) => driverFromMessage(g.message) ?? volumeOf(g.message)) ?? failures[0];
    if (named) facts.eventMessage = named.message;

    let driver = named ? driverFromMessage(named.message) : undefined;
    let from = 'the FailedMount event';
    if (!driver) {
      const wanted = named ? volumeOf(named.message) : undefined;
      const drivers = await csiDriversOf(ctx.kube, pod, wanted);
      if (drivers.length === 1) {
        driver = drivers[0];
        from = wanted ? `PersistentVolume ${wanted}` : "the pod's CSI volume";
      } else if (drivers.length > 1) {
        evidence.push({
          label: 'CSI drivers',
          value: `${drivers.join(', ')}: the event names no volume, so which one failed is not known`,
        });
      }
    }
    if (!driver || !node) {
      return {
        outcome: 'not-csi',
        summary: !node
          ? 'the pod has no node yet: no node plugin to read'
          : 'the failing mount names no CSI driver, and no CSI volume of the pod says which: no node plugin to read',
        evidence,
        facts,
      };
    }
    facts.csiDriver = driver;
    evidence.push({ label: 'CSI driver', value: `${driver} (from ${from})` });

    // Only the pod's node: a field selector, never every pod of the cluster.
    const onNode = await ctx.kube.listPods({ fieldSelector: `spec.nodeName=${node}`, maxItems: maxNodePods });
    const plugins = onNode.filter((o) => o.metadata?.uid !== pod.metadata?.uid && isNodePlugin(o, driver));
    const plugin = plugins.find((o) => o.status?.phase === 'Running') ?? plugins[0];
    if (!plugin) {
      facts.pluginState = 'no pod';
      evidence.push({
        label: `pods on ${node}`,
        value: `${onNode.length} pod(s); none names ${driver} and mounts the kubelet's plugin directory`,
      });
      return {
        outcome: 'plugin-not-running',
        summary: `no node plugin of ${driver} runs on ${node}: nothing there can stage or mount the volume (its DaemonSet does not place a pod on this node: a taint it does not tolerate, a nodeSelector, or a pod deleted and not replaced)`,
        evidence,
        facts,
      };
    }
    const ns = plugin.metadata?.namespace ?? '';
    const name = plugin.metadata?.name ?? '';
    facts.pluginPod = name;
    facts.pluginNamespace = ns;
    const statuses = plugin.status?.containerStatuses ?? [];
    const down = statuses.filter((s) => !s.ready);
    const state = `${plugin.status?.phase ?? 'Unknown'}, ${statuses.length - down.length}/${statuses.length} containers ready${down.length ? ` (${down.map((s) => `${s.name}: ${s.state?.waiting?.reason ?? (s.state?.terminated ? `exited ${s.state.terminated.exitCode}` : 'not ready')}`).join(', ')})` : ''}`;
    evidence.push({ label: `pod ${ns}/${name}`, value: state });

    const read: string[] = [];
    const unread: string[] = [];
    let lines = 0;
    let registrar: { container: string; text: string } | undefined;
    let last: { line: string; source: string } | undefined;
    for (const c of plugin.spec?.containers ?? []) {
      if (quietContainers.test(c.name)) continue;
      try {
        const text = await ctx.kube.readPodLog(ns, name, {
          container: c.name,
          tailLines: tail,
          limitBytes: tail * 2048,
        });
        read.push(c.name);
        if (/registrar/.test(c.name)) registrar = { container: c.name, text };
        const all = text.split('\n').filter((l) => l.trim() !== '');
        lines += all.length;
        const bad = all.filter(isPluginErrorLine);
        // The error the plugin returned to the kubelet says what failed; other error lines (a kernel check) may only be beside it.
        const line = bad.filter((l) => /rpc error/.test(l)).at(-1) ?? bad.at(-1);
        if (line) last = { line: line.trim(), source: `${ns}/${name} (${c.name})` };
      } catch (err) {
        if (!(err instanceof KubeError) || err.kind === 'aborted' || err.kind === 'timeout') throw err;
        unread.push(c.name);
        evidence.push({
          label: `log of ${name} (${c.name})`,
          value: `not read: ${err.kind}: ${clip(err.message, 160)}`,
        });
      }
    }
    if (plugin.status?.phase !== 'Running' || (down.length > 0 && !last)) {
      facts.pluginState = state;
      if (last) evidence.push({ label: `log of ${last.source}`, value: clip(last.line, 400) });
      return {
        outcome: 'plugin-not-running',
        summary: `the node plugin of ${driver} on ${node}, ${ns}/${name}, is not running and ready (${state}): nothing there can stage or mount the volume`,
        evidence,
        facts,
      };
    }
    // The kubelet says the driver is not registered while its plugin runs: the registrar's log says whether the kubelet
    // ever called it back (node-driver-registrar: "Received NotifyRegistrationStatus call: &RegistrationStatus{PluginRegistered:...}").
    if (named && /not found in the list of registered CSI drivers/.test(named.message)) {
      const registrarName = registrar?.container ?? plugin.spec?.containers.find((c) => /registrar/.test(c.name))?.name;
      facts.registrar = registrarName ?? 'none';
      facts.registrarSays = registrarReading(registrar?.text);
      evidence.push({
        label: `registrar ${registrarName ?? '(no registrar container)'}`,
        value: String(facts.registrarSays),
      });
      return {
        outcome: 'running-not-registered',
        summary: `${driver}'s node plugin ${ns}/${name} runs on ${node}, yet the kubelet says the driver is not registered; the registrar: ${String(facts.registrarSays)}`,
        evidence,
        facts,
      };
    }
    if (last) {
      facts.pluginLogLine = last.line;
      facts.pluginLogSource = last.source;
      evidence.push({ label: `log of ${last.source}`, value: clip(last.line, 400) });
      return {
        outcome: 'plugin-error',
        summary: `${driver}'s node plugin on ${node} (${ns}/${name}) logs the failure: ${clip(last.line, 240)}`,
        evidence,
        facts,
      };
    }
    if (read.length === 0 || lines === 0) {
      return {
        outcome: 'log-not-read',
        summary:
          read.length === 0
            ? `${driver}'s node plugin on ${node} is ${ns}/${name}, but its log could not be read (${unread.join(', ') || 'no container'}): why the mount fails there is not seen`
            : `${driver}'s node plugin on ${node} is ${ns}/${name}, but its logs (${read.join(', ')}) are empty: why the mount fails there is not seen`,
        evidence,
        facts,
      };
    }
    evidence.push({
      label: `log of ${ns}/${name}`,
      value: `${read.join(', ')}: no error line in the last ${tail} lines`,
    });
    return {
      outcome: 'plugin-quiet',
      summary: `${driver}'s node plugin on ${node} (${ns}/${name}) runs and its last ${tail} log lines (${read.join(', ')}) hold no error: it may never have been called (the kubelet's own side), or it logs failures only at a higher verbosity`,
      evidence,
      facts,
    };
  },
});

/**
 * What node-driver-registrar's log says of the kubelet's answer: registered (the event may predate it), refused with
 * the kubelet's error (longhorn/longhorn#452: `PluginRegistered:false,Error:plugin registration failed with err: ...`),
 * or never called back (the kubelet never found the registration socket: another kubelet root directory, or not yet).
 */
export function registrarReading(text: string | undefined): string {
  if (text === undefined) return 'its log was not read, so whether the kubelet ever answered it is not known';
  const refused = /PluginRegistered:false,Error:([^}]{0,300})/.exec(text);
  if (refused) return `the kubelet refused the registration: ${refused[1]?.trim() ?? ''}`;
  if (/NotifyRegistrationStatus call.{0,40}PluginRegistered:true/.test(text))
    return 'the kubelet registered it (the failing mount may predate that, or the kubelet restarted since)';
  if (text.trim() === '') return 'its log is empty, so whether the kubelet ever answered it is not known';
  // Only a registrar whose server is up and still unanswered says the kubelet never called back.
  if (!/Registration Server started/.test(text))
    return 'the lines of its log read end before its registration server started, so whether the kubelet answered it is not seen';
  return 'its registration server started and no NotifyRegistrationStatus call came in the lines read: the kubelet has not called it back';
}

/** The CSI drivers of the pod's volumes: the one whose PersistentVolume is named, else all of them. */
async function csiDriversOf(
  kube: Parameters<typeof readPodAndEvents>[0],
  pod: V1Pod,
  pvName: string | undefined,
): Promise<string[]> {
  const inline = (pod.spec?.volumes ?? []).flatMap((v) => (v.csi?.driver ? [v.csi.driver] : []));
  const out = new Set<string>(pvName ? [] : inline);
  const claims = (pod.spec?.volumes ?? []).flatMap((v) =>
    v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [],
  );
  for (const claim of claims.slice(0, 8)) {
    try {
      const pvc = await kube.readPvc(pod.metadata?.namespace ?? '', claim);
      const pv = pvc.spec?.volumeName;
      if (!pv || (pvName && pv !== pvName)) continue;
      const driver = (await kube.readPv(pv)).spec?.csi?.driver;
      if (driver) out.add(driver);
    } catch (err) {
      if (!(err instanceof KubeError) || err.kind === 'aborted' || err.kind === 'timeout') throw err;
    }
  }
  return [...out];
}
