import type { PathEntry } from '../runbook/compile.js';
import type { DiagnosisView, Mode, SessionResult } from './events.js';

/** The `--output json` object: the contract automation reads (DESIGN.md, "Command line"). */
export interface WalkJson {
  runbook: string;
  mode: Mode;
  scenario: string | null;
  outcome: 'diagnosis' | 'no-finding' | 'incomplete';
  diagnosis: Pick<DiagnosisView, 'id' | 'title' | 'layer' | 'chain' | 'fix' | 'verify'> | null;
  path: PathEntry[];
  transcript: string | null;
}

export function walkJson(r: SessionResult, meta: { runbook: string; mode: Mode; scenario: string | null; transcript: string | null }): WalkJson {
  const d = r.diagnosis;
  return {
    runbook: meta.runbook,
    mode: meta.mode,
    scenario: meta.scenario,
    outcome: r.outcome ?? 'incomplete',
    diagnosis: d ? { id: d.id, title: d.title, layer: d.layer, chain: d.chain, fix: d.fix, verify: d.verify } : null,
    path: r.path,
    transcript: meta.transcript,
  };
}

/** 0 finished (diagnosis or no finding), 3 could not finish, 130 interrupted. */
export function exitCodeOf(r: SessionResult): number {
  if (r.reason === 'interrupted' || r.reason === 'quit') return 130;
  if (r.reason === 'crashed') return 3;
  return r.outcome === 'diagnosis' || r.outcome === 'no-finding' ? 0 : 3;
}
