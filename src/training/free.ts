import { layers, verdictOf } from '../checks/types.js';
import type { Facts, Layer } from '../checks/types.js';
import type { EndReason, SessionEvent, SessionResult } from '../engine/events.js';
import { runCheck } from '../engine/runCheck.js';
import type { KubeClient } from '../kube/client.js';
import type { NodeAccess } from '../nodeaccess/types.js';
import type { PathEntry } from '../runbook/compile.js';
import { durationMs } from '../runbook/schema.js';
import type { LoadedRunbook } from '../runbook/load.js';
import { renderLoose } from '../runbook/template.js';
import { redactEvent } from '../base/redact.js';

export interface FreeChoice {
  step: string;
  title: string;
  check: string;
}

export interface FreeSessionOptions {
  runbook: LoadedRunbook;
  inputs: Record<string, string>;
  kube: KubeClient;
  nodes: NodeAccess;
  scenario: string;
  page: string;
  redactPatterns?: RegExp[];
  now?: () => Date;
}

const defaultTimeoutMs = 30_000;

/**
 * A free drill: the trainee picks which of the runbook's checks to run next,
 * in any layer, and declares when ready. It emits the engine's own events, so
 * the screen, the transcript and the report read it like any walk.
 */
export class FreeSession {
  private readonly listeners = new Set<(e: SessionEvent) => void>();
  private facts: Facts = {};
  private readonly path: PathEntry[] = [];
  private busy = false;
  private ended = false;
  private resolveDone!: (r: SessionResult) => void;
  readonly done: Promise<SessionResult>;
  readonly isAuto = false;

  constructor(private readonly opts: FreeSessionOptions) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  on(listener: (e: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    const { runbook, inputs, kube } = this.opts;
    this.emit({
      type: 'session.start',
      runbook: runbook.spec.id,
      runbookTitle: runbook.spec.title,
      runbookHash: runbook.hash,
      symptom: renderLoose(runbook.spec.symptom, { inputs, facts: {} }),
      page: this.opts.page,
      mode: 'drill',
      scenario: this.opts.scenario,
      context: kube.contextName,
      server: kube.server,
      inputs,
    });
  }

  /** The runbook's checks by layer, top to bottom; one entry per distinct title. */
  choices(): { layer: Layer; steps: FreeChoice[] }[] {
    const scope = { inputs: this.opts.inputs, facts: this.facts };
    return layers.map((layer) => {
      const seen = new Set<string>();
      const steps: FreeChoice[] = [];
      for (const [id, s] of Object.entries(this.opts.runbook.spec.steps)) {
        if (s.type !== 'check' || s.layer !== layer) continue;
        const title = renderLoose(s.title ?? id, scope);
        if (seen.has(title)) continue;
        seen.add(title);
        steps.push({ step: id, title, check: s.check });
      }
      return { layer, steps };
    });
  }

  get running(): boolean {
    return this.busy;
  }

  /** Runs one check step with the facts found so far; a value still unknown is the check's `error`, as in a walk. */
  async run(stepId: string): Promise<void> {
    const s = this.opts.runbook.spec.steps[stepId];
    if (s?.type !== 'check' || this.busy || this.ended) return;
    this.busy = true;
    const scope = { inputs: this.opts.inputs, facts: this.facts };
    this.emit({
      type: 'step.enter',
      step: stepId,
      kind: 'check',
      title: renderLoose(s.title ?? stepId, scope),
      layer: s.layer,
      phase: 'top-down',
      why: renderLoose(s.why, scope),
      check: s.check,
    });
    const timeoutMs = s.timeout === undefined ? defaultTimeoutMs : durationMs(s.timeout);
    const now = this.opts.now ?? (() => new Date());
    const out = await runCheck(
      {
        step: stepId,
        check: s.check,
        with: s.with,
        timeoutMs,
        inputs: this.opts.inputs,
        facts: this.facts,
        phase: 'top-down',
      },
      AbortSignal.timeout(timeoutMs),
      {
        kube: this.opts.kube,
        nodes: this.opts.nodes,
        now,
        // As in a walk: the transcript keeps what each check saw; emit() redacts it.
        recordRaw: true,
        lookup: this.opts.runbook.lookup,
        onStart: ({ params, command }) =>
          this.emit({ type: 'check.start', step: stepId, check: s.check, params, command }),
      },
    );
    if (this.ended) return;
    this.facts = { ...this.facts, ...out.facts };
    this.path.push({
      step: stepId,
      check: s.check,
      outcome: out.outcome,
      phase: 'top-down',
      durationMs: out.durationMs,
    });
    this.busy = false;
    this.emit({
      type: 'check.result',
      step: stepId,
      check: s.check,
      outcome: out.outcome,
      summary: out.summary,
      evidence: out.evidence,
      facts: out.facts,
      durationMs: out.durationMs,
      timedOut: false,
      verdict: verdictOf(this.opts.runbook.lookup(s.check), out.outcome),
      ...(out.raw === undefined ? {} : { raw: { text: out.raw } }),
    });
  }

  /** The trainee is ready to name the root cause. */
  declare(): void {
    this.end('finished');
  }

  stop(reason: Exclude<EndReason, 'finished'>): void {
    this.end(reason);
  }

  // Nothing in a free drill waits on these: no step mode, no questions, no actions, no manual hosts.
  proceed(): void {}
  setAuto(): void {}
  answer(): void {}
  note(): void {}
  pasteHostOutput(): void {}
  declineHostCommand(): void {}
  confirmAction(): void {}
  declineAction(): void {}

  private end(reason: EndReason): void {
    if (this.ended) return;
    this.ended = true;
    this.emit({ type: 'session.end', outcome: null, reason });
    this.resolveDone({
      outcome: null,
      reason,
      diagnosis: null,
      path: this.path,
      facts: this.facts,
      unseen: [],
      seen: [],
      unconfirmed: null,
      defaultsUsed: [],
      anomalies: [],
      lookNext: [],
      candidates: [],
      catalogError: null,
    });
  }

  private emit(event: SessionEvent): void {
    const clean = redactEvent(event, this.opts.redactPatterns ?? []);
    for (const l of this.listeners) l(clean);
  }
}
