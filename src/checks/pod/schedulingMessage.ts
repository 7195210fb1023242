/**
 * Parses kube-scheduler's FailedScheduling message in the wordings of every
 * release since 1.6, e.g.
 *   1.6-1.9:  "No nodes are available that match all of the following predicates:: Insufficient cpu (3), MatchNodeSelector (2)."
 *             "No nodes are available that match all of the predicates: Insufficient memory (5), PodToleratesNodeTaints (3)"
 *   1.9-1.10: "0/3 nodes are available: 3 MatchNodeSelector."
 *   1.10+:    "0/2 nodes are available: 2 node(s) had taints that the pod didn't tolerate."
 *   1.16+:    "0/13 nodes are available: 2 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate, ..."
 *   1.25+:    "0/3 nodes are available: 3 node(s) had untolerated taint {node.kubernetes.io/not-ready: }. preemption: 0/3 ..."
 *   1.17-1.19 (no node counts): "error while running "VolumeBinding" filter plugin for pod "x": pod has unbound immediate PersistentVolumeClaims"
 * A reason it does not know keeps its words (kind `other`): it is shown as written, never read as a known rule.
 */

export type ScheduleReasonKind =
  | 'node-selector'
  | 'taint'
  | 'node-condition'
  | 'insufficient-resources'
  | 'unbound-pvc'
  | 'volume-node-affinity'
  | 'unschedulable-nodes'
  | 'no-nodes'
  | 'other';

export interface ScheduleReason {
  kind: ScheduleReasonKind;
  /** Nodes this reason excluded (0 when the message gives no count). */
  nodes: number;
  text: string;
  /** The taint, resource or claim named in the message. */
  detail?: string;
}

export interface ParsedSchedulingMessage {
  available: number | null;
  total: number | null;
  reasons: ScheduleReason[];
  /**
   * Before 1.10 each predicate counted every node it failed on, so one node can be counted under
   * several reasons and the counts do not add up to the cluster's nodes.
   */
  overlapping?: boolean;
}

/** Taints the node lifecycle controller and the kubelet set for a node condition: the node is sick, not reserved. */
const conditionTaint =
  /^\{?\s*(node\.kubernetes\.io\/(?:not-ready|unreachable|disk-pressure|memory-pressure|pid-pressure|network-unavailable|out-of-disk)|node\.cloudprovider\.kubernetes\.io\/uninitialized)\b/;

const patterns: { kind: ScheduleReasonKind; re: RegExp }[] = [
  {
    kind: 'node-selector',
    re: /didn't match (?:Pod's )?node (?:affinity\/selector|selector|affinity)|^MatchNodeSelector$|^NodeAffinity$/i,
  },
  { kind: 'unschedulable-nodes', re: /were unschedulable|^(?:CheckNodeUnschedulable|NodeUnschedulable)$/i },
  { kind: 'taint', re: /had (?:untolerated )?taints? (\{[^}]*\})?|^PodToleratesNodeTaints$|^TaintToleration$/i },
  {
    kind: 'node-condition',
    re: /were not ready|were out of disk space|had (?:disk|memory|pid) pressure|network unavailable|^(?:CheckNodeCondition|NodeNotReady|NodeOutOfDisk|NodeNetworkUnavailable|CheckNode(?:Memory|Disk|PID)Pressure|NodeUnder(?:Memory|Disk|PID)Pressure)$/i,
  },
  { kind: 'insufficient-resources', re: /^Insufficient ([\w./-]+)|^Too many pods|^PodFitsResources$/i },
  {
    kind: 'unbound-pvc',
    re: /unbound (?:immediate )?PersistentVolumeClaims|didn't find available persistent volumes to bind|persistentvolumeclaim "([^"]+)" not found|^CheckVolumeBinding$/i,
  },
  {
    kind: 'volume-node-affinity',
    re: /volume node affinity conflict|had no available volume zone|^(?:NoVolumeZoneConflict|NoVolumeNodeConflict)$/i,
  },
];

