import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { missingCommandMessage, runProcess } from './process.js';
import { NodeAccessError } from './types.js';
import type { NodeAccess } from './types.js';

/** What the cluster says a node is: its name, its addresses (InternalIP, ExternalIP, Hostname) and its hostname label. */
export interface NodeIdentity {
  name: string;
  addresses: readonly string[];
  hostnameLabel?: string;
}

/** This machine as it knows itself. */
export interface SelfIdentity {
  hostname: string;
  addresses: readonly string[];
  /** The node name in the kubelet's client certificate (CN=system:node:<name>), where one is readable here. */
  kubeletNodeName?: string;
}

export interface LocalAccessOptions {
  maxOutputBytes?: number;
  /** Extra environment for every command (e.g. DBUS_SYSTEM_BUS_ADDRESS in tests). */
  env?: Record<string, string>;
  /** The node as the API has it; undefined or a throw when the API cannot say (then only names can match). */
  describeNode?: (node: string, signal: AbortSignal) => Promise<NodeIdentity | undefined> | NodeIdentity | undefined;
  /** This machine (tests stand in another). */
  self?: () => SelfIdentity;
  /** Run whatever node is named, without checking this machine is it: for tests that run real host checks here. */
  anyNode?: boolean;
}

/**
 * `--node-access local`: plumbline runs on the node itself. It first makes
 * sure this machine is the node the runbook names (by hostname, by the node's
 * addresses, or by the kubelet's own node name) and refuses otherwise:
 * output from another machine recorded as that node's would be a confident
 * wrong answer. Commands run through execa with an argv array, no shell.
 */
export function createLocalAccess(options: LocalAccessOptions = {}): NodeAccess {
  const verified = new Map<string, Promise<string>>();
  return {
    kind: 'local',
    async run(node, argv, opts) {
      let known = options.anyNode ? Promise.resolve(hostname()) : verified.get(node);
      if (!known) {
        known = verifyLocal(node, options, opts.signal);
        verified.set(node, known);
        // A refusal is kept (asking again gives the same answer); a cancelled look-up is not.
        known.catch((err: unknown) => {
          if (err instanceof NodeAccessError && err.kind === 'cancelled') verified.delete(node);
        });
      }
      const answeredBy = await known;
      const r = await runProcess(argv, { ...opts, maxOutputBytes: options.maxOutputBytes, env: options.env });
      const missing = missingCommandMessage(argv, r);
      if (missing !== undefined && r.exitCode === 127) throw new NodeAccessError('command-missing', missing);
      return { ...r, answeredBy };
    },
  };
}

/** "worker-2 (this machine: hostname worker-2)" when this machine is the node; throws not-possible, saying what it is instead, when not. */
export async function verifyLocal(
  node: string,
  options: Pick<LocalAccessOptions, 'describeNode' | 'self'>,
  signal: AbortSignal,
): Promise<string> {
  const self = (options.self ?? thisMachine)();
  let api: NodeIdentity | undefined;
  let apiFailed = false;
  try {
    api = await options.describeNode?.(node, signal);
  } catch {
    apiFailed = true;
  }
  if (signal.aborted) throw new NodeAccessError('cancelled', 'cancelled while checking which machine this is');
  const match = identify(node, self, api);
  if (match) return `${self.hostname} (this machine: ${match})`;
  const seen = [`its hostname is ${self.hostname}`, `its addresses are ${self.addresses.join(', ') || 'none'}`];
  if (self.kubeletNodeName) seen.push(`its kubelet is node ${self.kubeletNodeName}`);
  const cluster = api
    ? ` (${node} is ${[...new Set([...api.addresses, ...(api.hostnameLabel ? [api.hostnameLabel] : [])])].join(', ') || 'without addresses'} per the API)`
    : apiFailed || options.describeNode
      ? ` (the API did not say what ${node}'s addresses are)`
      : '';
  throw new NodeAccessError(
    'not-possible',
    `--node-access local runs commands on this machine, and this machine is not ${node}${cluster}: ${seen.join(', ')}. Run plumbline on ${node}, or use --node-access ssh or manual`,
  );
}

/** How this machine is the node, or undefined when nothing says it is. */
export function identify(node: string, self: SelfIdentity, api: NodeIdentity | undefined): string | undefined {
  const names = new Set(
    [node, api?.hostnameLabel, ...(api?.addresses ?? [])].filter((n): n is string => !!n).map((n) => n.toLowerCase()),
  );
  const host = self.hostname.toLowerCase();
  const short = host.split('.')[0] ?? host;
  if (names.has(host) || names.has(short) || [...names].some((n) => n.split('.')[0] === short && !/^\d/.test(n)))
    return `hostname ${self.hostname}`;
  if (self.kubeletNodeName === node) return `its kubelet's certificate names node ${node}`;
  const shared = self.addresses.find((a) => api?.addresses.includes(a));
  if (shared) return `address ${shared}`;
  return undefined;
}

// Where kubelets keep their client certificate: kubeadm and most distributions, then k3s/RKE2.
const kubeletCerts = [
  '/var/lib/kubelet/pki/kubelet-client-current.pem',
  '/var/lib/rancher/k3s/agent/client-kubelet.crt',
  '/var/lib/rancher/rke2/agent/client-kubelet.crt',
];

/** This machine's hostname, its non-loopback addresses, and the kubelet's node name where its certificate is readable. */
export function thisMachine(): SelfIdentity {
  const addresses = Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal)
    .map((a) => a!.address);
  const kubeletNodeName = kubeletCerts.map(certNodeName).find((n) => n !== undefined);
  return { hostname: hostname(), addresses, ...(kubeletNodeName ? { kubeletNodeName } : {}) };
}

/** The node in a kubelet client certificate's subject (CN=system:node:<name>), or undefined. */
export function certNodeName(path: string): string | undefined {
  try {
    const cert = new X509Certificate(readFileSync(path));
    return /(?:^|\n)CN=system:node:([^\n,]+)/.exec(cert.subject)?.[1];
  } catch {
    return undefined;
  }
}
