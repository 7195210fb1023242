import { X509Certificate } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult, Evidence } from '../types.js';
import { parseNotAfter } from './certificatesOnDisk.js';
import { allOutput, clip, firstLine, hostError, nodeParam } from './define.js';
import { defineHostStepsCheck } from './sequence.js';
import type { RanStep } from './sequence.js';

const outcomes = ['valid', 'expiring-soon', 'expired', 'missing', 'unreadable'] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  node: nodeParam,
  /** kubeadm's; k3s: /var/lib/rancher/k3s/agent/kubelet.kubeconfig, rke2: /var/lib/rancher/rke2/agent/kubelet.kubeconfig. */
  path: z.string().startsWith('/', 'an absolute path on the node').default('/etc/kubernetes/kubelet.conf'),
  warnDays: z.coerce.number().nonnegative().default(30),
});
type Params = z.infer<typeof params>;

export function kubeconfigArgv(p: Pick<Params, 'path'>): string[] {
  return ['cat', '--', p.path];
}

export function clientCertFileArgv(file: string): string[] {
  return ['openssl', 'x509', '-enddate', '-noout', '-in', file];
}

interface Credential {
  /** `client certificate of system:node:worker-1`, `CA of kubernetes`. */
  what: string;
  /** Embedded (…-data) or a file path. */
  data?: string;
  file?: string;
}

/** The credentials a kubeconfig names: each user's client certificate and each cluster's CA, embedded or by path. */
export function kubeconfigCredentials(text: string): { credentials: Credential[]; problem?: string } {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    return { credentials: [], problem: `not YAML: ${clip((err as Error).message.split('\n')[0] ?? '', 120)}` };
  }
  if (!isObject(doc) || (!Array.isArray(doc.users) && !Array.isArray(doc.clusters)))
    return { credentials: [], problem: 'not a kubeconfig (no users or clusters)' };
  const out: Credential[] = [];
  for (const u of list(doc.users)) {
    if (!isObject(u) || !isObject(u.user)) continue;
    const user = u.user;
    const what = `client certificate of ${typeof u.name === 'string' ? u.name : 'the user'}`;
    const data = user['client-certificate-data'];
    const file = user['client-certificate'];
    if (typeof data === 'string') out.push({ what, data });
    else if (typeof file === 'string') out.push({ what, file });
  }
  for (const c of list(doc.clusters)) {
    if (!isObject(c) || !isObject(c.cluster)) continue;
    const cluster = c.cluster;
    const what = `CA of ${typeof c.name === 'string' ? c.name : 'the cluster'}`;
    const data = cluster['certificate-authority-data'];
    const file = cluster['certificate-authority'];
    if (typeof data === 'string') out.push({ what, data });
    else if (typeof file === 'string') out.push({ what, file });
  }
  return { credentials: out };
}

/** The kubeconfig's text: what cat printed before the openssl line that may follow it. */
function kubeconfigText(text: string): string {
  const i = text.search(/^notAfter=/m);
  return i < 0 ? text : text.slice(0, i);
}

/** The client certificate is a file (kubeadm after rotation, k3s, rke2): read its end date next. */
export function kubeconfigNext(_p: Params, ran: readonly RanStep[]): string[] | undefined {
  if (ran.length !== 1 || !ran[0]?.result) return undefined;
  const file = kubeconfigCredentials(allOutput(ran[0].result)).credentials.find(
    (c) => c.what.startsWith('client') && c.file,
  )?.file;
  return file ? clientCertFileArgv(file) : undefined;
}

/** An embedded certificate's end date; undefined with why when the data is no certificate (a paste redacts it). */
function embeddedNotAfter(data: string): { date: Date } | { problem: string } {
  const pem = Buffer.from(data.trim(), 'base64').toString('utf8');
  if (!pem.includes('-----BEGIN CERTIFICATE-----'))
    return { problem: `holds no PEM certificate (${clip(data, 24)}: redacted, or not base64 of a certificate)` };
  try {
    const cert = new X509Certificate(pem);
    return { date: new Date(cert.validTo) };
  } catch (err) {
    return { problem: `holds a certificate that does not parse (${(err as Error).message})` };
  }
}

const dayMs = 86_400_000;

