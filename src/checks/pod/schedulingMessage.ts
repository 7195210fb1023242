/**
 * Parses kube-scheduler's FailedScheduling message, e.g.
 * "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: },
 *  2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: ..."
 */

export type ScheduleReasonKind =
  | 'node-selector'
  | 'taint'
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
}

const patterns: { kind: ScheduleReasonKind; re: RegExp }[] = [
  { kind: 'node-selector', re: /didn't match (?:Pod's )?node (?:affinity\/selector|selector|affinity)/i },
  { kind: 'taint', re: /had (?:untolerated )?taints? (\{[^}]*\})?/i },
  { kind: 'insufficient-resources', re: /^Insufficient ([\w./-]+)|Too many pods/i },
  { kind: 'unbound-pvc', re: /unbound (?:immediate )?PersistentVolumeClaims|didn't find available persistent volumes to bind|persistentvolumeclaim "([^"]+)" not found/i },
  { kind: 'volume-node-affinity', re: /volume node affinity conflict/i },
  { kind: 'unschedulable-nodes', re: /were unschedulable|node\(s\) had taint \{node\.kubernetes\.io\/unschedulable/i },
];

export function parseSchedulingMessage(message: string): ParsedSchedulingMessage {
  const head = /(\d+)\/(\d+) nodes are available(?::\s*)?/.exec(message);
  const available = head ? Number(head[1]) : null;
  const total = head ? Number(head[2]) : null;
  if (/no nodes available to schedule pods/i.test(message)) {
    return { available: 0, total: 0, reasons: [{ kind: 'no-nodes', nodes: 0, text: 'no nodes available to schedule pods' }] };
  }
  // The part after "preemption:" repeats the count and says whether eviction would help; it adds no reasons.
  const body = (head ? message.slice(head.index + head[0].length) : message).split(/\.\s*preemption:/i)[0] ?? '';
  const reasons: ScheduleReason[] = [];
  for (const part of splitReasons(body.replace(/\.\s*$/, ''))) {
    const m = /^(\d+)\s+(.*)$/.exec(part.trim());
    const nodes = m ? Number(m[1]) : 0;
    const text = (m?.[2] ?? part).trim();
    if (!text) continue;
    reasons.push({ nodes, text, ...classify(text) });
  }
  return { available, total, reasons };
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
    if (kind === 'taint' && /node\.kubernetes\.io\/unschedulable/.test(text)) return { kind: 'unschedulable-nodes' };
    const detail = m[1]?.trim();
    return detail ? { kind, detail } : { kind };
  }
  return { kind: 'other' };
}

/**
 * The reason that keeps the pod off the most nodes. A control-plane taint is
 * expected and rarely the problem, so it only wins when nothing else is there.
 */
export function primaryReason(parsed: ParsedSchedulingMessage): ScheduleReason | undefined {
  const isControlPlaneTaint = (r: ScheduleReason) => r.kind === 'taint' && /node-role\.kubernetes\.io\/(control-plane|master)/.test(r.detail ?? r.text);
  const ordinary = parsed.reasons.filter((r) => !isControlPlaneTaint(r));
  const pool = ordinary.length > 0 ? ordinary : parsed.reasons;
  return [...pool].sort((a, b) => b.nodes - a.nodes)[0];
}