export function parseSchedulingMessage(message: string): ParsedSchedulingMessage {
  // "(repeated 3 times)" is the event recorder's, not the scheduler's.
  const clean = message.replace(/\s*\(repeated \d+ times?\)\s*$/, '');
  if (/no nodes available to schedule pods/i.test(clean)) {
    return {
      available: 0,
      total: 0,
      reasons: [{ kind: 'no-nodes', nodes: 0, text: 'no nodes available to schedule pods' }],
    };
  }
  const legacy =
    /No nodes are available that match all of the (?:following )?predicates:+\s*|fit failure summary on nodes\s*:\s*/i.exec(
      clean,
    );
  if (legacy) return parseLegacy(clean.slice(legacy.index + legacy[0].length));

  // The part after "preemption:" repeats the count and says whether eviction would help; it adds no reasons.
  const main = clean.split(/\.\s*preemption:/i)[0] ?? '';
  const head = /(\d+)\/(\d+) nodes are available(?::\s*)?/.exec(main);
  const available = head ? Number(head[1]) : null;
  const total = head ? Number(head[2]) : null;
  const body = head ? main.slice(head.index + head[0].length) : main;
  const reasons: ScheduleReason[] = [];
  for (const part of splitReasons(body.replace(/\.+\s*$/, ''))) {
    const m = /^(\d+)\s+(.*)$/.exec(part.trim());
    const nodes = m ? Number(m[1]) : 0;
    const text = (m?.[2] ?? part).trim();
    if (!text) continue;
    reasons.push({ nodes, text, ...classify(text) });
  }
  return { available, total, reasons };
}

/** "Insufficient cpu (9), Insufficient memory (15), MatchNodeSelector (18)." */
function parseLegacy(body: string): ParsedSchedulingMessage {
  const reasons: ScheduleReason[] = [];
  for (const part of body.replace(/[.;]\s*(?:retrying)?\s*$/, '').split(/,\s*/)) {
    const m = /^(.*?)\s*\((\d+)\)\s*$/.exec(part.trim());
    const text = (m?.[1] ?? part).trim();
    if (!text) continue;
    reasons.push({ nodes: m ? Number(m[2]) : 0, text, ...classify(text) });
  }
  return { available: 0, total: null, reasons, overlapping: true };
}

/** Splits on ", " but not inside `{...}`, where a taint's key and value live. */
function splitReasons(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? '';
    if (ch === '{') depth++;
    if (ch === '}') depth = Math.max(0, depth - 1);
    if (depth === 0 && ch === ',' && s[i + 1] === ' ' && /^\s*\d+ /.test(s.slice(i + 1))) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim()) out.push(cur);
  return out;
}

function classify(text: string): { kind: ScheduleReasonKind; detail?: string } {
  for (const { kind, re } of patterns) {
    const m = re.exec(text);
    if (!m) continue;
    const detail = m[1]?.trim();
    if (kind === 'taint' && detail) {
      if (/node\.kubernetes\.io\/unschedulable/.test(detail)) return { kind: 'unschedulable-nodes', detail };
      if (conditionTaint.test(detail)) return { kind: 'node-condition', detail };
    }
    return detail ? { kind, detail } : { kind };
  }
  return { kind: 'other' };
}

/** A taint as the node shows it (`key=value:Effect`) is a condition taint: the node is sick, not reserved. */
export function isConditionTaint(key: string): boolean {
  return conditionTaint.test(key);
}

const isControlPlaneTaint = (r: ScheduleReason) =>
  r.kind === 'taint' && /node-role\.kubernetes\.io\/(control-plane|master)/.test(r.detail ?? r.text);

/**
 * The reason that keeps the pod off the most nodes. A control-plane taint is
 * expected and rarely the problem, so it only wins when nothing else is there.
 * A reason plumbline does not know (`other`) that excludes at least as many
 * nodes as the best known one wins: naming a known rule there would be a guess.
 */
export function primaryReason(parsed: ParsedSchedulingMessage): ScheduleReason | undefined {
  const ordinary = parsed.reasons.filter((r) => !isControlPlaneTaint(r));
  const pool = ordinary.length > 0 ? ordinary : parsed.reasons;
  const sorted = [...pool].sort((a, b) => b.nodes - a.nodes || Number(b.kind === 'other') - Number(a.kind === 'other'));
  return sorted[0];
}
