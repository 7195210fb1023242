import { bundledCatalog, catalogLoadError } from '../signatures/catalog.js';
import type { CompiledSignature } from '../signatures/catalog.js';
import { findCheck } from '../checks/registry.js';
import type { AnyCheck, Facts, Layer } from '../checks/types.js';
import type { DiagnosisView, SessionEvent } from '../engine/events.js';
import type { RunbookSpec } from '../runbook/schema.js';
import { renderLoose } from '../runbook/template.js';
import type { Debrief } from './debrief.js';
import { buildDebrief } from './debrief.js';
import type { DrillEvent } from './events.js';
import type { Difficulty, DrillMode, DrillRecord, Prediction } from './record.js';
import { scoreDrill } from './score.js';
import { checksOn, shortestCheckPath } from './shortestPath.js';

export interface DrillSetup {
  spec: RunbookSpec;
  scenario: { id: string; expect: { diagnosis: string | null }; hints: string[] };
  inputs: Record<string, string>;
  mode: DrillMode;
  seed?: number | null;
  difficulty?: Difficulty | null;
  transcriptPath?: string | null;
  /** Milliseconds clock; tests pin it. */
  now?: () => number;
  /** Where the runbook's check ids are found (its declared checks first); default the built-in ones. */
  lookup?: (id: string) => AnyCheck | undefined;
  /** The signature catalog the picker offers after the runbook's diagnoses (default: the bundled one); what it throws is said. */
  signatures?: () => readonly CompiledSignature[];
}

export interface DiagnosisChoice {
  id: string;
  title: string;
  layer: Layer;
}

export interface DrillOutcome {
  record: DrillRecord;
  debrief: Debrief;
}

/**
 * The trainee's side of a drill, beside the session: predictions, hints and
 * picks in, the record and debrief out. Core: the TUI drives it, tests too.
 */
export class DrillTracker {
  private readonly listeners = new Set<(e: DrillEvent) => void>();
  private readonly now: () => number;
  private startedAt = 0;
  private readonly predictions: Prediction[] = [];
  private readonly checksRun: { step: string; outcome: string }[] = [];
  private readonly picks: string[] = [];
  private hintsShown = 0;
  private reached: DiagnosisView | null = null;
  /** What the trainee's checks found: the debrief fills the expected diagnosis's text with it. */
  private facts: Facts = {};
  private outcome: DrillOutcome | undefined;

  constructor(private readonly setup: DrillSetup) {
    this.now = setup.now ?? Date.now;
  }

