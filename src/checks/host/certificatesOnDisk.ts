import { z } from 'zod';
import type { RunResult } from '../../nodeaccess/types.js';
import type { CheckResult, Evidence } from '../types.js';
import { allOutput, clip, firstLine, hostError, nodeParam } from './define.js';
import { defineHostSequenceCheck } from './sequence.js';

const outcomes = ['valid', 'expiring-soon', 'expired', 'missing', 'unreadable'] as const;
type Outcome = (typeof outcomes)[number];

export const defaultKubeletClientCert = '/var/lib/kubelet/pki/kubelet-client-current.pem';

const params = z.object({
  node: nodeParam,
  path: z.string().startsWith('/', 'an absolute path on the node').default(defaultKubeletClientCert),
  /** kubeadm warns 30 days ahead; the kubelet should have rotated its client certificate long before. */
  warnDays: z.coerce.number().nonnegative().default(30),
});
type Params = z.infer<typeof params>;

export function certificatesOnDiskArgv(p: Params): string[] {
  return ['openssl', 'x509', '-enddate', '-noout', '-in', p.path];
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `notAfter=Mar  1 00:00:00 2026 GMT` (OpenSSL's ASN1_TIME_print format) → a Date. */
export function parseNotAfter(text: string): { date: Date; line: string } | undefined {
  const m = /^notAfter=([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)? (\d{4}) GMT\s*$/m.exec(text);
  if (!m) return undefined;
  const month = months.indexOf(m[1] ?? '');
  if (month < 0) return undefined;
  const date = new Date(Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])));
  return { date, line: m[0].trim() };
}

const dayMs = 86_400_000;

export function parseCertificatesOnDisk(r: RunResult, p: Params, now: Date = new Date()): CheckResult<Outcome> {
  const text = allOutput(r);
  const end = parseNotAfter(text);
  const facts = { certificatePath: p.path };
  if (!end) {
    // OpenSSL 3: "Could not open file or uri for loading certificate from PATH" and a "calling stat(PATH)" line with the errno text; 1.1: "unable to load certificate" and fopen's errno.
    const says = clip(firstLine(text));
    const evidence: Evidence[] = [{ label: 'openssl', value: says }];
    if (/No such file or directory/.test(text)) {
      return { outcome: 'missing', summary: `${p.path} does not exist on this node`, evidence, facts };
    }
    if (/Permission denied/.test(text)) {
      return {
        outcome: 'unreadable',
        summary: `${p.path} cannot be read (Permission denied): run as root`,
        evidence,
        facts,
      };
    }
    if (
      /Could not read certificate from|unable to load certificate|Unable to load certificate|no start line|Is a directory/i.test(
        text,
      )
    ) {
      return {
        outcome: 'unreadable',
        summary: `${p.path} is there but holds no PEM certificate openssl can read (empty, truncated or not a certificate)`,
        evidence,
        facts,
      };
    }
    return hostError(`openssl printed no notAfter= line: ${says || 'no output'}`, 'bad-output', evidence);
  }
  const days = Math.floor(((end.date.getTime() - now.getTime()) / dayMs) * 10) / 10;
  const evidence: Evidence[] = [
    { label: p.path, value: end.line },
    {
      label: 'remaining',
      value: days < 0 ? `expired ${Math.abs(days)} days ago` : `${days} days (warning under ${p.warnDays})`,
    },
  ];
  const withEnd = { ...facts, certificateNotAfter: end.date.toISOString(), certificateDaysLeft: days };
  if (days < 0) {
    return {
      outcome: 'expired',
      summary: `the certificate at ${p.path} expired on ${end.date.toISOString()}: the API server rejects it, so whatever presents it (the kubelet) is Unauthorized`,
      evidence,
      facts: withEnd,
    };
  }
  if (days < p.warnDays) {
    return {
      outcome: 'expiring-soon',
      summary: `the certificate at ${p.path} expires in ${days} days (${end.date.toISOString()}): renewal should have happened by now`,
      evidence,
      facts: withEnd,
    };
  }
  return {
    outcome: 'valid',
    summary: `the certificate at ${p.path} is valid for ${Math.floor(days)} more days`,
    evidence,
    facts: withEnd,
  };
}

// One command, but through the sequence helper so the parser gets the walk's clock (a drill or a replay may set it).
export const certificatesOnDisk = defineHostSequenceCheck({
  id: 'host.certificates-on-disk',
  title: 'certificate expiry on the node (openssl x509 -enddate)',
  why: 'An expired client certificate makes the API server answer Unauthorized: a kubelet whose certificate lapsed stops posting status and its node goes NotReady. The kubelet renews its own certificate at 70-90% of its life, so one close to expiry means renewal is failing.',
  params,
  outcomes,
  healthy: ['valid'],
  facts: ['certificatePath', 'certificateNotAfter', 'certificateDaysLeft'],
  sets: {
    '*': ['certificatePath'],
    valid: ['certificateDaysLeft', 'certificateNotAfter'],
    'expiring-soon': ['certificateDaysLeft', 'certificateNotAfter'],
    expired: ['certificateDaysLeft', 'certificateNotAfter'],
  },
  argv: certificatesOnDiskArgv,
  commands: (p) => [certificatesOnDiskArgv(p)],
  parse: parseCertificatesOnDisk,
});
