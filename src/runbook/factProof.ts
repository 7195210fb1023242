import { factsSetOn } from '../checks/types.js';
import type { AnyCheck } from '../checks/types.js';
import type { RunbookSpec, StepSpec } from './schema.js';
import { branches, isSpecialTarget } from './structure.js';
import { isBare, templateRefs } from './template.js';
import type { TemplateRef } from './template.js';

/**
 * The placeholder proof. A text a person reads (a title, a why, a question,
 * a command, a chain link, a fix) may name `{{facts.x}}` without words for
 * the unknown only if x is set on every walk that reaches it. Facts only grow
 * along a walk (mergeFacts never unsets one), and a check sets, on each
 * outcome, at least what it declares in `sets`; so x can be missing at a step
 * exactly when some walk from the start gets there along branches none of
 * which sets it. That walk, when there is one, is the counterexample lint names.
 */

/** One templated text of a step, where it is written, and what it is to a person. */
export interface StepText {
  /** Path inside the step (`['fix', 0]`). */
  at: PropertyKey[];
  /** `fix line 1`, `title`, `parameter namespace`. */
  label: string;
  text: string;
}

/** Every text of a step that is filled from inputs and facts before anyone sees or runs it. */
export function stepTexts(step: StepSpec): StepText[] {
  const out: StepText[] = [];
  const add = (at: PropertyKey[], label: string, text: string | undefined) => {
    if (text !== undefined) out.push({ at, label, text });
  };
  add(['title'], 'title', step.title);
  add(['why'], 'why', step.why);
  switch (step.type) {
    case 'check':
      // Its parameters build its command: shown only once every value is known; without one the check ends in error and says which.
      break;
    case 'ask':
      add(['question'], 'question', step.question);
      break;
    case 'action':
      // Its command is resolved before it is offered: a value still unknown takes its failed branch, and the preview says it in words.
      break;
    case 'diagnosis':
      step.chain.forEach((t, i) => add(['chain', i], `chain line ${i + 1}`, t));
      step.fix.forEach((t, i) => add(['fix', i], `fix line ${i + 1}`, t));
      step.verify.forEach((t, i) => add(['verify', i], `verify line ${i + 1}`, t));
      break;
  }
  return out;
}

/** One branch of a counterexample walk: the step left, and the outcome or choice taken. */
export interface WalkHop {
  step: string;
  on: string;
}

/** A fact a text uses bare that some walk reaches the text without. */
export interface UnprovenFact {
  step: string;
  text: StepText;
  ref: TemplateRef;
  /** The walk from the start to the step along which nothing sets the fact. */
  walk: WalkHop[];
}

export type FactLookup = (id: string) => Pick<AnyCheck, 'sets'> | undefined;

/** Where a walk goes from a step on each branch, `$bottom-up` resolved to the sweep's first step. */
function successors(spec: RunbookSpec, id: string): { on: string; to: string }[] {
  const step = spec.steps[id];
  if (!step) return [];
  const out: { on: string; to: string }[] = [];
  for (const b of branches(step)) {
    if (b.target === '$bottom-up' && spec.bottomUp) out.push({ on: b.on, to: spec.bottomUp });
    else if (!isSpecialTarget(b.target)) out.push({ on: b.on, to: b.target });
  }
  // An action runs its verify check with the facts it was entered with; the check's own branches are never taken from there.
  if (step.type === 'action' && step.verify) out.push({ on: 'verify', to: `verify:${step.verify}` });
  return out;
}

/** The facts named bare in some texts: `{{facts.x}}` without words for the unknown. */
function bareFacts(texts: readonly (string | number | boolean | undefined)[]): string[] {
  return texts.flatMap((t) =>
    typeof t === 'string'
      ? templateRefs(t)
          .filter((r) => r.scope === 'facts' && isBare(r))
          .map((r) => r.name)
      : [],
  );
}

