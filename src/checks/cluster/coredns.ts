import { z } from 'zod';
import { ifExists } from '../reads.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import { describePod, listComponentPods, podHealth, systemNamespace } from './components.js';

const outcomes = ['healthy', 'no-pods', 'pods-not-ready', 'corefile-missing', 'missing-host-entry'] as const;
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
  hosts: { server: string; file?: string; entries: HostsEntry[]; fallthrough: boolean }[];
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
      else if (words.length >= 2 && /^[\d.:a-fA-F]+$/.test(words[0] ?? '') && /[.:]/.test(words[0] ?? '')) hosts.entries.push({ ip: words[0] ?? '', names: words.slice(1) });
    } else if (depth === 1 && words[0] === 'hosts') {
      const block = { server, entries: [], fallthrough: false, ...(words[1] ? { file: words[1] } : {}) };
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

export const clusterCoredns = defineCheck({
  id: 'cluster.coredns',
  layer: 'cluster',
  title: 'CoreDNS: pods Ready, its Corefile hosts block and forwarders',
  why: 'Every in-cluster name lookup goes through CoreDNS; names outside cluster DNS (a private registry, a Rancher server) resolve only if the Corefile forwards to a resolver that knows them or lists them in a hosts block.',
  params: z.object({ name: z.string().min(1).optional() }),
  outcomes,
  healthy: ['healthy'],
  facts: ['corednsReady', 'forwarders', 'hostsNames', 'hostEntry', 'hasHostsBlock'],
  command: (p) =>
    `kubectl get pods -n ${systemNamespace} -l ${selector} && kubectl get configmap coredns -n ${systemNamespace} -o jsonpath='{.data.Corefile}'${p.name ? ` | grep -n '${p.name}'` : ''}`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const now = ctx.now();
    const [pods, cm] = await Promise.all([listComponentPods(ctx.kube, selector), ifExists(ctx.kube.readConfigMap(systemNamespace, 'coredns'))]);
    const health = pods.map((x) => podHealth(x, 'coredns'));
    const ready = health.filter((h) => h.ready).length;
    const facts: Facts = { corednsReady: `${ready}/${health.length}` };
    const evidence: Evidence[] = health.map((h) => describePod(h, now));
    if (health.length === 0) {
      return { outcome: 'no-pods', summary: `no CoreDNS pod in ${systemNamespace} (label ${selector}): nothing answers cluster DNS`, evidence: [{ label: `pods -l ${selector}`, value: 'none' }], facts };
    }
    if (ready === 0) {
      return { outcome: 'pods-not-ready', summary: `none of the ${health.length} CoreDNS pods is Ready: cluster DNS lookups fail or time out`, evidence, facts };
    }
    const text = cm?.data?.Corefile;
    if (text === undefined) {
      evidence.push({ label: `configmap ${systemNamespace}/coredns`, value: cm ? 'has no Corefile key' : 'not found' });
      return { outcome: 'corefile-missing', summary: `the coredns ConfigMap ${cm ? 'has no Corefile' : 'does not exist'}: CoreDNS runs on whatever configuration it loaded last`, evidence, facts };
    }
    const core = parseCorefile(text);
    facts.forwarders = core.forwarders.map((f) => `${f.from} → ${f.to.join(' ')}`).join('; ');
    facts.hasHostsBlock = core.hosts.length > 0;
    const entries = core.hosts.flatMap((h) => h.entries);
    facts.hostsNames = entries.flatMap((e) => e.names).join(',');
    for (const f of core.forwarders) evidence.push({ label: `forward (${f.server})`, value: `forward ${f.from} ${f.to.join(' ')}` });
    for (const h of core.hosts) {
      evidence.push({
        label: `hosts${h.file ? ` ${h.file}` : ''} (${h.server})`,
        value: h.entries.length ? h.entries.map((e) => `${e.ip} ${e.names.join(' ')}`).join('; ') + (h.fallthrough ? '; fallthrough' : '') : `no inline entries${h.fallthrough ? '; fallthrough' : ''}`,
      });
    }
    const readyNote = ready < health.length ? ` (${ready} of ${health.length} pods Ready)` : '';
    if (p.name) {
      const wanted = p.name.toLowerCase().replace(/\.$/, '');
      const hit = entries.find((e) => e.names.some((n) => n.toLowerCase().replace(/\.$/, '') === wanted));
      if (!hit) {
        const fwd = core.forwarders.find((f) => f.from === '.');
        return {
          outcome: 'missing-host-entry',
          summary: `${p.name} is not in ${core.hosts.length ? "CoreDNS's hosts block" : 'the Corefile (it has no hosts block)'}: pods resolve it only if the upstream ${fwd ? `(${fwd.to.join(' ')})` : 'resolver'} knows it; add it under hosts { … fallthrough } and restart CoreDNS${readyNote}`,
          evidence,
          facts,
        };
      }
      facts.hostEntry = hit.ip;
      return { outcome: 'healthy', summary: `CoreDNS is Ready${readyNote} and its hosts block maps ${p.name} to ${hit.ip}`, evidence, facts };
    }
    return {
      outcome: 'healthy',
      summary: `CoreDNS is Ready (${ready}/${health.length}); it forwards ${core.forwarders.map((f) => `${f.from} to ${f.to.join(' ')}`).join(', ') || 'nowhere'}${entries.length ? ` and its hosts block names ${entries.length} address${entries.length === 1 ? '' : 'es'}` : ''}`,
      evidence,
      facts,
    };
  },
});
