import { errorFacts } from '../checks/types.js';
import type { AnyCheck } from '../checks/types.js';
import { includePrefix, usedSteps } from './include.js';
import type { ResolvedInclude } from './include.js';
import type { RunbookSpec } from './schema.js';
import type { SourceProblem, YamlSource } from '../base/source.js';
import { branches, isSpecialTarget, phases, reachable } from './structure.js';
import { sectionProblems, templateRefs } from './template.js';
import { errorDecidedEdges } from './honesty.js';
import { placeholderShapes, stepTexts, unprovenFacts, walkText } from './factProof.js';
import { kubectlKindProblems } from './kubectlKinds.js';

/** Where a problem in an included step is reported: at the include that brought it in (its own file was linted on its own). */
function includeOrigin(spec: RunbookSpec, path: PropertyKey[]): { path: PropertyKey[]; prefix: string } | undefined {
  if (path[0] !== 'steps' || typeof path[1] !== 'string') return undefined;
  const alias = includePrefix(path[1]);
  const index = spec.include.findIndex((i) => i.as === alias);
  if (alias === undefined || index < 0) return undefined;
  const inc = spec.include[index];
  return { path: ['include', index, 'as'], prefix: `include "${alias}" (runbook ${inc?.runbook ?? '?'}): ` };
}

