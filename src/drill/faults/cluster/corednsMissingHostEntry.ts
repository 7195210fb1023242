import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineFault } from '../types.js';
import type { FaultContext } from '../types.js';
import { defaultCorefile, ensureCoreDns } from './support/addons.js';
import { appendLog } from './support/logbook.js';
import { ago, hexId, logLine } from './support/logs.js';

/** The DNS wire length of a query for `name` (header, name, type and class; no EDNS0 record). */
function querySize(name: string): number {
  const labels = name.replace(/\.$/, '').split('.');
  return 12 + labels.reduce((n, l) => n + l.length + 1, 1) + 4;
}

/** The kubeadm Corefile with a `hosts` block (and, to debug, `log`) added after `ready`, as people edit it. */
function corefileWithHosts(entries: string[], queryLog: boolean): string {
  const block = ['    hosts {', ...entries.map((e) => `       ${e}`), '       fallthrough', '    }'].join('\n');
  let out = defaultCorefile.replace('    ready\n', `    ready\n${block}\n`);
  if (queryLog) out = out.replace('    errors\n', '    errors\n    log\n');
  return out;
}

/** A duration as the log plugin prints it: float seconds, as short as exact (`0.000123456s`). */
function seconds(nanos: number): string {
  return `${(nanos / 1e9).toFixed(9).replace(/0+$/, '')}s`;
}

const sha512 = (text: string): string => createHash('sha512').update(text).digest('hex');

/**
 * One failed lookup of `name` by a pod: the resolver walks its search list
 * (ndots:5), the kubernetes plugin answers NXDOMAIN for the cluster
 * suffixes, and the upstream resolver for the bare name, which CoreDNS
 * forwarded because its hosts block fell through.
 */
function lookupLines(name: string, namespace: string, client: string, id: number): string[] {
  const fqdn = `${name}.`;
  const tries = [
    `${name}.${namespace}.svc.cluster.local.`,
    `${name}.svc.cluster.local.`,
    `${name}.cluster.local.`,
    fqdn,
  ];
  const port = 32768 + (id % 28000);
  const lines: string[] = [];
  for (const [i, q] of tries.entries()) {
    for (const type of ['A', 'AAAA']) {
      const qid = (id * 7919 + i * 31 + (type === 'A' ? 0 : 17)) % 65536;
      const upstream = q === fqdn;
      const size = querySize(q);
      // An authoritative cluster.local NXDOMAIN carries the zone's SOA; the upstream's its own.
      const rsize = upstream ? size + 75 : size + 93;
      const took = seconds(upstream ? 1_800_000 + qid * 97 : 90_000 + qid * 3);
      lines.push(
        `[INFO] ${client}:${port} - ${qid} "${type} IN ${q} udp ${size} false 512" NXDOMAIN ${upstream ? 'qr,rd,ra' : 'qr,aa,rd'} ${rsize} ${took}`,
      );
    }
  }
  return lines;
}

function hostsFile(node: string, entries: string[]): string {
  return [
    '127.0.0.1\tlocalhost',
    `127.0.1.1\t${node}`,
    ...entries.map((e) => e.replace(/\s+/, '\t')),
    '',
    '# The following lines are desirable for IPv6 capable hosts',
    '::1     localhost ip6-localhost ip6-loopback',
    'ff02::1 ip6-allnodes',
    'ff02::2 ip6-allrouters',
    '',
  ].join('\n');
}

