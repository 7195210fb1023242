import type { DiagnosisView, Mode, SessionResult, WalkAccount, WalkPathEntry } from './events.js';

/** The `--output json` object: the contract automation reads (DESIGN.md, "Command line"). */
export interface WalkJson {
  runbook: string;
  mode: Mode;
  scenario: string | null;
  outcome: 'diagnosis' | 'no-finding' | 'incomplete' | 'unrecognised-evidence';
  diagnosis: Pick<DiagnosisView, 'id' | 'title' | 'layer' | 'chain' | 'fix' | 'verify' | 'signature'> | null;
  /** Each step taken, with what its check saw (summary, evidence) and the command that shows the same. */
  path: WalkPathEntry[];
  /** Checks that could not look (with the command that shows the same thing); a diagnosis never rests on one. */
  unseen: WalkAccount['unseen'];
  /** Findings an incomplete or finding-less walk still saw. */
  seen: WalkAccount['seen'];
  /** A diagnosis the walk reached but could not stand on; the outcome is then incomplete. */
  unconfirmed: WalkAccount['unconfirmed'];
  /** Questions a headless walk answered with their declared default. */
  defaultsUsed: WalkAccount['defaultsUsed'];
  /** unrecognised-evidence: what the walk saw that nothing explains, worst first (layer, source, line). */
  anomalies: WalkAccount['anomalies'];
  /** unrecognised-evidence: where to look next. */
  lookNext: WalkAccount['lookNext'];
  /** incomplete: signatures what the walk saw matched, which may explain it; never the diagnosis. */
  candidates: WalkAccount['candidates'];
  /** Why the signature catalog could not be read, when the walk needed it: its known causes were not checked. */
  catalogError: WalkAccount['catalogError'];
  transcript: string | null;
}

export function walkJson(
  r: SessionResult,
  meta: { runbook: string; mode: Mode; scenario: string | null; transcript: string | null },
): WalkJson {
  const d = r.diagnosis;
  return {
    runbook: meta.runbook,
    mode: meta.mode,
    scenario: meta.scenario,
    outcome: r.outcome ?? 'incomplete',
    diagnosis: d
      ? {
          id: d.id,
          title: d.title,
          layer: d.layer,
          chain: d.chain,
          fix: d.fix,
          verify: d.verify,
          ...(d.signature ? { signature: d.signature } : {}),
        }
      : null,
    path: r.path,
    unseen: r.unseen,
    seen: r.seen,
    unconfirmed: r.unconfirmed,
    defaultsUsed: r.defaultsUsed,
    anomalies: r.anomalies,
    lookNext: r.lookNext,
    candidates: r.candidates,
    catalogError: r.catalogError,
    transcript: meta.transcript,
  };
}

/** A walk that could not take its first step (the cluster did not answer): incomplete, saying what could not be seen. */
export function notStartedJson(
  meta: { runbook: string; mode: Mode; scenario: string | null; transcript: string | null },
  unseen: WalkAccount['unseen'][number],
): WalkJson {
  return {
    runbook: meta.runbook,
    mode: meta.mode,
    scenario: meta.scenario,
    outcome: 'incomplete',
    diagnosis: null,
    path: [],
    unseen: [unseen],
    seen: [],
    unconfirmed: null,
    defaultsUsed: [],
    anomalies: [],
    lookNext: [],
    candidates: [],
    catalogError: null,
    transcript: meta.transcript,
  };
}

/** 0 finished (diagnosis, no finding, or unrecognised evidence listed), 3 could not finish, 130 interrupted. */
export function exitCodeOf(r: SessionResult): number {
  if (r.reason === 'interrupted' || r.reason === 'quit') return 130;
  if (r.reason === 'crashed') return 3;
  return r.outcome === 'diagnosis' || r.outcome === 'no-finding' || r.outcome === 'unrecognised-evidence' ? 0 : 3;
}
