import { connect } from 'node:tls';
import type { PeerCertificate } from 'node:tls';
import { z } from 'zod';
import type { ServerTls } from '../../kube/client.js';
import { toKubeError } from '../../kube/errors.js';
import { clip } from '../pods.js';
import { defineCheck } from '../types.js';
import type { CheckResult, Evidence, Facts } from '../types.js';
import {
  classifyLines,
  listComponentPods,
  podHealth,
  readComponentLogs,
  systemNamespace,
  unique,
  x509ExpiredPattern,
} from './components.js';

const outcomes = ['valid', 'expiring-soon', 'expired', 'x509-errors-in-logs'] as const;
type Outcome = (typeof outcomes)[number];

const components = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];
const day = 86_400_000;

export const clusterCertificates = defineCheck({
  id: 'cluster.certificates',
  layer: 'cluster',
  title: "The API server's serving certificate and x509 errors in control-plane logs",
  why: 'kubeadm certificates last a year; when the serving or client certificates expire, kubectl, the kubelets and the control-plane components all fail with "x509: certificate has expired", which looks like a network problem until someone reads the date.',
  params: z.object({ warnDays: z.coerce.number().int().positive().default(30) }),
  outcomes,
  healthy: ['valid'],
  facts: ['certNotAfter', 'certDaysLeft', 'certSubject', 'certIssuer', 'certTrusted', 'x509Components'],
  sets: {
    valid: ['certIssuer', 'certNotAfter', 'certSubject', 'x509Components'],
    'x509-errors-in-logs': ['certIssuer', 'certNotAfter', 'certSubject', 'x509Components'],
  },
  command: (p) =>
    `echo | openssl s_client -connect "$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}' | sed -E 's#^https://##; s#/.*##; /:[0-9]+$/!s#$#:443#')" 2>/dev/null | openssl x509 -noout -subject -issuer -enddate && kubectl logs -n ${systemNamespace} -l 'component in (${components.join(',')})' --tail=200 | grep x509  # warn under ${p.warnDays} days`,
  async run(ctx, p): Promise<CheckResult<Outcome>> {
    const now = ctx.now();
    const target = await ctx.kube.serverTls();
    const [peer, pods] = await Promise.all([
      handshake(target, ctx.signal, ctx.kube.server),
      listComponentPods(ctx.kube, `component in (${components.join(',')})`),
    ]);
    // One component's log that cannot be read does not hide the x509 lines of another: it is noted, and only
    // when no line was found does it stop the check (a clean bill would rest on logs nobody read).
    const unread: { pod: string; why: string }[] = [];
    const read = await Promise.all(
      pods.map((pod) =>
        readComponentLogs(ctx.kube, { ...podHealth(pod), hasPrevious: false }, 200).catch((err: unknown) => {
          unread.push({ pod: pod.metadata?.name ?? '?', why: err instanceof Error ? err.message : String(err) });
          return undefined;
        }),
      ),
    );
    const logs = read.filter((l): l is NonNullable<typeof l> => l !== undefined);
    const x509 = classifyLines(logs, [{ class: 'x509' as const, re: x509ExpiredPattern }]);

    const notAfter = new Date(peer.cert.valid_to);
    const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / day);
    const facts: Facts = {
      certNotAfter: notAfter.toISOString(),
      certDaysLeft: daysLeft,
      certSubject: dn(peer.cert.subject),
      certIssuer: dn(peer.cert.issuer),
      certTrusted: peer.authorized,
      x509Components: 'no component',
    };
    const evidence: Evidence[] = [
      {
        label: `serving certificate of ${target.host}:${target.port}`,
        value: `subject ${facts.certSubject}, issuer ${facts.certIssuer}`,
      },
      {
        label: 'notAfter',
        value: `${peer.cert.valid_to} (${daysLeft >= 0 ? `${daysLeft} days left` : `expired ${-daysLeft} days ago`})`,
      },
      {
        label: 'verified against the kubeconfig CA',
        value: peer.authorized ? 'yes' : `no: ${peer.authorizationError ?? 'unknown'}`,
      },
    ];
    const sans = peer.cert.subjectaltname;
    if (sans) evidence.push({ label: 'subjectAltName', value: clip(sans, 200) });

    for (const u of unread) evidence.push({ label: `${u.pod} log`, value: `not read: ${clip(u.why, 200)}` });
    if (daysLeft < 0) {
      return {
        outcome: 'expired',
        summary: `the API server's serving certificate expired on ${notAfter.toISOString().slice(0, 10)}: every client that verifies it fails with x509 errors; renew it (kubeadm certs renew all) and restart the control plane`,
        evidence,
        facts,
      };
    }
    if (x509.length > 0) {
      const who = unique(x509.map((x) => x.pod));
      facts.x509Components = who.join(',');
      for (const x of x509.slice(-3)) evidence.push({ label: `${x.pod} log`, value: clip(x.line, 240) });
      return {
        outcome: 'x509-errors-in-logs',
        summary: `${who.join(', ')} log "x509: certificate has expired or is not yet valid": a certificate they use or are shown has expired (or a clock is wrong), although the serving certificate is valid for ${daysLeft} more days`,
        evidence,
        facts,
      };
    }
    if (daysLeft < p.warnDays) {
      return {
        outcome: 'expiring-soon',
        summary: `the API server's serving certificate expires in ${daysLeft} days (${notAfter.toISOString().slice(0, 10)}): renew it before it does`,
        evidence,
        facts,
      };
    }
    if (unread.length > 0) {
      throw new Error(
        `no x509 expiry in the logs that could be read, but ${unread.map((u) => u.pod).join(', ')} could not be read: ${clip(unread[0]?.why ?? '', 160)}`,
      );
    }
    // A log the kubelet could not hand over (not kept, not collected) was not read: the summary says so rather than "no log mentions".
    const unheard = logs.filter((l) => l.current.length === 0 && l.notes.length > 0);
    for (const l of unheard) evidence.push({ label: `${l.pod} log`, value: clip(l.notes[0] ?? '', 200) });
    if (logs.length > 0 && unheard.length === logs.length) {
      return {
        outcome: 'valid',
        summary: `the API server's serving certificate is valid for ${daysLeft} more days; no control-plane log could be read, so x509 errors in them were not checked`,
        evidence,
        facts,
      };
    }
    const which =
      unheard.length > 0
        ? `no control-plane log that could be read mentions an expired certificate (${unheard.map((l) => l.pod).join(', ')} not read)`
        : 'no control-plane log mentions an expired certificate';
    return {
      outcome: 'valid',
      summary: `the API server's serving certificate is valid for ${daysLeft} more days, and ${which}`,
      evidence,
      facts,
    };
  },
});

