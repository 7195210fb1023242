import type { Layer } from '../checks/types.js';
import { matches } from './catalog.js';
import type { CompiledSignature } from './catalog.js';
import type { Signal } from './types.js';

/** A signature the walk's signals matched, with the lines that matched it. */
export interface SignatureMatch {
  signature: CompiledSignature;
  evidence: Signal[];
  /** How many lines matched (evidence keeps the first few). */
  count: number;
  /** Every line that matched. */
  all: Signal[];
}

/**
 * Every signature some signal matches, strongest first: its priority, then
 * how many lines matched it, then the one seen first. At most a few lines
 * per signature are kept: they are quoted, not counted.
 */
export function matchSignals(catalog: readonly CompiledSignature[], signals: readonly Signal[]): SignatureMatch[] {
  const found: SignatureMatch[] = [];
  for (const signature of catalog) {
    const all = signals.filter((signal) => matches(signature, signal));
    if (all.length > 0) found.push({ signature, evidence: all.slice(0, 3), count: all.length, all });
  }
  const order = (m: SignatureMatch) => signals.indexOf(m.evidence[0] as Signal);
  return found.sort((a, b) => b.signature.priority - a.signature.priority || b.count - a.count || order(a) - order(b));
}

/** An anomaly nothing in the catalog explains: ranked, for a person to read next. */
export interface Anomaly {
  layer: Layer;
  source: string;
  line: string;
  severity: number;
}

const layerDepth: Record<Layer, number> = { host: 3, node: 2, cluster: 1, pod: 0 };

/**
 * Whether a signature may stand in for a generic ending of this layer: only
 * one at that layer or deeper. A pod's symptom (Multi-Attach, FailedMount)
 * must not replace a host ending the walk reached below it (the kubelet is down).
 */
export function deepEnough(signature: Layer, ending: Layer): boolean {
  return layerDepth[signature] >= layerDepth[ending];
}

/**
 * The anomalous signals (severity 1 and up), worst first; for equal severity
 * the deeper layer first (a kernel error explains a pod's failure more often
 * than the other way round). Repeated lines are kept once.
 */
export function rankAnomalies(signals: readonly Signal[], limit = 10): Anomaly[] {
  const seen = new Set<string>();
  const out: (Anomaly & { at: number })[] = [];
  for (const [at, s] of signals.entries()) {
    if (s.severity < 1) continue;
    const line = s.reason && !s.text.startsWith(s.reason) ? `${s.reason}: ${s.text}` : s.text;
    const key = `${s.source}\0${line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      layer: s.layer,
      source: s.source,
      line: line.length > 300 ? `${line.slice(0, 297)}...` : line,
      severity: s.severity,
      at,
    });
  }
  return out
    .sort((a, b) => b.severity - a.severity || layerDepth[b.layer] - layerDepth[a.layer] || a.at - b.at)
    .slice(0, limit)
    .map(({ at: _at, ...a }) => a);
}
