import type { Facts } from '../checks/types.js';

/**
 * `{{inputs.name}}` or `{{facts.name}}`, the only two things a runbook may refer
 * to, optionally with the words to say when the value is not known:
 * `{{facts.nodeName | "the pod's node"}}`.
 */
const placeholder = /\{\{\s*(inputs|facts)\.([A-Za-z0-9_]+)\s*(?:\|\s*"([^"]*)"\s*)?\}\}/g;

/**
 * A part shown only when a fact is known, `{{#facts.container}} -c {{facts.container}}{{/facts.container}}`,
 * or only when it is not, `{{^facts.pv}}...{{/facts.pv}}`: a command then drops a flag whose value was
 * not read, or says how to find it, instead of carrying words into it.
 */
const section = /\{\{([#^])\s*facts\.([A-Za-z0-9_]+)\s*\}\}([\s\S]*?)\{\{\/\s*facts\.\2\s*\}\}/g;

/** Every section tag, well formed or not, for lint. */
const sectionTag = /\{\{\s*([#^/])\s*([A-Za-z0-9_.]*)\s*\}\}/g;

export interface TemplateScope {
  inputs: Record<string, string>;
  facts: Facts;
}

export interface TemplateRef {
  scope: 'inputs' | 'facts';
  name: string;
  /** The words said when the value is not known (`{{facts.x | "words"}}`). */
  fallback?: string;
  /** A section's opening tag (`{{#facts.x}}`, `{{^facts.x}}`): it shows nothing of x, it tests it. */
  section?: '#' | '^';
  /** Inside a `{{#facts.x}}` section of its own fact: shown only when known. */
  guarded?: true;
}

/** Whether a ref puts its value in the text with nothing said when it is unknown: lint's proof must then show it known. */
export function isBare(ref: TemplateRef): boolean {
  return ref.fallback === undefined && ref.section === undefined && ref.guarded !== true;
}

export function templateRefs(text: string): TemplateRef[] {
  const refs: TemplateRef[] = [];
  // The facts whose `#` section encloses each position: a ref there of that fact is shown only when known.
  const guards: { from: number; to: number; name: string }[] = [];
  const scan = (part: string, offset: number) => {
    for (const m of part.matchAll(section)) {
      const at = offset + m.index;
      refs.push({ scope: 'facts', name: m[2] ?? '', section: m[1] as '#' | '^' });
      if (m[1] === '#') guards.push({ from: at, to: at + m[0].length, name: m[2] ?? '' });
      // A section inside another of a different fact.
      scan(m[3] ?? '', at + m[0].indexOf('}}') + 2);
    }
  };
  scan(text, 0);
  for (const m of text.matchAll(placeholder)) {
    const scope = m[1] as 'inputs' | 'facts';
    const name = m[2] ?? '';
    const guarded = scope === 'facts' && guards.some((g) => g.name === name && m.index > g.from && m.index < g.to);
    refs.push({
      scope,
      name,
      ...(m[3] === undefined ? {} : { fallback: m[3] }),
      ...(guarded ? { guarded: true as const } : {}),
    });
  }
  return refs;
}

/**
 * What is wrong with a text's sections, in words for its author: a tag not
 * closed or closed out of order, a section on an input (an input is given or
 * has its default; `| "words"` says the rest), or a fact named inside a
 * `{{^facts.x}}` section of its own, where it is never known.
 */
export function sectionProblems(text: string): string[] {
  const problems: string[] = [];
  const open: { kind: string; name: string }[] = [];
  for (const m of text.matchAll(sectionTag)) {
    const kind = m[1] ?? '';
    const name = m[2] ?? '';
    const tag = m[0];
    if (!/^facts\.[A-Za-z0-9_]+$/.test(name)) {
      problems.push(
        `${tag}: a section tests a fact ({{#facts.x}}...{{/facts.x}}); an input says what to write when not given with {{inputs.x | "words"}}`,
      );
      continue;
    }
    if (kind !== '/') {
      open.push({ kind, name });
      continue;
    }
    const top = open.pop();
    if (top === undefined) problems.push(`${tag} closes no section`);
    else if (top.name !== name)
      problems.push(`${tag} closes {{${top.kind}${top.name}}}: close the inner section first`);
  }
  for (const o of open) problems.push(`{{${o.kind}${o.name}}} is never closed ({{/${o.name}}})`);
  if (problems.length > 0) return problems;
  for (const m of text.matchAll(section)) {
    if (m[1] !== '^') continue;
    const name = m[2] ?? '';
    if (templateRefs(m[3] ?? '').some((r) => r.scope === 'facts' && r.name === name && r.section === undefined))
      problems.push(`{{facts.${name}}} inside {{^facts.${name}}}, where it is never known`);
  }
  return problems;
}

/** Keeps the sections whose test holds, drops the rest; nested sections of other facts are resolved in turn. */
function renderSections(text: string, facts: Facts): string {
  let out = text;
  for (let prev = ''; prev !== out;) {
    prev = out;
    out = out.replace(section, (_m, kind: string, name: string, body: string) => {
      const value = facts[name];
      const known = value !== undefined && value !== '';
      return known === (kind === '#') ? body : '';
    });
  }
  return out;
}

export class MissingValueError extends Error {
  constructor(readonly ref: TemplateRef) {
    super(
      ref.scope === 'inputs'
        ? `input "${ref.name}" was not given`
        : `fact "${ref.name}" is not known yet (no earlier check found it)`,
    );
    this.name = 'MissingValueError';
  }
}

/** Fills placeholders; a missing value throws so the step fails visibly instead of querying "undefined". */
export function render(text: string, scope: TemplateScope): string {
  return renderSections(text, scope.facts).replace(
    placeholder,
    (_m, kind: 'inputs' | 'facts', name: string, fallback: string | undefined) => {
      const value = kind === 'inputs' ? scope.inputs[name] : scope.facts[name];
      if ((value === undefined || value === '') && fallback !== undefined) return fallback;
      if (value === undefined || value === '') throw new MissingValueError({ scope: kind, name });
      return String(value);
    },
  );
}

/**
 * Like render, for text shown to a person (a fix, a chain): an unknown value is
 * said in words, its fallback or "(<name> not known)", never a `<name>` or
 * `{{template}}` a person might copy into a command.
 */
export function renderLoose(text: string, scope: TemplateScope): string {
  return renderSections(text, scope.facts).replace(
    placeholder,
    (_m, kind: 'inputs' | 'facts', name: string, fallback: string | undefined) => {
      const value = kind === 'inputs' ? scope.inputs[name] : scope.facts[name];
      if (value !== undefined && value !== '') return String(value);
      return fallback ?? `(${name} not known)`;
    },
  );
}