interface Peer {
  cert: PeerCertificate;
  authorized: boolean;
  authorizationError: string | undefined;
}

/**
 * A TLS handshake with the API server that reads its certificate whatever its
 * state: verification is reported, not enforced, so an expired or untrusted
 * certificate is still shown.
 */
function handshake(target: ServerTls, signal: AbortSignal, server: string): Promise<Peer> {
  return new Promise<Peer>((resolve, reject) => {
    const fail = (err: unknown) => reject(toKubeError(err, server, signal));
    if (signal.aborted) {
      fail(signal.reason);
      return;
    }
    const socket = connect({ ...target.options, host: target.host, port: target.port, rejectUnauthorized: false });
    const onAbort = () => {
      socket.destroy();
      fail(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('secureConnect', () => {
      signal.removeEventListener('abort', onAbort);
      const cert = socket.getPeerCertificate();
      const err = socket.authorizationError as Error | string | null | undefined;
      resolve({
        cert,
        authorized: socket.authorized,
        authorizationError: err ? (typeof err === 'string' ? err : err.message) : undefined,
      });
      socket.end();
    });
    socket.once('error', (err) => {
      signal.removeEventListener('abort', onAbort);
      fail(err);
    });
  });
}

/** `CN=kube-apiserver` from Node's parsed subject. */
function dn(x: PeerCertificate['subject'] | undefined): string {
  if (!x) return '';
  return Object.entries(x)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
}
