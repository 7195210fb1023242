import { createActor, fromPromise } from 'xstate';
import type { Actor } from 'xstate';
import type { KubeClient } from '../kube/client.js';
import { noNodeAccess } from '../nodeaccess/none.js';
import type { NodeAccess } from '../nodeaccess/types.js';
import type { ManualAnswer, ManualRequest } from '../nodeaccess/manual.js';
import type {
  ActionInvocation,
  ActionOutput,
  CheckInvocation,
  CheckOutput,
  MachineEmitted,
  RunbookMachine,
} from '../runbook/compile.js';
import { awaitingAnswer, awaitingConfirm, awaitingContinue, compileRunbook, endingOf } from '../runbook/compile.js';
import type { LoadedRunbook } from '../runbook/load.js';
import type { StepSpec } from '../runbook/schema.js';
import { MissingValueError, render, renderLoose } from '../runbook/template.js';
import { verdictOf } from '../checks/types.js';
import type { Layer } from '../checks/types.js';
import type { ActionStepSpec } from '../runbook/schema.js';
import { previewAction, resolveAction } from './action.js';
import type { ResolvedAction } from './action.js';
import type {
  AnsweredBy,
  DiagnosisView,
  EndReason,
  Mode,
  SessionEvent,
  SessionOutcome,
  SessionResult,
  WalkAccount,
} from './events.js';
import { bundledCatalog, catalogLoadError } from '../signatures/catalog.js';
import type { CompiledSignature } from '../signatures/catalog.js';
import { deepEnough, matchSignals, rankAnomalies } from '../signatures/match.js';
import { mergeSignals } from '../signatures/signals.js';
import type { Signal } from '../signatures/types.js';
import { candidateOf, signatureDiagnosis, whereToConfirm, whereToLookNext } from '../signatures/diagnose.js';
import { restsOnError, unseenOnTheWay } from '../runbook/honesty.js';
import { accountOf, pathWithResults, WalkLog } from './account.js';
import { runAction } from './runAction.js';
import { runCheck } from './runCheck.js';
import { redactEvent } from '../base/redact.js';

export interface SessionOptions {
  runbook: LoadedRunbook;
  inputs: Record<string, string>;
  kube: KubeClient;
  /** How host checks reach nodes; a function gets the session, for manual access that prompts through it. */
  nodes?: NodeAccess | ((session: Session) => NodeAccess);
  mode: Mode;
  scenario?: string | null;
  /** The page or alert text that started the walk. */
  page?: string | null;
  /** Run each check as soon as its step is entered; off, the UI sends `proceed()`. */
  auto: boolean;
  /** Answer every question with its default (headless). */
  answerDefaults?: boolean;
  /** Headless: these answers, by ask step id, instead of the defaults (a drill scenario's scripted trainee). */
  answers?: Record<string, string>;
  /** Extra secret patterns (PLUMBLINE_REDACT) on top of the built-in ones. */
  redactPatterns?: RegExp[];
  /** `--allow-mutations`: action steps may run at all (the CLI turns it on for drills). Off, every action is declined and shown. */
  allowMutations?: boolean;
  /**
   * Who confirms an allowed action: `ask` waits for confirmAction()/declineAction() (the TUI),
   * `yes` runs it (`--yes`), `none` declines it (headless without --yes). Default: `none` with answerDefaults, else `ask`.
   */
  confirmActions?: 'ask' | 'yes' | 'none';
  /** Who ran the walk and how, for the transcript's first line (tool version, OS user, node access, flags). */
  about?: { version: string; user: string; nodeAccess: string; flags: Record<string, string | boolean> };
  /**
   * The signature catalog read against what the walk sees (default: the bundled one, signatures/*.yaml);
   * a function is called when the walk needs it, and what it throws is said at the end.
   */
  signatures?: readonly CompiledSignature[] | (() => readonly CompiledSignature[]);
  /** Between two runs of an action's verify check. */
  verifyPollMs?: number;
  /**
   * Ask for a `paste:` input nobody gave before the first check that reads it (the TUI of a live walk): the walk
   * waits for pasteInput(). Off, such a check reads it as not given.
   */
  askPastes?: boolean;
  now?: () => Date;
}

type Listener = (event: SessionEvent) => void;

