import type { Snapshot } from 'xstate';

type AnySnapshot = Snapshot<unknown>;
import { findCheck } from '../../src/checks/registry.js';
import { actionActorId, checkActorId, stepIdOf } from '../../src/runbook/compile.js';
import type { RunbookSpec } from '../../src/runbook/schema.js';

/** Leaf step id of a snapshot value like { topDown: { 'pod-status': 'running' } }. */
export function stepOf(value: unknown): { step: string; sub: string | null } | null {
  // Included steps are states named nn/step (see stateKey): back to their step ids.
  if (typeof value === 'string') return { step: stepIdOf(value), sub: null };
  if (!value || typeof value !== 'object') return null;
  const [phaseValue] = Object.values(value as Record<string, unknown>);
  if (typeof phaseValue === 'string') return { step: stepIdOf(phaseValue), sub: null };
  if (phaseValue && typeof phaseValue === 'object') {
    const [step, sub] = Object.entries(phaseValue as Record<string, unknown>)[0] ?? [];
    return step ? { step: stepIdOf(step), sub: typeof sub === 'string' ? sub : null } : null;
  }
  return null;
}

/**
 * Every event a state can receive in a real walk: CONTINUE before a check,
 * the check finishing with each of its declared outcomes, each answer to a question.
 */
export function eventsFor(spec: RunbookSpec) {
  return (snapshot: AnySnapshot) => {
    const at = stepOf((snapshot as unknown as { value: unknown }).value);
    const step = at ? spec.steps[at.step] : undefined;
    if (!at || !step) return [];
    if (step.type === 'ask') return Object.keys(step.choices).map((choice) => ({ type: 'ANSWER', choice, by: 'user' }));
    if (step.type === 'action') {
      if (at.sub === 'confirming') return [{ type: 'CONFIRM' }, { type: 'DECLINE' }, { type: 'FAIL' }];
      return ['done', 'failed'].map((result) => ({
        type: `xstate.done.actor.${actionActorId(at.step)}`,
        output: { result, facts: {}, durationMs: 0 },
      }));
    }
    if (step.type !== 'check') return [];
    if (at.sub === 'waiting') return [{ type: 'CONTINUE' }];
    const outcomes = [...(findCheck(step.check)?.outcomes ?? []), 'error'];
    // Outcomes that branch to the same step reach the same state; offering one of
    // them keeps every branch while simple paths stop multiplying per outcome.
    const targets = new Set<string>();
    const distinct = outcomes.filter((outcome) => {
      const target = step.next[outcome] ?? `(no branch for ${outcome})`;
      if (targets.has(target)) return false;
      targets.add(target);
      return true;
    });
    return distinct.map((outcome) => ({
      type: `xstate.done.actor.${checkActorId(at.step)}`,
      output: { outcome, summary: '', evidence: [], facts: {}, durationMs: 0 },
    }));
  };
}

/** States are the step, not the growing path in context, so loops are seen as loops. */
export function serializeState(snapshot: AnySnapshot): string {
  return JSON.stringify((snapshot as unknown as { value: unknown }).value);
}
