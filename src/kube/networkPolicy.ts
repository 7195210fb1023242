import { selectorMatches } from './labelSelector.js';
import type { LabelSelector, Labels } from './labelSelector.js';

/**
 * NetworkPolicy semantics as https://kubernetes.io/docs/concepts/services-networking/network-policies/
 * states them, written once for the checks and the drill's probe pod:
 * - a policy selects the pods of its namespace its podSelector matches ({} = all);
 * - policyTypes defaults to Ingress, plus Egress when the policy has egress rules;
 * - a pod is isolated for a direction once any policy selecting it names that
 *   direction; then only what some such policy's rules allow gets through
 *   (policies add up, they never deny on their own);
 * - a rule allows when one of its peers matches (none given: any peer) and one
 *   of its ports matches (none given: any port);
 * - a peer is a podSelector in the policy's namespace, a namespaceSelector
 *   (every pod there), both in one element (those pods in those namespaces),
 *   or an ipBlock (a CIDR minus its excepts);
 * - a connection needs the source's egress and the destination's ingress to
 *   allow it; replies are always allowed.
 */

export interface PolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

export interface PolicyPeer {
  podSelector?: LabelSelector | null;
  namespaceSelector?: LabelSelector | null;
  ipBlock?: { cidr: string; except?: string[] | null } | null;
}

export interface PolicyRule {
  ports?: PolicyPort[] | null;
  from?: PolicyPeer[] | null;
  to?: PolicyPeer[] | null;
}

export interface NetworkPolicyView {
  metadata: { name: string; namespace?: string };
  spec?: {
    podSelector?: LabelSelector | null;
    policyTypes?: string[] | null;
    ingress?: PolicyRule[] | null;
    egress?: PolicyRule[] | null;
  } | null;
}

/** One end of a connection: a pod (namespace, labels, IP, its declared ports) or an address outside the cluster. */
export interface Party {
  namespace?: string;
  labels?: Labels;
  ip?: string;
  /** Container ports by name, to resolve a policy's named port at the destination. */
  namedPorts?: Readonly<Record<string, { port: number; protocol: string }>>;
  /** Set for an address that is not a pod: only ipBlock peers can match it. */
  external?: boolean;
}

export interface Connection {
  from: Party;
  to: Party;
  port: number;
  protocol?: string;
}

export type Direction = 'ingress' | 'egress';

export interface DirectionVerdict {
  /** The policies that isolate this end for this direction (none: not isolated, everything allowed). */
  isolatedBy: string[];
  allowed: boolean;
  /** The policy whose rule let it through, when isolated and allowed. */
  allowedBy?: string;
}

export interface Verdict {
  allowed: boolean;
  ingress: DirectionVerdict;
  egress: DirectionVerdict;
  /** Which direction stopped it (ingress is named first when both do). */
  deniedAt?: Direction;
}

export function policyTypes(p: NetworkPolicyView): Direction[] {
  const given = p.spec?.policyTypes;
  if (given && given.length > 0)
    return given.map((t) => t.toLowerCase()).filter((t): t is Direction => t === 'ingress' || t === 'egress');
  return (p.spec?.egress?.length ?? 0) > 0 ? ['ingress', 'egress'] : ['ingress'];
}

/** Whether the policy selects the pod (same namespace, podSelector matches; an absent podSelector is `{}`). */
export function selectsPod(p: NetworkPolicyView, pod: Party): boolean {
  if (pod.external || pod.namespace === undefined || p.metadata.namespace !== pod.namespace) return false;
  return selectorMatches(p.spec?.podSelector ?? {}, pod.labels);
}

function ipToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

/** An IPv4 address inside a CIDR; IPv6 and malformed input match nothing. */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const a = ipToInt(ip);
  const b = ipToInt(base ?? '');
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  if (bits === 0) return true;
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(b / size);
}