/**
 * The facts a branch sets: a check's declared facts for that outcome. A check
 * or an action cannot even start without the facts its parameters or its
 * command name (the engine ends it in error, or on its failed branch, saying
 * which value was missing), so any other branch out of it means they were known.
 */
function setsOn(spec: RunbookSpec, id: string, on: string, lookup: FactLookup): readonly string[] {
  const step = spec.steps[id];
  if (step?.type === 'check') {
    if (on === 'error') return [];
    return [...factsSetOn(lookup(step.check), on), ...bareFacts(Object.values(step.with))];
  }
  if (step?.type === 'action' && on !== 'failed')
    return bareFacts([...(step.run ?? []), step.node, ...Object.values(step.kube ?? {})]);
  return [];
}

/**
 * For one fact, the shortest walk from the start to each step it can reach
 * with the fact still unset: a breadth-first search that never takes a
 * branch setting it. Steps absent from the map always have it.
 */
function walksWithout(spec: RunbookSpec, fact: string, lookup: FactLookup): Map<string, WalkHop[]> {
  const reached = new Map<string, WalkHop[]>([[spec.start, []]]);
  const queue = [spec.start];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    if (id.startsWith('verify:')) continue;
    const walk = reached.get(id) ?? [];
    for (const { on, to } of successors(spec, id)) {
      if (reached.has(to) || setsOn(spec, id, on, lookup).includes(fact)) continue;
      reached.set(to, [...walk, { step: id, on }]);
      queue.push(to);
    }
  }
  return reached;
}

/** Steps the walk can enter (either phase), with the verify checks actions run as `verify:<id>`. */
function walkedSteps(spec: RunbookSpec): Set<string> {
  const seen = new Set<string>([spec.start]);
  const queue = [spec.start];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const { to } of successors(spec, id)) {
      if (seen.has(to) || id.startsWith('verify:')) continue;
      seen.add(to);
      queue.push(to);
    }
  }
  return seen;
}

/**
 * Every text that names a fact bare (no `| "words"`) at a step some walk
 * reaches without that fact, with that walk. Inputs are not judged here: a
 * required input is always given, an optional one is lint's own rule.
 */
export function unprovenFacts(spec: RunbookSpec, lookup: FactLookup): UnprovenFact[] {
  const found: UnprovenFact[] = [];
  const byFact = new Map<string, Map<string, WalkHop[]>>();
  const without = (fact: string) => {
    let m = byFact.get(fact);
    if (!m) {
      m = walksWithout(spec, fact, lookup);
      byFact.set(fact, m);
    }
    return m;
  };
  for (const key of walkedSteps(spec)) {
    const id = key.replace(/^verify:/, '');
    const step = spec.steps[id];
    if (!step) continue;
    for (const text of stepTexts(step)) {
      for (const ref of templateRefs(text.text)) {
        if (ref.scope !== 'facts' || !isBare(ref)) continue;
        const walk = without(ref.name).get(key);
        if (walk && !found.some((f) => f.step === id && f.text.label === text.label && f.ref.name === ref.name))
          found.push({ step: id, text, ref, walk });
      }
    }
  }
  return found;
}

/** `pod-status (running) → ask-still-broken (yes) → here`. */
export function walkText(walk: readonly WalkHop[], to: string): string {
  return [...walk.map((h) => `${h.step} (${h.on})`), to].join(' → ');
}

/** `<node>`, `<the app's labels>`: a blank for the reader to fill, never a thing to copy. */
const shape = /<([A-Za-z][^<>\n]*)>/g;

/** What programs print between angle brackets (Go's nil in a grpc dial error, kubectl's empty column): quoted verbatim, no blank. */
const printed = new Set(['<nil>', '<none>']);

/** The `<placeholder>` shapes in a text (its templates, filled or not, are not among them). */
export function placeholderShapes(text: string): string[] {
  const bare = text.replace(/\{\{[^}]*\}\}/g, 'x');
  return [...bare.matchAll(shape)].map((m) => m[0]).filter((m) => !printed.has(m));
}
