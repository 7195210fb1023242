import type { Facts } from '../checks/types.js';

/**
 * `{{inputs.name}}` or `{{facts.name}}`, the only two things a runbook may refer
 * to, optionally with the words to say when the value is not known:
 * `{{facts.nodeName | "the pod's node"}}`.
 */
const placeholder = /\{\{\s*(inputs|facts)\.([A-Za-z0-9_]+)\s*(?:\|\s*"([^"]*)"\s*)?\}\}/g;

export interface TemplateScope {
  inputs: Record<string, string>;
  facts: Facts;
}

export interface TemplateRef {
  scope: 'inputs' | 'facts';
  name: string;
  /** The words said when the value is not known (`{{facts.x | "words"}}`). */
  fallback?: string;
}

export function templateRefs(text: string): TemplateRef[] {
  return [...text.matchAll(placeholder)].map((m) => ({
    scope: m[1] as 'inputs' | 'facts',
    name: m[2] ?? '',
    ...(m[3] === undefined ? {} : { fallback: m[3] }),
  }));
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
  return text.replace(placeholder, (_m, kind: 'inputs' | 'facts', name: string, fallback: string | undefined) => {
    const value = kind === 'inputs' ? scope.inputs[name] : scope.facts[name];
    if ((value === undefined || value === '') && fallback !== undefined) return fallback;
    if (value === undefined || value === '') throw new MissingValueError({ scope: kind, name });
    return String(value);
  });
}

/**
 * Like render, for text shown to a person (a fix, a chain): an unknown value is
 * said in words, its fallback or "(<name> not known)", never a `<name>` or
 * `{{template}}` a person might copy into a command.
 */
export function renderLoose(text: string, scope: TemplateScope): string {
  return text.replace(placeholder, (_m, kind: 'inputs' | 'facts', name: string, fallback: string | undefined) => {
    const value = kind === 'inputs' ? scope.inputs[name] : scope.facts[name];
    if (value !== undefined && value !== '') return String(value);
    return fallback ?? `(${name} not known)`;
  });
}