/** Everything zod cannot see: the tree's shape, the checks it names and the values it refers to. */
export function lintRunbook(
  spec: RunbookSpec,
  source: YamlSource,
  lookup: (id: string) => AnyCheck | undefined,
): SourceProblem[] {
  const problems: SourceProblem[] = [];
  const at = (path: PropertyKey[], message: string) => {
    const origin = includeOrigin(spec, path);
    problems.push(origin ? source.problem(origin.path, `${origin.prefix}${message}`) : source.problem(path, message));
  };
  const stepIds = new Set(Object.keys(spec.steps));
  const aliases = new Map(spec.include.map((i) => [i.as, i.runbook]));
  const used = usedSteps(spec);
  const { topDown, bottomUp } = phases(spec);
  const inputs = new Set(spec.inputs.map((i) => i.name));
  const knownFacts = new Set<string>(errorFacts);
  for (const step of Object.values(spec.steps)) {
    if (step.type === 'check') for (const f of lookup(step.check)?.facts ?? []) knownFacts.add(f);
  }

  if (!stepIds.has(spec.start)) at(['start'], `start step "${spec.start}" does not exist`);
  if (spec.bottomUp && !stepIds.has(spec.bottomUp)) at(['bottomUp'], `bottomUp step "${spec.bottomUp}" does not exist`);

  const checkRefs = (path: PropertyKey[], text: string, where: string) => {
    // An included step's inputs were bound by `with`, which lintIncludes checks where it is written.
    if (includeOrigin(spec, path)) return;
    for (const p of sectionProblems(text)) at(path, `${where}: ${p}`);
    for (const ref of templateRefs(text)) {
      if (ref.scope === 'inputs' && !inputs.has(ref.name))
        at(path, `${where}: {{inputs.${ref.name}}} is not a declared input`);
      if (ref.scope === 'facts' && !knownFacts.has(ref.name))
        at(path, `${where}: {{facts.${ref.name}}} is set by no check in this runbook`);
    }
  };

  for (const [id, step] of Object.entries(spec.steps)) {
    const where = `step "${id}"`;
    const path = ['steps', id];
    // Every other text is checked where its refs are (checkRefs).
    if (step.title !== undefined) checkRefs([...path, 'title'], step.title, where);
    if (step.why !== undefined) checkRefs([...path, 'why'], step.why, where);
    for (const b of branches(step)) {
      const branchPath = step.type === 'ask' ? [...path, 'choices', b.on, 'next'] : [...path, 'next', b.on];
      const kind = step.type === 'ask' ? 'choice' : 'outcome';
      if (isSpecialTarget(b.target)) {
        if (b.target === '$bottom-up' && !spec.bottomUp)
          at(branchPath, `${where}: ${kind} "${b.on}" goes to $bottom-up but the runbook has no bottomUp step`);
        if (b.target === '$bottom-up' && bottomUp.has(id))
          at(branchPath, `${where}: ${kind} "${b.on}" goes to $bottom-up from inside the bottom-up phase`);
      } else if (!stepIds.has(b.target)) {
        const alias = includePrefix(b.target);
        const hint =
          alias !== undefined && aliases.has(alias)
            ? ` (runbook ${aliases.get(alias) ?? ''}, included as "${alias}", has no step "${b.target.slice(alias.length + 1)}")`
            : '';
        at(branchPath, `${where}: ${kind} "${b.on}" goes to unknown step "${b.target}"${hint}`);
      }
    }
    switch (step.type) {
      case 'check': {
        const check = lookup(step.check);
        if (!check) {
          at([...path, 'check'], `${where}: unknown check "${step.check}"`);
          break;
        }
        if (check.layer !== step.layer)
          at([...path, 'layer'], `${where}: check ${check.id} is a ${check.layer} check, not ${step.layer}`);
        const outcomes = [...check.outcomes, 'error'];
        for (const o of outcomes) {
          if (!Object.hasOwn(step.next, o)) at([...path, 'next'], `${where}: outcome "${o}" has no next step`);
        }
        for (const o of Object.keys(step.next)) {
          if (!outcomes.includes(o))
            at(
              [...path, 'next', o],
              `${where}: check ${check.id} has no outcome "${o}" (it has: ${outcomes.join(', ')})`,
            );
        }
        for (const [k, v] of Object.entries(step.with)) checkRefs([...path, 'with', k], String(v), where);
        break;
      }
      case 'ask':
        if (!Object.hasOwn(step.choices, step.default))
          at([...path, 'default'], `${where}: default "${step.default}" is not one of its choices`);
        checkRefs([...path, 'question'], step.question, where);
        break;
      case 'action': {
        if (!step.run && !step.kube)
          at(path, `${where}: an action needs either run (a command on a node) or kube (an API write)`);
        if (step.run && step.kube) at([...path, 'kube'], `${where}: an action has either run or kube, not both`);
        if (step.run && !step.node) at([...path, 'run'], `${where}: run needs node (the node to run it on)`);
        if (step.node && !step.run) at([...path, 'node'], `${where}: node is only for run`);
        step.run?.forEach((a, i) => checkRefs([...path, 'run', i], a, where));
        if (step.node) checkRefs([...path, 'node'], step.node, where);
        if (step.kube)
          for (const [k, v] of Object.entries(step.kube)) checkRefs([...path, 'kube', k], String(v), where);
        if (step.kube?.op === 'patch' && step.kube.resource !== 'node' && !step.kube.namespace)
          at([...path, 'kube'], `${where}: patching a ${step.kube.resource} needs namespace`);
        if (step.verify !== undefined) {
          const target = spec.steps[step.verify];
          if (!target) at([...path, 'verify'], `${where}: verify step "${step.verify}" does not exist`);
          else if (target.type !== 'check')
            at(
              [...path, 'verify'],
              `${where}: verify step "${step.verify}" is a ${target.type} step; it must be a check`,
            );
        }
        break;
      }
      case 'diagnosis':
        step.chain.forEach((t, i) => checkRefs([...path, 'chain', i], t, where));
        step.fix.forEach((t, i) => checkRefs([...path, 'fix', i], t, where));
        step.verify.forEach((t, i) => checkRefs([...path, 'verify', i], t, where));
        break;
    }
    if (!topDown.has(id) && !bottomUp.has(id) && !isReachedDiagnosis(spec, id) && !used.has(id))
      at(path, `${where} is unreachable`);
    if (topDown.has(id) && bottomUp.has(id))
      at(path, `${where} is reached from both the top-down and the bottom-up phase; give each phase its own step`);
  }

  for (const e of errorDecidedEdges(spec, lookup)) {
    const via = e.via.length > 0 ? ` (through ${e.via.join(', ')})` : '';
    at(
      ['steps', e.step, 'next', 'error'],
      `step "${e.step}": outcome "error" leads to diagnosis "${e.diagnosis}"${via}, which would rest on a check that could not look. ` +
        'Send it to $incomplete (the walk then says what it could not see and how to see it), or to a check that can look another way; ' +
        'only a diagnosis about the failure to see itself declares restsOn: error',
    );
  }
  for (const id of deadEnds(spec))
    at(['steps', id], `step "${id}" is a dead end: no diagnosis or end is reachable from it`);

  // The placeholder proof: no text reaches a person with a value it cannot fill, and none holds a <placeholder>.
  for (const u of unprovenFacts(spec, lookup)) {
    const name = u.ref.name;
    // A fact no check sets at all is already reported once, above.
    if (!knownFacts.has(name)) continue;
    const walk = walkText(u.walk, u.step);
    at(
      ['steps', u.step, ...u.text.at],
      u.text.at[0] === 'with'
        ? `step "${u.step}": ${u.text.label} needs {{facts.${name}}}, but this walk gets here without ${name}: ${walk}. ` +
            `The check could not run (it would end in error); reach this step only through checks that set ${name} (declared in their sets)`
        : `step "${u.step}": ${u.text.label} uses {{facts.${name}}}, but this walk gets here without ${name}: ${walk}. ` +
            `Say in words what to write when it is not known ({{facts.${name} | "words"}}), or reach this step only through checks that set ${name} (declared in their sets)`,
    );
  }
  const optional = new Set(spec.inputs.filter((i) => !i.required && i.default === undefined).map((i) => i.name));
  const shapes = (path: PropertyKey[], label: string, text: string) => {
    for (const shape of placeholderShapes(text)) {
      at(
        path,
        `${label} has ${shape}, which a person would copy as it stands: name the value ({{facts.x}}, {{inputs.x}}) or say in words what to put there`,
      );
    }
  };
  shapes(['symptom'], 'symptom', spec.symptom);
  spec.inputs.forEach((inp, i) =>
    shapes(['inputs', i, 'description'], `input "${inp.name}": description`, inp.description),
  );
  for (const [id, step] of Object.entries(spec.steps)) {
    // An included step's own file is linted on its own.
    if (includeOrigin(spec, ['steps', id])) continue;
    for (const t of stepTexts(step)) {
      shapes(['steps', id, ...t.at], `step "${id}": ${t.label}`, t.text);
      // Commands a person runs are in fixes and verifications; a why's prose may mention kubectl in passing.
      if (t.at[0] === 'fix' || t.at[0] === 'verify')
        for (const p of kubectlKindProblems(t.text)) at(['steps', id, ...t.at], `step "${id}": ${t.label}: ${p}`);
      for (const ref of templateRefs(t.text)) {
        if (ref.scope === 'inputs' && optional.has(ref.name) && ref.fallback === undefined)
          at(
            ['steps', id, ...t.at],
            `step "${id}": ${t.label} uses {{inputs.${ref.name}}}, an optional input with no default: say what to write when it is not given ({{inputs.${ref.name} | "words"}})`,
          );
      }
    }
  }
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
        branches(step).some((b) =>
          isSpecialTarget(b.target) ? b.target !== '$bottom-up' || spec.bottomUp : canEnd.has(b.target),
        );
      if (ends) {
        canEnd.add(id);
        changed = true;
      }
    }
  }
  return Object.keys(spec.steps).filter(
    (id) =>
      !canEnd.has(id) &&
      spec.steps[id] !== undefined &&
      branches(spec.steps[id]).every((b) => isSpecialTarget(b.target) || spec.steps[b.target]),
  );
}

