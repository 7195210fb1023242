import { parse as parseYaml } from 'yaml';
import { shellQuote } from '../nodeaccess/quote.js';
import type { ActionStepSpec } from '../runbook/schema.js';
import { render, renderLoose } from '../runbook/template.js';
import type { TemplateScope } from '../runbook/template.js';

/** An action with every value filled in: exactly what will run, and how a human would type it. */
export type ResolvedAction =
  | { target: 'host'; node: string; argv: string[]; command: string }
  | {
      target: 'kube';
      op: 'delete-pod' | 'patch';
      resource: string;
      namespace: string | null;
      name: string;
      patchType: 'strategic' | 'merge' | 'json' | null;
      /** The patch as JSON, as the API receives it. */
      patch: string | null;
      /** The kubectl command that makes the same request. */
      command: string;
    };

export class ActionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ActionError';
  }
}

/** Fills the action's templates; a missing value throws MissingValueError, a bad patch ActionError. */
export function resolveAction(step: ActionStepSpec, scope: TemplateScope): ResolvedAction {
  return resolveWith(step, (t) => render(t, scope));
}

/** The same with unknown values shown as `<name>`: for a command the user runs by hand, or a failure message. */
export function previewAction(step: ActionStepSpec, scope: TemplateScope): string {
  try {
    return resolveWith(step, (t) => renderLoose(t, scope)).command;
  } catch {
    return step.run ? shellQuote(step.run.map((a) => renderLoose(a, scope))) : `kubectl ${step.kube?.op ?? ''}`;
  }
}

/**
 * A name that goes into a request path must be one segment, as the API server
 * and client-go require (IsValidPathSegmentName): `.` and `..` would be
 * resolved away and `/` or `%` would name another path, so the request sent
 * would not be the kubectl command shown.
 */
export function checkPathSegment(what: string, value: string): void {
  if (value === '' || value === '.' || value === '..') throw new ActionError(`${what} may not be "${value}"`);
  if (/[/%]/.test(value)) throw new ActionError(`${what} may not contain "/" or "%": ${JSON.stringify(value)}`);
}

function resolveWith(step: ActionStepSpec, fill: (t: string) => string): ResolvedAction {
  if (step.run) {
    const argv = step.run.map(fill);
    return { target: 'host', node: fill(step.node ?? ''), argv, command: shellQuote(argv) };
  }
  const kube = step.kube;
  if (!kube) throw new ActionError('the action has neither run nor kube');
  if (kube.op === 'delete-pod') {
    const namespace = fill(kube.namespace);
    const name = fill(kube.name);
    checkPathSegment('the namespace', namespace);
    checkPathSegment('the pod name', name);
    return {
      target: 'kube',
      op: 'delete-pod',
      resource: 'pod',
      namespace,
      name,
      patchType: null,
      patch: null,
      command: shellQuote(['kubectl', 'delete', 'pod', name, '-n', namespace]),
    };
  }
  const namespace = kube.namespace === undefined || kube.resource === 'node' ? null : fill(kube.namespace);
  const name = fill(kube.name);
  if (namespace !== null) checkPathSegment('the namespace', namespace);
  checkPathSegment(`the ${kube.resource} name`, name);
  const patch = patchJson(fill(kube.patch), kube.patchType);
  const argv = [
    'kubectl',
    'patch',
    kube.resource,
    name,
    ...(namespace ? ['-n', namespace] : []),
    '--type',
    kube.patchType,
    '-p',
    patch,
  ];
  return {
    target: 'kube',
    op: 'patch',
    resource: kube.resource,
    namespace,
    name,
    patchType: kube.patchType,
    patch,
    command: shellQuote(argv),
  };
}

/** kubectl takes a patch as JSON or YAML; the API takes JSON: an object to merge, or a list of RFC 6902 operations. */
function patchJson(text: string, type: 'strategic' | 'merge' | 'json'): string {
  let value: unknown;
  try {
    value = parseYaml(text) as unknown;
  } catch (err) {
    throw new ActionError(
      `the patch is not JSON or YAML: ${err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err)}`,
    );
  }
  if (type === 'json' ? !Array.isArray(value) : value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ActionError(type === 'json' ? 'a json patch is a list of operations' : `a ${type} patch is an object`);
  }
  return JSON.stringify(value);
}