function peerMatches(
  peer: PolicyPeer,
  policyNamespace: string,
  other: Party,
  namespaceLabels: (ns: string) => Labels | undefined,
): boolean {
  if (peer.ipBlock) {
    if (!other.ip) return false;
    return inCidr(other.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(other.ip ?? '', c));
  }
  if (other.external || other.namespace === undefined) return false;
  const nsOk = peer.namespaceSelector
    ? selectorMatches(peer.namespaceSelector, namespaceLabels(other.namespace))
    : other.namespace === policyNamespace;
  if (!nsOk) return false;
  return peer.podSelector ? selectorMatches(peer.podSelector, other.labels) : true;
}

function portMatches(pp: PolicyPort, port: number, protocol: string, destination: Party): boolean {
  if ((pp.protocol ?? 'TCP') !== protocol) return false;
  if (pp.port === undefined || pp.port === null) return true;
  if (typeof pp.port === 'string' && !/^\d+$/.test(pp.port)) {
    // A named port is the destination pod's container port of that name.
    const named = destination.namedPorts?.[pp.port];
    return named !== undefined && named.port === port && named.protocol === protocol;
  }
  const start = Number(pp.port);
  const end = pp.endPort ?? start;
  return port >= start && port <= end;
}

function ruleAllows(
  rule: PolicyRule,
  direction: Direction,
  policyNamespace: string,
  c: Connection,
  protocol: string,
  namespaceLabels: (ns: string) => Labels | undefined,
): boolean {
  const peers = direction === 'ingress' ? rule.from : rule.to;
  const other = direction === 'ingress' ? c.from : c.to;
  const peerOk =
    !peers || peers.length === 0 || peers.some((p) => peerMatches(p, policyNamespace, other, namespaceLabels));
  const portOk =
    !rule.ports || rule.ports.length === 0 || rule.ports.some((pp) => portMatches(pp, c.port, protocol, c.to));
  return peerOk && portOk;
}

function decideDirection(
  direction: Direction,
  policies: readonly NetworkPolicyView[],
  c: Connection,
  namespaceLabels: (ns: string) => Labels | undefined,
): DirectionVerdict {
  const self = direction === 'ingress' ? c.to : c.from;
  const protocol = c.protocol ?? 'TCP';
  const isolating = policies.filter((p) => selectsPod(p, self) && policyTypes(p).includes(direction));
  if (isolating.length === 0) return { isolatedBy: [], allowed: true };
  for (const p of isolating) {
    const rules = (direction === 'ingress' ? p.spec?.ingress : p.spec?.egress) ?? [];
    if (rules.some((r) => ruleAllows(r, direction, p.metadata.namespace ?? '', c, protocol, namespaceLabels))) {
      return { isolatedBy: isolating.map((x) => x.metadata.name), allowed: true, allowedBy: p.metadata.name };
    }
  }
  return { isolatedBy: isolating.map((x) => x.metadata.name), allowed: false };
}

/** Whether a new connection gets through the policies of both ends' namespaces. */
export function decide(
  policies: readonly NetworkPolicyView[],
  c: Connection,
  namespaceLabels: (ns: string) => Labels | undefined,
): Verdict {
  const ingress = decideDirection('ingress', policies, c, namespaceLabels);
  const egress = decideDirection('egress', policies, c, namespaceLabels);
  const allowed = ingress.allowed && egress.allowed;
  return { allowed, ingress, egress, ...(allowed ? {} : { deniedAt: ingress.allowed ? 'egress' : 'ingress' }) };
}

/** A pod's named container ports, for Party.namedPorts. */
export function namedPortsOf(pod: {
  spec?: {
    containers?: { ports?: { name?: string; containerPort: number; protocol?: string }[] | null }[] | null;
  } | null;
}): Record<string, { port: number; protocol: string }> {
  const out: Record<string, { port: number; protocol: string }> = {};
  for (const c of pod.spec?.containers ?? [])
    for (const p of c.ports ?? []) if (p.name) out[p.name] = { port: p.containerPort, protocol: p.protocol ?? 'TCP' };
  return out;
}