  on(listener: (e: DrillEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  begin(): void {
    this.startedAt = this.now();
    const s = this.setup;
    this.emit({
      type: 'drill.start',
      mode: s.mode,
      scenario: s.scenario.id,
      seed: s.seed ?? null,
      difficulty: s.difficulty ?? null,
      hints: s.scenario.hints.length,
    });
  }

  /** Follows the session: which checks ran with what outcome, and the runbook's own verdict (kept hidden until the debrief). */
  observe(e: SessionEvent): void {
    if (e.type === 'check.result') {
      this.checksRun.push({ step: e.step, outcome: e.outcome });
      // As the engine does: a later empty value never unsets a fact already known.
      for (const [k, v] of Object.entries(e.facts)) if (v !== '') this.facts[k] = v;
      const p = this.predictions.findLast((x) => x.step === e.step && x.actual === null);
      if (p) {
        p.actual = e.outcome;
        // A check that could not run says nothing about the trainee's reasoning.
        p.right = e.outcome === 'error' || e.timedOut ? null : p.predicted === e.outcome;
      }
    }
    if (e.type === 'diagnosis') {
      const { type: _t, ...view } = e;
      this.reached = view;
    }
  }

  /** The outcomes a check step can return: the prediction choices. */
  choicesFor(step: string): string[] {
    const s = this.setup.spec.steps[step];
    if (s?.type !== 'check') return [];
    return [...((this.setup.lookup ?? findCheck)(s.check)?.outcomes ?? [])];
  }

  /** The check a check step runs. */
  checkFor(step: string): string | undefined {
    const s = this.setup.spec.steps[step];
    return s?.type === 'check' ? s.check : undefined;
  }

  predict(step: string, predicted: string): void {
    const s = this.setup.spec.steps[step];
    if (s?.type !== 'check' || this.predictions.some((p) => p.step === step && p.actual === null)) return;
    this.predictions.push({ step, check: s.check, layer: s.layer, predicted, actual: null, right: null });
    this.emit({ type: 'drill.prediction', step, check: s.check, layer: s.layer, predicted });
  }

  /** The prediction for the latest visit of a step, if one was made. */
  predictionFor(step: string): Prediction | undefined {
    return this.predictions.findLast((p) => p.step === step);
  }

  get hintsUsed(): string[] {
    return this.setup.scenario.hints.slice(0, this.hintsShown);
  }

  get hintsLeft(): number {
    return this.setup.scenario.hints.length - this.hintsShown;
  }

  /** Reveals the next hint; undefined when there are none left. */
  hint(): string | undefined {
    const text = this.setup.scenario.hints[this.hintsShown];
    if (text === undefined || this.outcome) return undefined;
    this.hintsShown += 1;
    this.emit({ type: 'drill.hint', index: this.hintsShown, text });
    return text;
  }

  /**
   * The runbook's diagnoses, then the catalog's signatures (a scenario may
   * expect one where a generic ending would be too vague): the list the trainee picks from.
   */
  diagnoses(): DiagnosisChoice[] {
    return this.choices().list;
  }

  /**
   * Why the catalog's signatures are not among diagnoses() (`file:line:col: problem`), or null: the picker
   * says it, as a walk's end does, so a trainee whose answer is a known cause knows it cannot be picked.
   */
  catalogError(): string | null {
    return this.choices().catalogError;
  }

  private picked: { list: DiagnosisChoice[]; catalogError: string | null } | undefined;

  private choices(): { list: DiagnosisChoice[]; catalogError: string | null } {
    if (this.picked) return this.picked;
    const scope = { inputs: this.setup.inputs, facts: {} };
    const own = Object.entries(this.setup.spec.steps).flatMap(([id, s]) =>
      s.type === 'diagnosis' ? [{ id, title: renderLoose(s.title, scope), layer: s.layer }] : [],
    );
    let catalog: DiagnosisChoice[] = [];
    let catalogError: string | null = null;
    try {
      catalog = (this.setup.signatures ?? bundledCatalog)()
        .filter((c) => !c.benign && !own.some((d) => d.id === c.id))
        .map((c) => ({ id: c.id, title: c.title, layer: c.layer }));
    } catch (err) {
      // The drill still offers the runbook's own diagnoses, and says what is missing and why.
      catalogError = catalogLoadError(err);
    }
    this.picked = { list: [...own, ...catalog], catalogError };
    return this.picked;
  }

  /** Records a pick; a right one ends the drill. */
  pick(id: string): { correct: boolean; outcome?: DrillOutcome } {
    if (this.outcome) return { correct: this.outcome.record.correct, outcome: this.outcome };
    const correct = id === this.setup.scenario.expect.diagnosis;
    this.picks.push(id);
    this.emit({ type: 'drill.pick', diagnosis: id, correct });
    if (!correct) return { correct };
    return { correct, outcome: this.finish(true) };
  }

  /** The trainee stops picking: the answer is shown, the drill scored as not found. */
  giveUp(): DrillOutcome {
    if (this.outcome) return this.outcome;
    this.emit({ type: 'drill.reveal', diagnosis: this.setup.scenario.expect.diagnosis });
    return this.finish(false);
  }

  get finished(): DrillOutcome | undefined {
    return this.outcome;
  }

  private finish(correct: boolean): DrillOutcome {
    const { spec, scenario } = this.setup;
    const expected = scenario.expect.diagnosis;
    const path = expected ? shortestCheckPath(spec, expected) : null;
    const shortest = path ? path.filter((p) => p.kind === 'check').map((p) => p.step) : null;
    const right = this.predictions.filter((p) => p.right === true).length;
    const wrong = this.predictions.filter((p) => p.right === false).length;
    const durationMs = Math.max(0, this.now() - this.startedAt);
    const score = scoreDrill({
      correct,
      wrongPicks: this.picks.filter((p) => p !== expected).length,
      checksRun: this.checksRun.length,
      shortestPath: path ? checksOn(path) : null,
      predictionsRight: right,
      predictionsWrong: wrong,
      hintsUsed: this.hintsShown,
      durationMs,
    });
    const record: DrillRecord = {
      v: 1,
      at: new Date(this.now()).toISOString(),
      scenario: scenario.id,
      runbook: spec.id,
      mode: this.setup.mode,
      seed: this.setup.seed ?? null,
      difficulty: this.setup.difficulty ?? null,
      expected,
      picks: [...this.picks],
      correct,
      checksRun: this.checksRun.map((c) => c.step),
      shortestPath: shortest,
      predictions: this.predictions.map((p) => ({ ...p })),
      hintsUsed: this.hintsShown,
      durationMs,
      score,
      transcript: this.setup.transcriptPath ?? null,
    };
    const debrief = buildDebrief({
      record,
      spec,
      checksRun: this.checksRun,
      hints: this.hintsUsed,
      reached: this.reached,
      inputs: this.setup.inputs,
      facts: this.facts,
    });
    this.outcome = { record, debrief };
    this.emit({ type: 'drill.debrief', debrief });
    return this.outcome;
  }

  private emit(e: DrillEvent): void {
    for (const l of this.listeners) l(e);
  }
}
