import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { KubeError } from '../../kube/errors.js';
import { quoteArg } from '../../nodeaccess/quote.js';
import { defineCheck } from '../types.js';
import type { CheckResult } from '../types.js';
import { hostOf } from '../../kube/dnsNames.js';

const outcomes = ['valid', 'no-tls', 'secret-missing', 'expired', 'host-mismatch'] as const;
type Outcome = (typeof outcomes)[number];

const params = z.object({
  namespace: z.string().min(1),
  /** The Ingress's TLS Secret (`(none)`: the Ingress has no TLS for the host). */
  secret: z.string().default('(none)'),
  host: z.string().default(''),
});
type Params = z.infer<typeof params>;

const command = (p: Params) =>
  `kubectl get secret ${quoteArg(p.secret)} -n ${quoteArg(p.namespace)} -o jsonpath='{.data.tls\\.crt}' | base64 -d | openssl x509 -noout -subject -enddate -ext subjectAltName`;

/**
 * The Ingress's TLS Secret: missing (the controller serves its own fake
 * certificate), expired, or not for the host; clients then refuse the
 * connection before any request reaches the Service. Only tls.crt is read,
 * and the transcript records only that it was.
 */
export const ingressTls = defineCheck({
  id: 'ingress.tls',
  layer: 'cluster',
  title: "Is the Ingress's TLS certificate there, current, and for this host?",
  why: 'A TLS Secret that is missing, expired or for another name makes clients refuse the connection at the handshake; the controller then serves its default certificate and logs that it could not find a valid one.',
  params,
  outcomes,
  healthy: ['valid', 'no-tls'],
  facts: ['notAfter', 'certNames', 'tlsSecret'],
  sets: {
    valid: ['notAfter', 'certNames'],
    expired: ['notAfter', 'tlsSecret'],
    'host-mismatch': ['certNames', 'tlsSecret'],
    'secret-missing': ['tlsSecret'],
  },
  command,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    if (!p.secret || p.secret === '(none)')
      return { outcome: 'no-tls', summary: 'the rule has no TLS section: plain HTTP only', evidence: [], facts: {} };
    let read;
    try {
      read = await ctx.kube.readTlsCertificate(p.namespace, p.secret);
    } catch (err) {
      if (err instanceof KubeError && err.kind === 'not-found') {
        // secretName is a name, never namespace/name: the Ingress's own namespace is where it is read (kubernetes#57325).
        const otherNamespace = p.secret.includes('/')
          ? `; secretName cannot name another namespace (${p.secret.split('/')[0] ?? ''}): the Secret must be in ${p.namespace}`
          : '';
        return {
          outcome: 'secret-missing',
          summary: `TLS Secret ${p.secret} does not exist in ${p.namespace}${otherNamespace}: the controller serves its default (self-signed) certificate instead`,
          evidence: [],
          facts: { tlsSecret: p.secret },
        };
      }
      throw err;
    }
    if (!read.certificate)
      return {
        outcome: 'secret-missing',
        summary: `Secret ${p.namespace}/${p.secret} has no tls.crt (type ${read.type || 'unset'})`,
        evidence: [{ label: 'type', value: read.type }],
        facts: { tlsSecret: p.secret },
      };
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(read.certificate);
    } catch {
      return {
        outcome: 'secret-missing',
        summary: `Secret ${p.namespace}/${p.secret}'s tls.crt is not a PEM certificate`,
        evidence: [],
        facts: { tlsSecret: p.secret },
      };
    }
    const notAfter = new Date(cert.validTo);
    const names = cert.subjectAltName ?? cert.subject;
    const evidence = [
      { label: 'subject', value: cert.subject.replace(/\n/g, ', ') },
      { label: 'subjectAltName', value: cert.subjectAltName ?? '(none)' },
      { label: 'notAfter', value: cert.validTo },
    ];
    if (notAfter.getTime() < ctx.now().getTime())
      return {
        outcome: 'expired',
        summary: `the certificate in ${p.secret} expired on ${notAfter.toISOString()}`,
        evidence,
        facts: { notAfter: notAfter.toISOString(), tlsSecret: p.secret },
      };
    const host = hostOf(p.host);
    if (host && cert.checkHost(host) === undefined)
      return {
        outcome: 'host-mismatch',
        summary: `the certificate in ${p.secret} is for ${names}, not ${host}: clients refuse it`,
        evidence,
        facts: { certNames: names, tlsSecret: p.secret },
      };
    return {
      outcome: 'valid',
      summary: `the certificate in ${p.secret} is valid until ${notAfter.toISOString()}${host ? ` and covers ${host}` : ''}`,
      evidence,
      facts: { notAfter: notAfter.toISOString(), certNames: names },
    };
  },
});