/** The include declarations themselves, located where they are written. */
export function lintIncludes(
  raw: RunbookSpec,
  flat: RunbookSpec,
  source: YamlSource,
  included: readonly ResolvedInclude[],
  lookup: (id: string) => AnyCheck | undefined,
): SourceProblem[] {
  const problems: SourceProblem[] = [];
  const at = (path: PropertyKey[], message: string) => problems.push(source.problem(path, message));
  const inputs = new Set(raw.inputs.map((i) => i.name));
  const knownFacts = new Set<string>(errorFacts);
  for (const step of Object.values(flat.steps)) {
    if (step.type === 'check') for (const f of lookup(step.check)?.facts ?? []) knownFacts.add(f);
  }
  const seen = new Set<string>();
  raw.include.forEach((inc, i) => {
    const path = ['include', i];
    const where = `include "${inc.as}"`;
    if (seen.has(inc.as)) at([...path, 'as'], `${where}: another include is already named "${inc.as}"`);
    seen.add(inc.as);
    if (inc.as in raw.steps)
      at([...path, 'as'], `${where}: a step is already named "${inc.as}"; targets could not tell them apart`);
    const sub = included.find((r) => r.include === inc)?.spec;
    if (!sub) return;
    const declared = new Map(sub.inputs.map((x) => [x.name, x]));
    for (const [k, v] of Object.entries(inc.with)) {
      if (!declared.has(k)) {
        at(
          [...path, 'with', k],
          `${where}: runbook ${sub.id} has no input "${k}" (inputs: ${[...declared.keys()].join(', ') || 'none'})`,
        );
        continue;
      }
      for (const ref of templateRefs(String(v))) {
        if (ref.scope === 'inputs' && !inputs.has(ref.name))
          at([...path, 'with', k], `${where}: {{inputs.${ref.name}}} is not a declared input of this runbook`);
        if (ref.scope === 'facts' && !knownFacts.has(ref.name))
          at([...path, 'with', k], `${where}: {{facts.${ref.name}}} is set by no check in this runbook`);
      }
    }
    for (const x of sub.inputs) {
      if (x.required && x.default === undefined && !(x.name in inc.with)) {
        at(
          Object.keys(inc.with).length > 0 ? [...path, 'with'] : [...path, 'as'],
          `${where}: runbook ${sub.id} needs input "${x.name}" (${x.description}): give it in with`,
        );
      }
    }
    for (const key of ['onNoFinding', 'onBottomUp', 'onIncomplete'] as const) {
      const t = inc[key];
      if (t === undefined) continue;
      if (isSpecialTarget(t)) {
        if (t === '$bottom-up' && !raw.bottomUp)
          at([...path, key], `${where}: ${key} goes to $bottom-up but the runbook has no bottomUp step`);
      } else if (!(t in flat.steps) && !raw.include.some((x) => x.as === t)) {
        at([...path, key], `${where}: ${key} goes to unknown step "${t}"`);
      }
    }
  });
  return problems;
}