export function parseKubeconfigCertificates(r: RunResult, p: Params, now: Date = new Date()): CheckResult<Outcome> {
  const text = allOutput(r);
  const facts = { kubeconfigPath: p.path };
  if (/No such file or directory/.test(firstLine(text)))
    return {
      outcome: 'missing',
      summary: `${p.path} does not exist on this node`,
      evidence: [{ label: 'cat', value: clip(firstLine(text)) }],
      facts,
    };
  if (/Permission denied/.test(firstLine(text)))
    return {
      outcome: 'unreadable',
      summary: `${p.path} cannot be read (Permission denied): run as root`,
      evidence: [{ label: 'cat', value: clip(firstLine(text)) }],
      facts,
    };
  const { credentials, problem } = kubeconfigCredentials(kubeconfigText(text));
  if (problem)
    return hostError(`${p.path}: ${problem}`, 'bad-output', [{ label: p.path, value: clip(firstLine(text)) }]);
  if (credentials.length === 0)
    return hostError(`${p.path} names no client certificate and no CA (token or exec credentials)`, 'no-certificate');
  const fileEnd = parseNotAfter(text);
  const evidence: Evidence[] = [];
  const dated: { what: string; date: Date }[] = [];
  let clientUnread: string | undefined;
  for (const c of credentials) {
    if (c.data !== undefined) {
      const end = embeddedNotAfter(c.data);
      if ('date' in end) dated.push({ what: `${c.what} (embedded)`, date: end.date });
      else evidence.push({ label: `${c.what} (embedded)`, value: end.problem });
    } else if (c.what.startsWith('client') && fileEnd) {
      dated.push({ what: `${c.what} (${c.file ?? ''})`, date: fileEnd.date });
    } else {
      evidence.push({
        label: c.what,
        value: `the file ${c.file ?? ''}${c.what.startsWith('client') ? ': its end date was not read' : ''}`,
      });
      if (c.what.startsWith('client')) clientUnread = c.file;
    }
  }
  const days = (d: Date) => Math.floor(((d.getTime() - now.getTime()) / dayMs) * 10) / 10;
  for (const d of dated) {
    const left = days(d.date);
    evidence.unshift({
      label: d.what,
      value: `notAfter ${d.date.toISOString()} (${left < 0 ? `expired ${Math.abs(left)} days ago` : `${left} days left`})`,
    });
  }
  if (dated.length === 0) {
    return hostError(
      `no certificate in ${p.path} could be dated${clientUnread ? `: the client certificate is the file ${clientUnread} (openssl x509 -enddate -noout -in ${clientUnread})` : ''}`,
      clientUnread ? 'file-not-read' : 'no-certificate',
      evidence,
    );
  }
  const worst = dated.reduce((a, b) => (b.date < a.date ? b : a));
  const left = days(worst.date);
  const withEnd = {
    ...facts,
    kubeconfigCertificate: worst.what,
    kubeconfigNotAfter: worst.date.toISOString(),
    kubeconfigDaysLeft: left,
  };
  if (left < 0) {
    return {
      outcome: 'expired',
      summary: `the ${worst.what} in ${p.path} expired on ${worst.date.toISOString()}: the API server rejects the kubelet (Unauthorized), so it cannot post status`,
      evidence,
      facts: withEnd,
    };
  }
  if (left < p.warnDays) {
    return {
      outcome: 'expiring-soon',
      summary: `the ${worst.what} in ${p.path} expires in ${left} days (${worst.date.toISOString()})${worst.what.includes('embedded') && worst.what.startsWith('client') ? ': an embedded client certificate is never rotated by the kubelet' : ''}`,
      evidence,
      facts: withEnd,
    };
  }
  return {
    outcome: 'valid',
    summary: `the certificates in ${p.path} are valid; the first to expire, the ${worst.what}, in ${Math.floor(left)} days`,
    evidence,
    facts: withEnd,
  };
}

export const kubeconfigCertificates = defineHostStepsCheck({
  id: 'host.kubeconfig-certificates',
  title: "certificates in the kubelet's kubeconfig (embedded, or the file it names)",
  why: 'The kubelet authenticates with the client certificate its kubeconfig embeds (client-certificate-data) or names (kubelet-client-current.pem after rotation). An embedded one is never rotated: a control-plane node set up before kubeadm 1.17 loses the API a year later.',
  params,
  outcomes,
  healthy: ['valid'],
  facts: ['kubeconfigPath', 'kubeconfigCertificate', 'kubeconfigNotAfter', 'kubeconfigDaysLeft'],
  sets: {
    '*': ['kubeconfigPath'],
    valid: ['kubeconfigCertificate', 'kubeconfigNotAfter', 'kubeconfigDaysLeft'],
    'expiring-soon': ['kubeconfigCertificate', 'kubeconfigNotAfter', 'kubeconfigDaysLeft'],
    expired: ['kubeconfigCertificate', 'kubeconfigNotAfter', 'kubeconfigDaysLeft'],
  },
  argv: kubeconfigArgv,
  // Runs as printed: the second command reads the file the kubeconfig names, and runs only if it names one.
  describe: (p) =>
    `${kubeconfigArgv(p).join(' ')}; awk '$1 == "client-certificate:" {print $2}' ${p.path} | xargs -r openssl x509 -enddate -noout -in`,
  next: kubeconfigNext,
  parse: parseKubeconfigCertificates,
});

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? (v as unknown[]) : [];
}