/**
 * One walk through one runbook: runs the compiled machine, gives checks what
 * they need, and turns the machine's progress into SessionEvents.
 */
export class Session {
  private readonly listeners = new Set<Listener>();
  private readonly machine: RunbookMachine;
  private actor: Actor<RunbookMachine> | undefined;
  private auto: boolean;
  private current: { step: string; kind: StepSpec['type'] } | undefined;
  private finished = false;
  private resolveDone!: (r: SessionResult) => void;
  readonly done: Promise<SessionResult>;

  private readonly redactions: RegExp[];
  private readonly nodes: NodeAccess;
  private pendingHost: { step: string; node: string; shownAt: number; resolve: (a: ManualAnswer) => void } | undefined;
  /** Per step, the time spent waiting on a person to paste (manual node access), kept out of the check's duration. */
  private readonly waited = new Map<string, number>();
  /** The action on screen, filled in, waiting for a yes or no (or running). */
  private pendingAction: { step: string; resolved: ResolvedAction } | undefined;
  /** What each check showed or could not show, for the honest account at the end. */
  private readonly log = new WalkLog();
  /** Every line the walk's checks read, for the signature catalog at the end. */
  private readonly signals: Signal[] = [];
  /** `paste:` inputs given during the walk, and those already asked for (each is asked once). */
  private readonly pasted: Record<string, string> = {};
  private readonly askedPastes = new Set<string>();
  /** The paste on screen, waiting for pasteInput(); its check waits for it. */
  private pendingPaste: { step: string; input: string } | undefined;

