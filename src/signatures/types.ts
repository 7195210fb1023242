import type { Layer } from '../checks/types.js';
// The signal types live with the checks (they produce signals); the runbook and engine read them too.
export { signalKinds } from '../checks/signal.js';
export type { Signal, SignalKind } from '../checks/signal.js';

/** A diagnosis as a person reads it: what a runbook ending or a signature says. */
export interface DiagnosisView {
  id: string;
  title: string;
  layer: Layer;
  why: string;
  chain: string[];
  fix: string[];
  verify: string[];
  /** Set when a signature of the catalog decided it instead of a generic ending: which, what it replaced, and where it was learned. */
  signature?: SignatureFinding;
}

/** A catalog signature that decided a diagnosis: its id, its source, the generic ending it overrode, the lines it matched. */
export interface SignatureFinding {
  id: string;
  source: string;
  /** The runbook's generic ending (pod-failed ...) or null when the walk had found nothing. */
  replaced: string | null;
  evidence: { source: string; line: string }[];
}

/** A signature an incomplete walk's lines matched: a possible cause, not a confirmed one. */
export interface SignatureCandidate {
  id: string;
  title: string;
  layer: Layer;
  /** Where the signature was learned. */
  source: string;
  /** The lines that matched it (the first few). */
  evidence: { source: string; line: string }[];
}