function podLogs(
  ctx: FaultContext,
  pods: { name: string }[],
  corefile: string,
  p: {
    name: string;
    clientNamespace: string;
    clientIP: string;
    minutes: number;
    editedHoursAgo: number;
    queryLog: boolean;
  },
): void {
  const started = 90 * 86400;
  const edited = p.editedHoursAgo * 3600;
  pods.forEach((pod, podIndex) => {
    let step = 0;
    const at = (secondsAgo: number, text: string) => {
      const m = ago(ctx, secondsAgo - 0.001 * step++, `coredns-${pod.name}-${step}`, 1);
      return logLine(m, text);
    };
    const lines = [
      at(started, '.:53'),
      at(started, `[INFO] plugin/reload: Running configuration SHA512 = ${sha512(defaultCorefile)}`),
      at(started, 'CoreDNS-1.11.3'),
      at(started, 'linux/amd64, go1.21.11, a6338e9'),
      at(
        started - 1,
        `[INFO] 127.0.0.1:${40000 + podIndex * 977} - ${21000 + podIndex * 313} "HINFO IN ${hexId(8, pod.name).replace(/[a-f]/g, '7')}${hexId(11, pod.name, 'b').replace(/[a-f]/g, '3')}.${hexId(19, pod.name, 'c').replace(/[a-f]/g, '5')}. udp 57 false 512" NXDOMAIN qr,rd,ra 132 0.011324871s`,
      ),
      at(edited, '[INFO] Reloading'),
      at(edited - 1, `[INFO] plugin/reload: Running configuration SHA512 = ${sha512(corefile)}`),
      at(edited - 1, '[INFO] Reloading complete'),
    ];
    if (p.queryLog) {
      // The client retries every 30 s; the Service spreads its queries over both replicas.
      for (let s = p.minutes * 60, n = 0; s >= 5; s -= 30, n++) {
        if (n % pods.length !== podIndex) continue;
        for (const l of lookupLines(p.name, p.clientNamespace, p.clientIP, n)) lines.push(at(s, l));
      }
    }
    appendLog(ctx, 'kube-system', pod.name, 'coredns', lines);
  });
}

export const corednsMissingHostEntry = defineFault({
  id: 'coredns-missing-host-entry',
  title: "CoreDNS's hosts block lacks a name the nodes resolve through /etc/hosts",
  layer: 'cluster',
  description:
    'The kube-system/coredns ConfigMap\'s Corefile (kubeadm v1.31\'s default, created with the coredns Deployment, ReplicaSet and kube-dns Service if the cluster lacks them) has a `hosts { ... fallthrough }` block that names other hosts but not <name>, so pods get NXDOMAIN for it while every node resolves it from /etc/hosts (`cat /etc/hosts` on the hosts lists `<ip> <name>`). With `queryLog` (default) the Corefile also has `log`, and the CoreDNS pods log each failed lookup down the search path, ending with the forwarded `"A IN <name>. udp ..." NXDOMAIN qr,rd,ra`. The logs also show the reload when the block was added. The fix: add `<ip> <name>` to the hosts block.',
  params: z.strictObject({
    /** The name pods cannot resolve. */
    name: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/)
      .default('rancher.example.com'),
    /** Where it should point (what the nodes' /etc/hosts says). */
    ip: z.string().default('10.0.0.50'),
    /** The lines the hosts block does have. */
    entries: z.array(z.string().regex(/^\S+\s+\S+/)).default(['10.0.0.60 harbor.example.cn']),
    /** Namespace of the pod that keeps asking (its search path shows in the queries). */
    clientNamespace: z.string().default('cattle-system'),
    clientIP: z.string().default('10.244.2.17'),
    queryLog: z.boolean().default(true),
    /** Minutes of failed lookups in the log. */
    minutes: z.number().int().min(1).max(720).default(20),
    /** When the hosts block was last edited. */
    editedHoursAgo: z.number().int().min(1).max(2000).default(50),
  }),
  apply(ctx, p) {
    if (p.entries.some((e) => e.split(/\s+/).slice(1).includes(p.name)))
      ctx.fail(`entries already name ${p.name}: nothing would be missing`);
    const { pods, configMap } = ensureCoreDns(ctx);
    const corefile = corefileWithHosts(p.entries, p.queryLog);
    ctx.put({ ...configMap, data: { ...((configMap.data ?? {}) as Record<string, string>), Corefile: corefile } });
    podLogs(
      ctx,
      pods.map((x) => ({ name: x.metadata.name })),
      corefile,
      p,
    );
    for (const node of ctx.list('Node'))
      ctx.host(node.metadata.name, ['cat', '/etc/hosts'], {
        stdout: hostsFile(node.metadata.name, [`${p.ip} ${p.name}`, ...p.entries]),
      });
  },
});