  constructor(private readonly opts: SessionOptions) {
    this.auto = opts.auto;
    this.redactions = opts.redactPatterns ?? [];
    this.nodes = typeof opts.nodes === 'function' ? opts.nodes(this) : (opts.nodes ?? noNodeAccess);
    // A person running a command on a node is not timed out; the walk waits for the paste.
    this.machine = compileRunbook(opts.runbook.spec, this.nodes.kind === 'manual' ? { untimedLayers: ['host'] } : {});
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get spec() {
    return this.opts.runbook.spec;
  }

  /** The step waiting for the user: a check not yet run (step mode) or a question. */
  get waitingOn(): { step: string; kind: 'check' | 'ask' | 'action' } | undefined {
    const snap = this.actor?.getSnapshot();
    if (!snap || snap.status !== 'active' || !this.current) return undefined;
    if (snap.hasTag(awaitingAnswer)) return { step: this.current.step, kind: 'ask' };
    if (snap.hasTag(awaitingConfirm)) return { step: this.current.step, kind: 'action' };
    if (snap.hasTag(awaitingContinue) && !this.pendingPaste) return { step: this.current.step, kind: 'check' };
    return undefined;
  }

  /** The runbook's machine with this walk's actors; built by prepare() in a task of its own, or else by start(). */
  private provided: RunbookMachine | undefined;

  /** Builds the machine the walk runs (xstate builds every state again: ~20 ms for a large runbook) before start() needs it. */
  prepare(): void {
    this.provided ??= this.withActors();
  }

  private withActors() {
    const { opts } = this;
    const now = opts.now ?? (() => new Date());
    return this.machine.provide({
      actors: {
        runCheck: fromPromise<CheckOutput, CheckInvocation>(({ input, signal }) =>
          runCheck({ ...input, inputs: { ...input.inputs, ...this.pasted } }, signal, {
            kube: opts.kube,
            nodes: this.nodes,
            now,
            allowMutations: opts.allowMutations ?? false,
            lookup: opts.runbook.lookup,
            foundAbsentBy: (fact) => this.log.foundAbsentBy(fact, (id) => opts.runbook.lookup(id)?.facts ?? []),
            // The transcript keeps what each check saw; emit() redacts it with everything else (ahead, by the same patterns).
            recordRaw: true,
            redactPatterns: this.redactions,
            onStart: ({ params, command }) => {
              if (!signal.aborted)
                this.emit({ type: 'check.start', step: input.step, check: input.check, params, command });
            },
          }),
        ),
        runAction: fromPromise<ActionOutput, ActionInvocation>(async ({ input, signal }) => {
          const pending = this.pendingAction;
          if (pending?.step !== input.step) throw new Error(`action ${input.step} ran without being proposed`);
          return runAction(input, pending.resolved, signal, {
            kube: opts.kube,
            nodes: this.nodes,
            now,
            lookup: opts.runbook.lookup,
            emit: (e) => {
              if (!signal.aborted) this.emit(e);
            },
            ...(opts.verifyPollMs === undefined ? {} : { pollMs: opts.verifyPollMs }),
          });
        }),
      },
    });
  }

  start(): void {
    const { opts } = this;
    const machine = this.provided ?? this.withActors();
    this.emit({
      type: 'session.start',
      runbook: opts.runbook.spec.id,
      runbookTitle: opts.runbook.spec.title,
      runbookHash: opts.runbook.hash,
      symptom: renderLoose(opts.runbook.spec.symptom, { inputs: opts.inputs, facts: {} }),
      page: opts.page ?? null,
      mode: opts.mode,
      scenario: opts.scenario ?? null,
      context: opts.kube.contextName,
      server: opts.kube.server,
      inputs: opts.inputs,
      ...(opts.about ?? {}),
    });
    const actor = createActor(machine, { input: { inputs: opts.inputs } });
    this.actor = actor;
    actor.on('*', (e) => this.onMachine(e));
    actor.subscribe({
      next: (snap) => {
        if (snap.status === 'done') this.finish(snap.value, snap.context);
      },
      error: (err) => this.crash(err),
    });
    actor.start();
  }

  /** Run the check the walk is waiting on (step mode). */
  proceed(): void {
    if (this.waitingOn?.kind === 'check') this.actor?.send({ type: 'CONTINUE' });
  }

  setAuto(auto: boolean): void {
    if (auto === this.auto) return;
    this.auto = auto;
    this.emit({ type: 'mode.change', auto });
    if (auto) this.proceed();
  }

  get isAuto(): boolean {
    return this.auto;
  }

  answer(choice: string, by: AnsweredBy = 'user'): void {
    if (this.waitingOn?.kind !== 'ask') return;
    this.actor?.send({ type: 'ANSWER', choice, by });
  }

  /** The user said yes to the action on screen. */
  confirmAction(): void {
    if (this.waitingOn?.kind !== 'action' || !this.pendingAction) return;
    this.emit({ type: 'action.confirmed', step: this.pendingAction.step, by: 'user' });
    this.actor?.send({ type: 'CONFIRM' });
  }

  /** The user said no: the action is not run, and the walk takes its declined branch. */
  declineAction(): void {
    if (this.waitingOn?.kind !== 'action' || !this.pendingAction) return;
    const { step, resolved } = this.pendingAction;
    this.emit({ type: 'action.declined', step, by: 'user', reason: 'not run: declined', command: resolved.command });
    this.actor?.send({ type: 'DECLINE' });
  }

  /** The `paste:` input the walk is waiting for, before its check runs. */
  get waitingOnPaste(): { step: string; input: string } | undefined {
    return this.pendingPaste ? { ...this.pendingPaste } : undefined;
  }

  /** The text for the input asked for (empty: none given, read as today); its check then runs. */
  pasteInput(text: string): void {
    const pending = this.pendingPaste;
    if (!pending) return;
    this.pendingPaste = undefined;
    const value = text.trim();
    if (value) this.pasted[pending.input] = value;
    this.emit({
      type: 'input.reply',
      step: pending.step,
      input: pending.input,
      by: value ? 'pasted' : 'declined',
      ...(value ? { value } : {}),
    });
    // The answer was the person's go-ahead: the check runs in step mode too.
    this.actor?.send({ type: 'CONTINUE' });
  }

  /** The first `paste:` input this check step reads that nobody gave and was not asked for yet. */
  private pasteWanted(step: StepSpec): { name: string; description: string; why: string } | undefined {
    if (!this.opts.askPastes || this.opts.answerDefaults || step.type !== 'check') return undefined;
    const read = Object.values(step.with)
      .filter((v): v is string => typeof v === 'string')
      .flatMap((v) => [...v.matchAll(/\{\{\s*inputs\.(\w+)/g)].map((m) => m[1]));
    const spec = this.opts.runbook.spec.inputs.find(
      (i) => i.paste && read.includes(i.name) && !this.opts.inputs[i.name]?.trim() && !this.askedPastes.has(i.name),
    );
    return spec?.paste ? { name: spec.name, description: spec.description, why: spec.paste } : undefined;
  }

  /** The manual node-access prompt: shows the command and waits for `pasteHostOutput` or `declineHostCommand`. */
  readonly promptHost = (request: ManualRequest): Promise<ManualAnswer> => {
    const step = this.current?.step ?? '';
    this.emit({
      type: 'host.prompt',
      step,
      node: request.node,
      argv: [...request.argv],
      command: request.command,
      ...(request.sample ? { sample: request.sample } : {}),
    });
    return new Promise((resolve) => {
      this.pendingHost = { step, node: request.node, shownAt: performance.now(), resolve };
      request.signal.addEventListener('abort', () => (this.pendingHost = undefined), { once: true });
    });
  };

  get waitingOnHost(): { step: string; node: string } | undefined {
    return this.pendingHost ? { step: this.pendingHost.step, node: this.pendingHost.node } : undefined;
  }

  pasteHostOutput(output: string, exitCode?: number): void {
    const pending = this.pendingHost;
    if (!pending) return;
    this.pendingHost = undefined;
    const waitedMs = this.waitedOn(pending);
    this.emit({
      type: 'host.reply',
      step: pending.step,
      node: pending.node,
      by: 'pasted',
      output,
      ...(exitCode === undefined ? {} : { exitCode }),
      waitedMs,
    });
    pending.resolve({ output, ...(exitCode === undefined ? {} : { exitCode }) });
  }

  declineHostCommand(): void {
    const pending = this.pendingHost;
    if (!pending) return;
    this.pendingHost = undefined;
    this.emit({
      type: 'host.reply',
      step: pending.step,
      node: pending.node,
      by: 'declined',
      waitedMs: this.waitedOn(pending),
    });
    pending.resolve({ declined: true });
  }

  private waitedOn(pending: { step: string; shownAt: number }): number {
    const ms = Math.round(performance.now() - pending.shownAt);
    this.waited.set(pending.step, (this.waited.get(pending.step) ?? 0) + ms);
    return ms;
  }

  /** Ends the walk early (quit, Ctrl-C); whatever was recorded stays recorded. */
  stop(reason: Exclude<EndReason, 'finished'>, error?: unknown): void {
    if (this.finished) return;
    this.actor?.stop();
    this.end({ outcome: null, reason, diagnosis: null, ...(error === undefined ? {} : { error }) });
  }

  private onMachine(e: MachineEmitted): void {
    const spec = this.opts.runbook.spec;
    switch (e.type) {
      case 'step.enter': {
        const step = spec.steps[e.step];
        if (!step) return;
        this.current = { step: e.step, kind: step.type };
        const here = { inputs: this.opts.inputs, facts: this.actor?.getSnapshot().context.facts ?? {} };
        this.emit({
          type: 'step.enter',
          step: e.step,
          kind: step.type,
          // Both are read by a person: filled like every other text, never shown as {{...}}.
          title: renderLoose(step.title ?? e.step, here),
          layer: e.layer,
          phase: e.phase,
          why: renderLoose(step.why, here),
          ...(step.type === 'check' ? { check: step.check, ...this.previewCommand(step.check, step.with) } : {}),
        });
        if (step.type === 'action') this.propose(e.step, step);
        if (step.type === 'ask') {
          const choices = Object.entries(step.choices).map(([id, c]) => ({ id, label: c.label }));
          const context = this.actor?.getSnapshot().context;
          const scope = { inputs: this.opts.inputs, facts: context?.facts ?? {} };
          this.emit({
            type: 'ask',
            step: e.step,
            question: renderLoose(step.question, scope),
            choices,
            default: step.default,
          });
          if (this.opts.answerDefaults) {
            // Only a choice the question has: anything else (a typo, `constructor`) would leave the walk waiting forever.
            const given =
              this.opts.answers && Object.hasOwn(this.opts.answers, e.step) ? this.opts.answers[e.step] : undefined;
            const scripted = given !== undefined && Object.hasOwn(step.choices, given) ? given : undefined;
            queueMicrotask(() =>
              this.actor?.send({
                type: 'ANSWER',
                choice: scripted ?? step.default,
                by: scripted ? 'scenario' : 'default',
              }),
            );
          }
        }
        const wanted = this.pasteWanted(step);
        if (wanted) {
          this.askedPastes.add(wanted.name);
          this.pendingPaste = { step: e.step, input: wanted.name };
          this.emit({
            type: 'input.prompt',
            step: e.step,
            input: wanted.name,
            description: wanted.description,
            why: wanted.why,
          });
          return;
        }
        if (step.type === 'check' && this.auto) queueMicrotask(() => this.actor?.send({ type: 'CONTINUE' }));
        return;
      }
      case 'check.result': {
        const waitedMs = this.waited.get(e.step);
        this.waited.delete(e.step);
        if (e.output.signals) mergeSignals(this.signals, e.output.signals);
        this.emit({
          type: 'check.result',
          step: e.step,
          check: e.check,
          outcome: e.output.outcome,
          summary: e.output.summary,
          evidence: e.output.evidence,
          facts: e.output.facts,
          ...(waitedMs === undefined
            ? { durationMs: e.output.durationMs }
            : { durationMs: Math.max(0, e.output.durationMs - waitedMs), waitedMs }),
          timedOut: e.timedOut,
          verdict: verdictOf(this.opts.runbook.lookup(e.check), e.output.outcome),
          ...(e.output.raw === undefined ? {} : { raw: { text: e.output.raw } }),
          ...(e.output.artifacts === undefined ? {} : { artifacts: e.output.artifacts }),
        });
        return;
      }
      case 'answer': {
        const step = spec.steps[e.step];
        const label = step?.type === 'ask' ? (step.choices[e.choice]?.label ?? e.choice) : e.choice;
        this.emit({ type: 'answer', step: e.step, choice: e.choice, label, by: e.by });
        return;
      }
    }
  }

  /**
   * Shows the action in full, then decides who may run it: read-only walks
   * decline it (the user can run the command shown), `--yes` confirms it,
   * a headless walk without `--yes` declines it, the TUI asks.
   */
  private propose(stepId: string, step: ActionStepSpec): void {
    const { opts } = this;
    const scope = { inputs: opts.inputs, facts: this.actor?.getSnapshot().context.facts ?? {} };
    const send = (event: { type: 'CONFIRM' | 'DECLINE' | 'FAIL' }) => queueMicrotask(() => this.actor?.send(event));
    let resolved: ResolvedAction;
    try {
      resolved = resolveAction(step, scope);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const command = previewAction(step, scope);
      this.emit({
        type: 'action.proposed',
        step: stepId,
        target: step.run ? 'host' : 'kube',
        node: step.node ? renderLoose(step.node, scope) : null,
        argv: null,
        command,
        allowed: false,
        simulated: opts.mode === 'drill',
        verify: step.verify ?? null,
      });
      this.emit({
        type: 'action.executed',
        step: stepId,
        ran: false,
        ok: false,
        output: '',
        durationMs: 0,
        error: `cannot run: ${message}`,
      });
      send({ type: 'FAIL' });
      return;
    }
    this.pendingAction = { step: stepId, resolved };
    const allowed = opts.allowMutations ?? false;
    this.emit({
      type: 'action.proposed',
      step: stepId,
      target: resolved.target,
      node: resolved.target === 'host' ? resolved.node : null,
      argv: resolved.target === 'host' ? resolved.argv : null,
      command: resolved.command,
      allowed,
      simulated: opts.mode === 'drill',
      verify: step.verify ?? null,
    });
    const confirm = opts.confirmActions ?? (opts.answerDefaults ? 'none' : 'ask');
    if (!allowed) {
      this.emit({
        type: 'action.declined',
        step: stepId,
        by: 'read-only',
        reason: 'not run: read-only (rerun with --allow-mutations)',
        command: resolved.command,
      });
      send({ type: 'DECLINE' });
    } else if (confirm === 'yes') {
      this.emit({ type: 'action.confirmed', step: stepId, by: '--yes' });
      send({ type: 'CONFIRM' });
    } else if (confirm === 'none') {
      this.emit({
        type: 'action.declined',
        step: stepId,
        by: 'no-confirmation',
        reason: 'not run: no one to confirm it (a non-interactive walk runs actions only with --allow-mutations --yes)',
        command: resolved.command,
      });
      send({ type: 'DECLINE' });
    }
  }

  /** The command a check step will run, shown before it runs (step mode); nothing when a value is still unknown. */
  private previewCommand(checkId: string, params: Record<string, string | number | boolean>): { command?: string } {
    const check = this.opts.runbook.lookup(checkId);
    if (!check) return {};
    const scope = {
      inputs: { ...this.opts.inputs, ...this.pasted },
      facts: this.actor?.getSnapshot().context.facts ?? {},
    };
    try {
      const rendered = Object.fromEntries(
        Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? render(v, scope) : v]),
      );
      const parsed = check.params.safeParse(rendered);
      return parsed.success ? { command: check.command(parsed.data) } : {};
    } catch (err) {
      if (err instanceof MissingValueError) return {};
      throw err;
    }
  }

  private finish(
    value: unknown,
    context: { inputs: Record<string, string>; facts: SessionResult['facts']; path: SessionResult['path'] },
  ): void {
    const spec = this.opts.runbook.spec;
    const ending = endingOf(spec, value);
    const scope = { inputs: context.inputs, facts: context.facts };
    let diagnosis: DiagnosisView | null = null;
    let unconfirmed: WalkAccount['unconfirmed'] = null;
    let generic: { id: string; title: string; layer: Layer } | null = null;
    if (ending?.diagnosis) {
      const step = spec.steps[ending.diagnosis];
      const deciding =
        restsOnError(spec, ending.diagnosis, context.path, this.opts.runbook.lookup) ??
        unseenOnTheWay(spec, ending.diagnosis, context.path);
      if (step?.type === 'diagnosis' && deciding) {
        // Lint refuses such a runbook; should one still get here, the walk says what it could not see instead.
        unconfirmed = { id: ending.diagnosis, title: renderLoose(step.title, scope), restsOn: deciding.step };
      } else if (step?.type === 'diagnosis') {
        diagnosis = {
          id: ending.diagnosis,
          title: renderLoose(step.title, scope),
          layer: step.layer,
          why: renderLoose(step.why, scope),
          chain: step.chain.map((t) => renderLoose(t, scope)),
          fix: step.fix.map((t) => renderLoose(t, scope)),
          verify: step.verify.map((t) => renderLoose(t, scope)),
        };
        if (step.generic) generic = { id: ending.diagnosis, title: diagnosis.title, layer: step.layer };
      }
    }
    // "No finding" says every layer looked and found nothing: a check on the way that could not reach what it looks at
    // (a host check not run: no terminal, ssh failing, another machine) leaves the walk incomplete. Not counted: a check
    // with nothing to look at (a fact never found: no node for an unscheduled pod), and a drill's output nobody pasted.
    const onPath = new Set(context.path.filter((p) => p.check !== null && p.outcome === 'error').map((p) => p.step));
    const lookedEverywhere = !this.log.checks.some(
      (c) =>
        onPath.has(c.step) &&
        c.outcome === 'error' &&
        c.errorKind !== 'missing-value' &&
        c.errorKind !== 'not-applicable' &&
        c.errorKind !== 'not-collected',
    );
    let outcome: SessionOutcome = diagnosis
      ? 'diagnosis'
      : ending?.kind === 'no-finding' && lookedEverywhere
        ? 'no-finding'
        : 'incomplete';
    let anomalies: WalkAccount['anomalies'] = [];
    let lookNext: string[] = [];
    let catalogError: string | null = null;
    // A catch-all ending or no finding at all: what the walk saw may name the cause a closed tree does not know.
    if (generic || outcome === 'no-finding') {
      const catalog = this.catalog();
      catalogError = catalog.error;
      const found = matchSignals(catalog.signatures, this.signals);
      const best = found.find((m) => !m.signature.benign && (!generic || deepEnough(m.signature.layer, generic.layer)));
      if (best) {
        diagnosis = signatureDiagnosis(best, generic);
        outcome = 'diagnosis';
      } else if (outcome === 'no-finding') {
        // A line the catalog knows to be harmless is explained: it is not listed as unexplained.
        const harmless = new Set(found.filter((m) => m.signature.benign).flatMap((m) => m.all));
        anomalies = rankAnomalies(this.signals.filter((s) => !harmless.has(s)));
        if (anomalies.length > 0) {
          outcome = 'unrecognised-evidence';
          lookNext = whereToLookNext(anomalies);
        }
      }
    }
    let candidates: WalkAccount['candidates'] = [];
    // An incomplete walk still reads what it saw against the catalog. A match may explain the symptom, but what the
    // walk could not see may show another cause: it is said as a candidate, never made the diagnosis.
    if (outcome === 'incomplete') {
      const catalog = this.catalog();
      catalogError = catalog.error;
      candidates = matchSignals(catalog.signatures, this.signals)
        .filter((m) => !m.signature.benign)
        .slice(0, 3)
        .map(candidateOf);
      if (candidates.length > 0) lookNext = whereToConfirm(candidates);
    }
    if (diagnosis) {
      // The result goes to --output json without passing emit(): redact it here too.
      diagnosis = redactEvent(diagnosis, this.redactions);
      this.emit({ type: 'diagnosis', ...diagnosis });
    }
    const account = accountOf(this.log, spec, context.path, outcome);
    this.end({
      outcome,
      reason: 'finished',
      diagnosis,
      account: { ...account, anomalies, lookNext, candidates, unconfirmed, catalogError },
    });
  }

  /** The catalog, or why it could not be read: a walk never fails on a broken file, and never hides that it met one. */
  private catalog(): { signatures: readonly CompiledSignature[]; error: string | null } {
    const given = this.opts.signatures;
    try {
      const signatures = typeof given === 'function' ? given() : (given ?? bundledCatalog());
      return { signatures, error: null };
    } catch (err) {
      return { signatures: [], error: catalogLoadError(err) };
    }
  }

  /** A note from the user: kept in the transcript, the report and the replay. */
  note(text: string): void {
    const trimmed = text.trim();
    if (this.finished || !trimmed) return;
    this.emit({ type: 'note', text: trimmed, step: this.current?.step ?? null });
  }

  private crash(err: unknown): void {
    this.end({ outcome: null, reason: 'crashed', diagnosis: null, error: err });
  }

  private end(r: {
    outcome: SessionResult['outcome'];
    reason: EndReason;
    diagnosis: DiagnosisView | null;
    error?: unknown;
    account?: WalkAccount;
  }): void {
    if (this.finished) return;
    this.finished = true;
    const context = this.actor?.getSnapshot().context;
    const error =
      r.error === undefined ? undefined : r.error instanceof Error ? r.error.message : JSON.stringify(r.error);
    const account = redactEvent(
      r.account ?? {
        ...accountOf(this.log, this.spec, context?.path ?? [], 'incomplete'),
        unconfirmed: null,
        candidates: [],
        catalogError: null,
      },
      this.redactions,
    );
    // The transcript's last line carries only what there is to say: nothing unseen, nothing said.
    const said = {
      ...(account.unseen.length > 0 ? { unseen: account.unseen } : {}),
      ...(account.seen.length > 0 ? { seen: account.seen } : {}),
      ...(account.unconfirmed ? { unconfirmed: account.unconfirmed } : {}),
      ...(account.defaultsUsed.length > 0 ? { defaultsUsed: account.defaultsUsed } : {}),
      ...(account.anomalies.length > 0 ? { anomalies: account.anomalies, lookNext: account.lookNext } : {}),
      ...(account.candidates.length > 0 ? { candidates: account.candidates, lookNext: account.lookNext } : {}),
      ...(account.catalogError ? { catalogError: account.catalogError } : {}),
    };
    this.emit({ type: 'session.end', outcome: r.outcome, reason: r.reason, ...(error ? { error } : {}), ...said });
    this.resolveDone({
      outcome: r.outcome,
      reason: r.reason,
      diagnosis: r.diagnosis,
      path: pathWithResults(context?.path ?? [], this.log),
      facts: redactEvent(context?.facts ?? {}, this.redactions),
      ...account,
    });
  }

  /** Secrets are redacted here, once, so the screen, the transcript and the JSON output never see them. */
  private emit(event: SessionEvent): void {
    const clean = redactEvent(event, this.redactions);
    this.log.track(clean);
    for (const l of this.listeners) l(clean);
  }
}
