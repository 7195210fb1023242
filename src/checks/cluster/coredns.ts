import { z } from 'zod';
import type { V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from '../../kube/client.js';
import { ifExists } from '../reads.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { clip } from '../pods.js';
import { classifyCorednsLog, describeUpstreamTimeouts } from './corednsLog.js';
import type { CorednsLogFinding } from './corednsLog.js';
import { describePod, listComponentPods, podHealth, systemNamespace } from './components.js';
import type { PodHealth } from './components.js';
import { quoteInside } from '../../nodeaccess/quote.js';

const outcomes = [
  'healthy',
  'no-pods',
  'pods-not-ready',
  'api-unreachable',
  'corefile-missing',
  'missing-host-entry',
  'forwarding-loop',
  'hosts-no-fallthrough',
  'upstream-timeout',
  'probe-timeout',
  // CoreDNS gets answers from its upstream it cannot unpack (docker/for-win#13768): every such lookup fails.
  'upstream-unparseable',
] as const;
type Outcome = (typeof outcomes)[number];

const selector = 'k8s-app=kube-dns';

export interface HostsEntry {
  ip: string;
  names: string[];
}

export interface Corefile {
  /** Server blocks by their zones (`.:53`, `example.org:53`). */
  servers: string[];
  /** Every `hosts` plugin block: its inline entries and whether it falls through. */
  hosts: { server: string; file?: string; zones?: string[]; entries: HostsEntry[]; fallthrough: boolean }[];
  /** `forward . /etc/resolv.conf` → `/etc/resolv.conf`, per server block. */
  forwarders: { server: string; from: string; to: string[] }[];
}

/** Reads the parts of a Corefile this check needs: server blocks, `hosts` blocks and `forward` lines. */
export function parseCorefile(text: string): Corefile {
  const out: Corefile = { servers: [], hosts: [], forwarders: [] };
  const lines = text.split('\n').map((l) => l.replace(/#.*$/, '').trim());
  let depth = 0;
  let server = '';
  let hosts: Corefile['hosts'][number] | undefined;
  let hostsDepth = 0;
  for (const line of lines) {
    if (!line) continue;
    const opens = (line.match(/\{/g) ?? []).length;
    const closes = (line.match(/\}/g) ?? []).length;
    const words = line.replace(/[{}]/g, ' ').trim().split(/\s+/).filter(Boolean);
    if (depth === 0 && opens > 0) {
      server = words.join(' ');
      out.servers.push(server);
    } else if (hosts && depth === hostsDepth) {
      if (words[0] === 'fallthrough') hosts.fallthrough = true;
      else if (words.length >= 2 && /^[\d.:a-fA-F]+$/.test(words[0] ?? '') && /[.:]/.test(words[0] ?? ''))
        hosts.entries.push({ ip: words[0] ?? '', names: words.slice(1) });
    } else if (depth === 1 && words[0] === 'hosts') {
      const block = {
        server,
        entries: [],
        fallthrough: false,
        ...(words[1] ? { file: words[1] } : {}),
        ...(words.length > 2 ? { zones: words.slice(2) } : {}),
      };
      out.hosts.push(block);
      if (opens > closes) {
        hosts = block;
        hostsDepth = depth + 1;
      }
    } else if (depth === 1 && words[0] === 'forward' && words[1]) {
      out.forwarders.push({ server, from: words[1], to: words.slice(2).filter((w) => w !== 'except') });
    }
    depth += opens - closes;
    if (hosts && depth < hostsDepth) hosts = undefined;
  }
  return out;
}

/** The zones a server block serves: `.:53` → `.`, `example.org:53 example.net` → both. */
function serverZones(server: string): string[] {
  return server
    .split(/\s+/)
    .filter(Boolean)
    .map((z) => z.replace(/^[a-z]+:\/\//, '').replace(/:\d+$/, '') || '.')
    .map((z) => (z.endsWith('.') || z === '.' ? z : `${z}.`));
}

/**
 * A hosts block that answers for the root zone and does not fall through:
 * CoreDNS runs hosts before kubernetes and forward (plugin.cfg order, not the
 * Corefile's), so every name it does not list gets NXDOMAIN, cluster names included.
 */
export function swallowingHosts(core: Corefile): Corefile['hosts'] {
  return core.hosts.filter(
    (h) => !h.fallthrough && (h.zones ?? serverZones(h.server)).some((z) => z === '.' || z === '.:53'),
  );
}

/** A name the kubernetes plugin answers through the pod's search path (`kubernetes.default`, `*.svc.cluster.local`): never a hosts-block name. */
function isClusterName(name: string): boolean {
  return !name.includes('.') || /\.(?:default|kube-system|svc|cluster\.local)$/.test(name);
}

/**
 * The ConfigMap the CoreDNS pods load their Corefile from: RKE2 names it rke2-coredns-rke2-coredns, kubeadm and k3s
 * coredns. A Corefile looked up under the wrong name is not a missing one.
 */
export function corefileConfigMapName(pods: readonly V1Pod[]): string {
  for (const pod of pods) {
    const maps = (pod.spec?.volumes ?? []).flatMap((v) =>
      v.configMap?.name ? [{ name: v.configMap.name, keys: (v.configMap.items ?? []).map((i) => i.key) }] : [],
    );
    const found = maps.find((m) => m.keys.includes('Corefile')) ?? maps.find((m) => /coredns/i.test(m.name));
    if (found) return found.name;
  }
  return 'coredns';
}

/** Reads every CoreDNS pod's current and previous log; a log that cannot be read is said so, never taken as clean. */
async function readCorednsLogs(
  ctx: { kube: KubeClient },
  pods: PodHealth[],
): Promise<{ finding: CorednsLogFinding; notes: string[]; read: number }> {
  const lines: string[] = [];
  const notes: string[] = [];
  let read = 0;
  await Promise.all(
    pods.flatMap((h) =>
      [false, ...(h.hasPrevious ? [true] : [])].map(async (previous) => {
        try {
          const text = await ctx.kube.readPodLog(systemNamespace, h.name, {
            container: h.container,
            previous,
            tailLines: logTail,
            limitBytes: logTail * 2048,
          });
          read += 1;
          lines.push(...text.split('\n'));
        } catch (err) {
          notes.push(
            `${h.name} ${previous ? 'previous' : 'current'} log not read: ${clip(err instanceof Error ? err.message : String(err), 160)}`,
          );
        }
      }),
    ),
  );
  return { finding: classifyCorednsLog(lines), notes, read };
}

/**
 * Upstream addresses that say whose resolver it is. Talos forwards CoreDNS to its host DNS at
 * 169.254.116.108 (siderolabs/talos#9200); its replies not reaching the pods is a known Cilium case
 * (siderolabs/talos#10002, cilium/cilium#36852), which the node's resolver log tells apart from a dead resolver.
 */
const knownUpstreams: Record<string, string> = {
  '169.254.116.108':
    "169.254.116.108 is Talos's host DNS (forwardKubeDNSToHost, on by default since Talos 1.8), the node's own resolver: it can answer while its replies never reach the pod. With Cilium 1.16.5 or later and BPF host routing that is a known cause, fixed by bpf.hostLegacyRouting=true (cilium/cilium#36852); talosctl logs dns-resolve-cache on the node shows whether the queries arrive and are answered",
};

/** CoreDNS logs little; the last 200 lines of each instance hold its start-up and its recent errors. */
const logTail = 200;

/** What an upstream time-out sets, whether real lookups or only the loop plugin's probe timed out. */
const upstreamTimeoutFacts = [
  'corednsFinding',
  'corednsReady',
  'probeOnly',
  'timeoutCount',
  'timeoutLine',
  'upstreams',
  'upstream',
  'upstreamPort',
] as const;

export const clusterCoredns = defineCheck({
  id: 'cluster.coredns',
  layer: 'cluster',
  title: 'CoreDNS: pods Ready, its Corefile (hosts, forward) and its log (loop, upstream time-outs)',
  why: 'Every in-cluster name lookup goes through CoreDNS; names outside cluster DNS (a private registry, a Rancher server) resolve only if the Corefile forwards to a resolver that knows them or lists them in a hosts block. Ready pods are not enough: a hosts block without fallthrough answers NXDOMAIN for every other name, and the log shows a forwarding loop or an upstream that does not answer.',
  params: z.object({ name: z.string().min(1).optional() }),
  outcomes,
  healthy: ['healthy'],
  facts: [
    'corednsReady',
    'forwarders',
    'hostsNames',
    'hostEntry',
    'hasHostsBlock',
    'corednsFinding',
    'loopLine',
    'timeoutLine',
    'upstreams',
    'upstream',
    'upstreamPort',
    'upstreamKnown',
    'timeoutCount',
    'probeOnly',
    'swallowingHosts',
    'logsRead',
    'apiLine',
    'apiAddress',
    'apiError',
    'unpackLine',
    'unpackCount',
    'unpackNames',
    'unpackName',
    'corefileConfigMap',
  ],
  sets: {
    healthy: ['corednsReady', 'forwarders'],
    // forwarders only when the Corefile was read: a cluster without the coredns ConfigMap (kube-dns, or a
    // ConfigMap nobody pasted: rj-kthw-kubedns-resolvconf-356) still has pods that are not Ready.
    'pods-not-ready': ['corednsFinding', 'corednsReady'],
    'api-unreachable': ['corednsFinding', 'corednsReady', 'apiLine', 'apiAddress', 'apiError'],
    'missing-host-entry': ['corednsFinding', 'corednsReady', 'forwarders', 'hostsNames'],
    'forwarding-loop': ['corednsFinding', 'corednsReady', 'loopLine'],
    'hosts-no-fallthrough': ['corednsFinding', 'corednsReady', 'forwarders', 'hostsNames', 'swallowingHosts'],
    'upstream-timeout': upstreamTimeoutFacts,
    'probe-timeout': upstreamTimeoutFacts,
    'upstream-unparseable': [
      'corednsFinding',
      'corednsReady',
      'unpackLine',
      'unpackCount',
      'unpackNames',
      'unpackName',
    ],
  },
  command: (p) =>
    `kubectl get pods -n ${systemNamespace} -l ${selector} && kubectl get configmap coredns -n ${systemNamespace} -o jsonpath='{.data.Corefile}'${p.name ? ` | grep -n '${quoteInside(p.name)}'` : ''} && kubectl logs -n ${systemNamespace} -l ${selector} --tail=${logTail} --prefix`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const now = ctx.now();
    const pods = await listComponentPods(ctx.kube, selector);
    const cmName = corefileConfigMapName(pods);
    const cm = await ifExists(ctx.kube.readConfigMap(systemNamespace, cmName));
    const health = pods.map((x) => podHealth(x, 'coredns'));
    const ready = health.filter((h) => h.ready).length;
    const facts: Facts = { corednsReady: `${ready}/${health.length}` };
    if (cmName !== 'coredns') facts.corefileConfigMap = cmName;
    const evidence: Evidence[] = health.map((h) => describePod(h, now));
    if (health.length === 0) {
      facts.corednsFinding = 'no CoreDNS pod exists';
      return {
        outcome: 'no-pods',
        summary: `no CoreDNS pod in ${systemNamespace} (label ${selector}): nothing answers cluster DNS`,
        evidence: [{ label: `pods -l ${selector}`, value: 'none' }],
        facts,
      };
    }
    const logs = await readCorednsLogs(ctx, health);
    facts.logsRead = logs.read;
    for (const n of logs.notes) evidence.push({ label: 'log', value: n });
    const text = cm?.data?.Corefile;
    const core = text === undefined ? undefined : parseCorefile(text);
    if (core) {
      facts.forwarders = core.forwarders.map((f) => `${f.from} → ${f.to.join(' ')}`).join('; ');
      facts.hasHostsBlock = core.hosts.length > 0;
    }
    const fwd = core?.forwarders.find((f) => f.from === '.');

    // The loop plugin makes CoreDNS exit: this explains pods that are not Ready, so it comes first.
    const loop = logs.finding.loops[logs.finding.loops.length - 1];
    if (loop) {
      facts.loopLine = clip(loop.line, 300);
      const to = fwd ? fwd.to.join(' ') : 'its upstream';
      facts.corednsFinding = `CoreDNS detected a forwarding loop and exits: ${clip(loop.line, 200)}`;
      evidence.push({ label: 'coredns log', value: clip(loop.line) });
      if (fwd) evidence.push({ label: `forward (${fwd.server})`, value: `forward ${fwd.from} ${fwd.to.join(' ')}` });
      return {
        outcome: 'forwarding-loop',
        summary: `CoreDNS exits on a forwarding loop (${ready}/${health.length} pods Ready): it forwards to ${to}, which sends the query back to CoreDNS itself, typically a node resolv.conf naming a local stub (127.0.0.53 of systemd-resolved)`,
        evidence,
        facts,
      };
    }
    // Not Ready because its kubernetes plugin cannot reach the API server through the kubernetes Service.
    const api = logs.finding.apiErrors[logs.finding.apiErrors.length - 1];
    if (ready === 0 && api) {
      facts.apiLine = clip(api.line, 300);
      facts.apiAddress = api.address;
      facts.apiError = api.error;
      facts.corednsFinding = `none of its ${health.length} pods is Ready: it cannot reach the API server at ${api.address} (${api.error})`;
      evidence.push({
        label: `coredns log (${logs.finding.apiErrors.length} API error${logs.finding.apiErrors.length === 1 ? '' : 's'})`,
        value: clip(api.line),
      });
      return {
        outcome: 'api-unreachable',
        summary: `none of the ${health.length} CoreDNS pods is Ready: its kubernetes plugin cannot reach the API server at ${api.address} (${api.error})${api.error === 'no route to host' ? ', a rejection a host firewall sends (firewalld answers icmp-host-prohibited)' : ''}`,
        evidence,
        facts,
      };
    }
    if (ready === 0) {
      facts.corednsFinding = `none of its ${health.length} pods is Ready`;
      return {
        outcome: 'pods-not-ready',
        summary: `none of the ${health.length} CoreDNS pods is Ready: cluster DNS lookups fail or time out`,
        evidence,
        facts,
      };
    }
    // Answers CoreDNS cannot unpack fail every lookup of those names, whatever the Corefile says (docker/for-win#13768).
    const unpack = logs.finding.unpackErrors;
    const lastUnpack = unpack[unpack.length - 1];
    if (lastUnpack) {
      const names = [...new Set(unpack.map((u) => u.name.replace(/\.$/, '')))];
      facts.unpackLine = clip(lastUnpack.line, 300);
      facts.unpackCount = unpack.length;
      facts.unpackNames = names.slice(0, 5).join(', ');
      facts.unpackName = names[0] ?? '';
      facts.corednsFinding = `CoreDNS cannot unpack its upstream's answers (${unpack.length}x ${lastUnpack.error}, e.g. ${names[0] ?? ''})`;
      evidence.push({
        label: `coredns log (${unpack.length} answer${unpack.length === 1 ? '' : 's'} not unpacked)`,
        value: clip(lastUnpack.line),
      });
      const others = logs.finding.timeouts.length
        ? `; it also logged ${logs.finding.timeouts.length} upstream time-out${logs.finding.timeouts.length === 1 ? '' : 's'}`
        : '';
      return {
        outcome: 'upstream-unparseable',
        summary: `CoreDNS is Ready (${ready}/${health.length}) but cannot unpack its upstream's answers for ${facts.unpackNames} (${lastUnpack.error}, ${unpack.length}x): those lookups fail with SERVFAIL${others}`,
        evidence,
        facts,
      };
    }
    const timeouts = describeUpstreamTimeouts(logs.finding.timeouts);
    const lastTimeout = logs.finding.timeouts[logs.finding.timeouts.length - 1];
    const timeoutFacts = (): void => {
      facts.upstreams = timeouts.upstreams.join(',');
      // The first upstream, split for a command (dig @host -p port): the fix asks it directly.
      const [host, port] = splitHostPort(timeouts.upstreams[0] ?? '');
      if (host) {
        facts.upstream = host;
        facts.upstreamPort = port;
      }
      const known = knownUpstreams[host ?? ''];
      if (known) facts.upstreamKnown = known;
      facts.timeoutCount = timeouts.count;
      facts.probeOnly = timeouts.probeOnly;
      if (lastTimeout) facts.timeoutLine = clip(lastTimeout.line, 300);
      if (lastTimeout)
        evidence.push({
          label: `coredns log (${timeouts.count} time-out${timeouts.count === 1 ? '' : 's'})`,
          value: clip(lastTimeout.line),
        });
    };
    // CoreDNS runs and logs: what its log says about the upstream does not depend on reading its ConfigMap.
    if (!core && timeouts.count > 0) {
      timeoutFacts();
      facts.corednsFinding = `the upstream ${timeouts.upstreams.join(', ')} does not answer CoreDNS (${timeouts.count} i/o time-outs${timeouts.probeOnly ? ", all on the loop plugin's HINFO probe" : ''})`;
      return timeouts.probeOnly
        ? {
            outcome: 'probe-timeout',
            summary: `CoreDNS is Ready (${ready}/${health.length}); only the loop plugin's start-up probe (HINFO) to ${timeouts.upstreams.join(', ')} timed out (${timeouts.count}x): either that upstream cannot be reached from the pods at all, or it ignores HINFO queries. A lookup from a pod tells which`,
            evidence,
            facts,
          }
        : {
            outcome: 'upstream-timeout',
            summary: `CoreDNS is Ready (${ready}/${health.length}) but its upstream ${timeouts.upstreams.join(', ')} does not answer: ${timeouts.count} lookups timed out (${timeouts.names.join(', ')})`,
            evidence,
            facts,
          };
    }
    if (!core) {
      facts.corednsFinding = `the ${cmName} ConfigMap ${cm ? 'has no Corefile' : 'does not exist'}`;
      evidence.push({
        label: `configmap ${systemNamespace}/${cmName}`,
        value: cm ? 'has no Corefile key' : 'not found',
      });
      return {
        outcome: 'corefile-missing',
        summary: `the ${cmName} ConfigMap ${cm ? 'has no Corefile' : 'does not exist'} (${ready}/${health.length} CoreDNS pods Ready): CoreDNS runs on whatever configuration it loaded last, which was not read here`,
        evidence,
        facts,
      };
    }
    const entries = core.hosts.flatMap((h) => h.entries);
    facts.hostsNames = entries.flatMap((e) => e.names).join(',') || 'no name (the Corefile has no hosts block)';
    for (const f of core.forwarders)
      evidence.push({ label: `forward (${f.server})`, value: `forward ${f.from} ${f.to.join(' ')}` });
    for (const h of core.hosts) {
      evidence.push({
        label: `hosts${h.file ? ` ${h.file}` : ''}${h.zones ? ` ${h.zones.join(' ')}` : ''} (${h.server})`,
        value:
          (h.entries.length ? h.entries.map((e) => `${e.ip} ${e.names.join(' ')}`).join('; ') : 'no inline entries') +
          (h.fallthrough ? '; fallthrough' : '; no fallthrough'),
      });
    }
    const readyNote = ready < health.length ? ` (${ready} of ${health.length} pods Ready)` : '';
    const wanted = p.name?.toLowerCase().replace(/\.$/, '');
    const hit =
      wanted === undefined
        ? undefined
        : entries.find((e) => e.names.some((n) => n.toLowerCase().replace(/\.$/, '') === wanted));
    if (hit) facts.hostEntry = hit.ip;

    const swallow = swallowingHosts(core);
    if (swallow.length > 0 && !hit) {
      const names = swallow.flatMap((h) => h.entries.flatMap((e) => e.names));
      facts.swallowingHosts = names.join(',') || '(a hosts file)';
      facts.corednsFinding = `the hosts block (${facts.swallowingHosts}) has no fallthrough: every other name gets NXDOMAIN`;
      return {
        outcome: 'hosts-no-fallthrough',
        summary: `the Corefile's hosts block for ${names.length ? names.join(', ') : (swallow[0]?.file ?? 'its file')} has no fallthrough: CoreDNS answers NXDOMAIN for every name it does not list, cluster names (kubernetes.default) and ${p.name ?? 'external names'} included, before kubernetes or forward see them${readyNote}`,
        evidence,
        facts,
      };
    }

    // Real lookups timing out upstream explain a missing answer better than a missing hosts line does.
    if (timeouts.count > 0 && !timeouts.probeOnly) {
      timeoutFacts();
      facts.corednsFinding = `the upstream ${timeouts.upstreams.join(', ')} does not answer CoreDNS (${timeouts.count} i/o time-outs, e.g. ${timeouts.names.join(', ')})`;
      return {
        outcome: 'upstream-timeout',
        summary: `CoreDNS is Ready${readyNote} but its upstream ${timeouts.upstreams.join(', ')} does not answer: ${timeouts.count} lookups timed out (${timeouts.names.join(', ')}); names outside the cluster fail or are slow`,
        evidence,
        facts,
      };
    }
    const logNote = logs.read === 0 ? '; its logs were not read' : '';
    if (wanted !== undefined && !hit && !isClusterName(wanted)) {
      facts.corednsFinding = `its Corefile does not list ${p.name ?? ''}`;
      const upstream = fwd ? `(${fwd.to.join(' ')})` : 'resolver';
      return {
        outcome: 'missing-host-entry',
        // Without a hosts block every outside name is "not listed": that alone says nothing about this one
        // (k3s-io/k3s-ansible#378: google.com, which CoreDNS answered from the host).
        summary: core.hosts.length
          ? `${p.name ?? ''} is not in CoreDNS's hosts block: pods resolve it only if the upstream ${upstream} knows it; add it under hosts { … fallthrough } and restart CoreDNS${readyNote}`
          : `${p.name ?? ''} is not a cluster name and the Corefile has no hosts block: CoreDNS forwards it to the upstream ${upstream}, and nothing read here says whether that upstream knows it${readyNote}${logNote}`,
        evidence,
        facts,
      };
    }
    if (timeouts.count > 0) {
      timeoutFacts();
      facts.corednsFinding = `the upstream ${timeouts.upstreams.join(', ')} does not answer the loop plugin's HINFO probe (${timeouts.count} time-outs)`;
      return {
        outcome: 'probe-timeout',
        summary: `CoreDNS is Ready${readyNote}; only the loop plugin's start-up probe (HINFO) to ${timeouts.upstreams.join(', ')} timed out (${timeouts.count}x): either that upstream cannot be reached from the pods at all, or it ignores HINFO queries. A lookup from a pod tells which`,
        evidence,
        facts,
      };
    }
    if (hit)
      return {
        outcome: 'healthy',
        summary: `CoreDNS is Ready${readyNote} and its hosts block maps ${p.name ?? ''} to ${hit.ip}${logNote}`,
        evidence,
        facts,
      };
    return {
      outcome: 'healthy',
      summary: `CoreDNS is Ready (${ready}/${health.length}); it forwards ${core.forwarders.map((f) => `${f.from} to ${f.to.join(' ')}`).join(', ') || 'nowhere'}${entries.length ? ` and its hosts block names ${entries.length} address${entries.length === 1 ? '' : 'es'}` : ''}${logNote}`,
      evidence,
      facts,
    };
  },
});

/** "10.0.0.2" → ["10.0.0.2", "53"]; "10.0.0.2:5353" → ["10.0.0.2", "5353"]; "[fd00::1]:53" → ["fd00::1", "53"]. */
export function splitHostPort(addr: string): [string, string] {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(addr);
  if (bracketed) return [bracketed[1] ?? '', bracketed[2] ?? '53'];
  const m = /^([^:]+):(\d+)$/.exec(addr);
  return m ? [m[1] ?? '', m[2] ?? '53'] : [addr, '53'];
}
