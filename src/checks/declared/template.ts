import { celText } from './cel.js';

/**
 * A declared check's texts: `{{params.url}}` is a parameter the step gave,
 * `{{code}}` a value a `let` (or a fact) of the deciding rule bound.
 */
const placeholder = /\{\{\s*(?:(params)\.)?([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export interface DeclaredRef {
  param: boolean;
  name: string;
}

export function declaredRefs(text: string): DeclaredRef[] {
  return [...text.matchAll(placeholder)].map((m) => ({ param: m[1] === 'params', name: m[2] ?? '' }));
}

/** Text with its placeholders filled; a name nothing bound is an error lint reports before any walk. */
export function fillDeclared(text: string, params: Record<string, string>, bound: Record<string, unknown>): string {
  return text.replace(placeholder, (_m, scope: string | undefined, name: string) => {
    if (scope === 'params') {
      if (!Object.hasOwn(params, name)) throw new Error(`{{params.${name}}} is not a parameter of this check`);
      return params[name] ?? '';
    }
    if (!Object.hasOwn(bound, name)) throw new Error(`{{${name}}} is bound by no let or fact of this rule`);
    return celText(bound[name]);
  });
}
