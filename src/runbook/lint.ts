import { errorFacts } from '../checks/types.js';
import type { AnyCheck } from '../checks/types.js';
import type { RunbookSpec } from './schema.js';
import type { SourceProblem, YamlSource } from './source.js';
import { branches, isSpecialTarget, phases, reachable } from './structure.js';
import { templateRefs } from './template.js';

/** Everything zod cannot see: the tree's shape, the checks it names and the values it refers to. */
export function lintRunbook(
  spec: RunbookSpec,
  source: YamlSource,
  lookup: (id: string) => AnyCheck | undefined,
): SourceProblem[] {
  const problems: SourceProblem[] = [];
  const at = (path: PropertyKey[], message: string) => problems.push(source.problem(path, message));
  const stepIds = new Set(Object.keys(spec.steps));
  const { topDown, bottomUp } = phases(spec);
  const inputs = new Set(spec.inputs.map((i) => i.name));
  const knownFacts = new Set<string>(errorFacts);
  for (const step of Object.values(spec.steps)) {
    if (step.type === 'check') for (const f of lookup(step.check)?.facts ?? []) knownFacts.add(f);
  }

  if (!stepIds.has(spec.start)) at(['start'], `start step "${spec.start}" does not exist`);
  if (spec.bottomUp && !stepIds.has(spec.bottomUp)) at(['bottomUp'], `bottomUp step "${spec.bottomUp}" does not exist`);

  const checkRefs = (path: PropertyKey[], text: string, where: string) => {
    for (const ref of templateRefs(text)) {
      if (ref.scope === 'inputs' && !inputs.has(ref.name)) at(path, `${where}: {{inputs.${ref.name}}} is not a declared input`);
      if (ref.scope === 'facts' && !knownFacts.has(ref.name))
        at(path, `${where}: {{facts.${ref.name}}} is set by no check in this runbook`);
    }
  };

  for (const [id, step] of Object.entries(spec.steps)) {
    const where = `step "${id}"`;
    const path = ['steps', id];
    for (const b of branches(step)) {
      const branchPath = step.type === 'check' ? [...path, 'next', b.on] : [...path, 'choices', b.on, 'next'];
      const kind = step.type === 'check' ? 'outcome' : 'choice';
      if (isSpecialTarget(b.target)) {
        if (b.target === '$bottom-up' && !spec.bottomUp) at(branchPath, `${where}: ${kind} "${b.on}" goes to $bottom-up but the runbook has no bottomUp step`);
        if (b.target === '$bottom-up' && bottomUp.has(id)) at(branchPath, `${where}: ${kind} "${b.on}" goes to $bottom-up from inside the bottom-up phase`);
      } else if (!stepIds.has(b.target)) {
        at(branchPath, `${where}: ${kind} "${b.on}" goes to unknown step "${b.target}"`);
      }
    }
    switch (step.type) {
      case 'check': {
        const check = lookup(step.check);
        if (!check) {
          at([...path, 'check'], `${where}: unknown check "${step.check}"`);
          break;
        }
        if (check.layer !== step.layer) at([...path, 'layer'], `${where}: check ${check.id} is a ${check.layer} check, not ${step.layer}`);
        const outcomes = [...check.outcomes, 'error'];
        for (const o of outcomes) {
          if (!(o in step.next)) at([...path, 'next'], `${where}: outcome "${o}" has no next step`);
        }
        for (const o of Object.keys(step.next)) {
          if (!outcomes.includes(o)) at([...path, 'next', o], `${where}: check ${check.id} has no outcome "${o}" (it has: ${outcomes.join(', ')})`);
        }
        for (const [k, v] of Object.entries(step.with)) checkRefs([...path, 'with', k], String(v), where);
        break;
      }
      case 'ask':
        if (!(step.default in step.choices)) at([...path, 'default'], `${where}: default "${step.default}" is not one of its choices`);
        checkRefs([...path, 'question'], step.question, where);
        break;
      case 'diagnosis':
        step.chain.forEach((t, i) => checkRefs([...path, 'chain', i], t, where));
        step.fix.forEach((t, i) => checkRefs([...path, 'fix', i], t, where));
        step.verify.forEach((t, i) => checkRefs([...path, 'verify', i], t, where));
        break;
    }
    if (!topDown.has(id) && !bottomUp.has(id) && !isReachedDiagnosis(spec, id)) at(path, `${where} is unreachable`);
    if (topDown.has(id) && bottomUp.has(id)) at(path, `${where} is reached from both the top-down and the bottom-up phase; give each phase its own step`);
  }

  for (const id of deadEnds(spec)) at(['steps', id], `step "${id}" is a dead end: no diagnosis or end is reachable from it`);
  return problems;
}

function isReachedDiagnosis(spec: RunbookSpec, id: string): boolean {
  const all = new Set([...reachable(spec, spec.start), ...(spec.bottomUp ? reachable(spec, spec.bottomUp) : [])]);
  return spec.steps[id]?.type === 'diagnosis' && all.has(id);
}

/** Steps from which no final state can be reached (a loop with no way out). */
function deadEnds(spec: RunbookSpec): string[] {
  const canEnd = new Set<string>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const [id, step] of Object.entries(spec.steps)) {
      if (canEnd.has(id)) continue;
      const ends =
        step.type === 'diagnosis' ||
        branches(step).some((b) => (isSpecialTarget(b.target) ? b.target !== '$bottom-up' || spec.bottomUp : canEnd.has(b.target)));
      if (ends) {
        canEnd.add(id);
        changed = true;
      }
    }
  }
  return Object.keys(spec.steps).filter((id) => !canEnd.has(id) && spec.steps[id] !== undefined && branches(spec.steps[id]).every((b) => isSpecialTarget(b.target) || spec.steps[b.target]));
}
