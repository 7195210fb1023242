import type { DiagnosisView, SignatureCandidate } from './types.js';
import type { Anomaly, SignatureMatch } from './match.js';
import type { Signal } from './types.js';

/** How a matched line is quoted: where it was seen, then the line itself. */
export function quote(s: Pick<Signal, 'source' | 'text' | 'reason'>): string {
  const line = s.reason && !s.text.includes(s.reason) ? `${s.reason}: ${s.text}` : s.text;
  return `${s.source}: "${line.length > 400 ? `${line.slice(0, 397)}...` : line}"`;
}

/**
 * The diagnosis a signature gives: its cause, the lines that matched it as
 * the chain's evidence, the generic ending it replaced, and its source.
 */
export function signatureDiagnosis(m: SignatureMatch, replaced: { id: string; title: string } | null): DiagnosisView {
  const s = m.signature;
  const more =
    m.count > m.evidence.length
      ? [`(${m.count - m.evidence.length} more line${m.count - m.evidence.length === 1 ? '' : 's'} like it)`]
      : [];
  return {
    id: s.id,
    title: s.title,
    layer: s.layer,
    why: s.why,
    chain: [
      ...m.evidence.map((e) => `Seen: ${quote(e)}`),
      ...more,
      replaced
        ? `The runbook's own steps ended at the general "${replaced.title}"; this line names the cause (signature ${s.id}, learned from ${s.source}).`
        : `The runbook's own steps found no cause; this line names it (signature ${s.id}, learned from ${s.source}).`,
    ],
    fix: s.fix,
    verify: ['Walk the runbook again after the fix: the quoted line no longer appears and the symptom is gone.'],
    signature: {
      id: s.id,
      source: s.source,
      replaced: replaced?.id ?? null,
      evidence: m.evidence.map((e) => ({ source: e.source, line: e.text })),
    },
  };
}

/** Where to look after a walk that saw anomalies nothing explains: the worst sources first, then how to teach plumbline. */
export function whereToLookNext(anomalies: readonly Anomaly[]): string[] {
  const sources: string[] = [];
  for (const a of anomalies) if (!sources.includes(a.source) && sources.length < 3) sources.push(a.source);
  return [
    ...sources.map((s) => `Read ${s} in full around the lines above (the first is the worst seen).`),
    "Search the exact line (without names and numbers) in the project's issue tracker or your vendor's knowledge base.",
    'Once the cause is known, add it to the catalog so the next walk names it: docs/signatures.md.',
  ];
}

/** A signature an incomplete walk's lines matched, said as a possible cause. */
export function candidateOf(m: SignatureMatch): SignatureCandidate {
  const s = m.signature;
  return {
    id: s.id,
    title: s.title,
    layer: s.layer,
    source: s.source,
    evidence: m.evidence.map((e) => ({ source: e.source, line: e.text })),
  };
}

/** Where to look after an incomplete walk whose lines match known causes: see what it could not, then compare. */
export function whereToConfirm(candidates: readonly SignatureCandidate[]): string[] {
  return [
    'See what the walk could not (each with its command above), then walk again: only a complete walk confirms a cause or rules it out.',
    ...candidates.map((c) => `Compare with where ${c.id} was learned: ${c.source}`),
  ];
}
