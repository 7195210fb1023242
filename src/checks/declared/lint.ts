import { parseFieldSelector } from '../../kube/selectors/fields.js';
import { parseLabelSelector } from '../../kube/selectors/labels.js';
import { celEnvironment, celProblem, sourceVariables } from './cel.js';
import { declaredOutcomes } from './compile.js';
import type { DeclaredCheckSpec } from './schema.js';
import { shapeOf } from './sources.js';
import { declaredRefs } from './template.js';

/** A problem in one declared check, at a path inside its definition. */
export interface DeclaredProblem {
  path: PropertyKey[];
  message: string;
}

/**
 * What zod cannot see in a declared check: CEL that does not parse or names
 * an unknown variable, placeholders nothing binds, rules that can never
 * decide, an argv with an empty element, a URL that is not http(s), a
 * selector the API would refuse.
 */
export function lintDeclaredCheck(id: string, spec: DeclaredCheckSpec): DeclaredProblem[] {
  const problems: DeclaredProblem[] = [];
  const at = (path: PropertyKey[], message: string) => problems.push({ path, message: `check ${id}: ${message}` });
  const shape = shapeOf(spec.type === 'kube' ? { type: 'kube', kube: spec.kube } : { type: spec.type });
  const variables = sourceVariables[shape].map((v) => v.name);
  const params = new Set(Object.keys(spec.params));

  const celAt = (path: PropertyKey[], what: string, expression: string, bound: readonly string[]) => {
    const why = celProblem(celEnvironment(shape, bound), expression);
    if (why !== undefined) {
      const hint = /unknown variable/i.test(why)
        ? ` (a ${shape} check has: ${[...variables, ...bound].join(', ')})`
        : '';
      at(path, `${what}: CEL ${JSON.stringify(expression)}: ${why}${hint}`);
    }
  };
  /** Texts of the source: only parameters are known before anything is read. */
  const sourceText = (path: PropertyKey[], text: string | undefined) => {
    if (text === undefined) return;
    for (const ref of declaredRefs(text)) {
      if (!ref.param) at(path, `{{${ref.name}}}: what a check reads can only use its parameters ({{params.x}})`);
      else if (!params.has(ref.name))
        at(path, `{{params.${ref.name}}} is not a declared parameter (params: ${[...params].join(', ') || 'none'})`);
    }
  };
  const shownText = (path: PropertyKey[], text: string, bound: ReadonlySet<string>) => {
    for (const ref of declaredRefs(text)) {
      if (ref.param && !params.has(ref.name))
        at(path, `{{params.${ref.name}}} is not a declared parameter (params: ${[...params].join(', ') || 'none'})`);
      if (!ref.param && !bound.has(ref.name))
        at(
          path,
          `{{${ref.name}}} is neither a value the check read nor bound by a let or fact here (it can show: ${[...bound].join(', ') || 'nothing'}); bind it with let: { ${ref.name}: <CEL> }`,
        );
    }
  };

  const checkBound: string[] = [];
  for (const [name, expr] of Object.entries(spec.let)) {
    if (variables.includes(name)) at(['let', name], `let ${name} would hide the variable ${name} the check reads`);
    celAt(['let', name], `let ${name}`, expr, checkBound);
    checkBound.push(name);
  }
  let always: number | undefined;
  spec.rules.forEach((rule, i) => {
    const path = ['rules', i];
    if (always !== undefined)
      at(
        path,
        `rule ${i + 1} (${rule.outcome}) can never decide: rule ${always + 1} before it has no when, so it always applies`,
      );
    if (rule.when === undefined) always ??= i;
    else celAt([...path, 'when'], `rule ${i + 1} when`, rule.when, checkBound);
    const bound = [...checkBound];
    for (const [name, expr] of Object.entries(rule.let)) {
      if (variables.includes(name))
        at([...path, 'let', name], `let ${name} would hide the variable ${name} the check reads`);
      celAt([...path, 'let', name], `rule ${i + 1} let ${name}`, expr, bound);
      bound.push(name);
    }
    for (const [name, expr] of Object.entries(rule.facts))
      celAt([...path, 'facts', name], `rule ${i + 1} fact ${name}`, expr, bound);
    const shown = new Set([
      ...variables.filter((v) => v !== 'params' && v !== 'now'),
      ...bound,
      ...Object.keys(rule.facts),
    ]);
    if (rule.summary !== undefined) shownText([...path, 'summary'], rule.summary, shown);
    rule.evidence.forEach((e, j) => shownText([...path, 'evidence', j, 'value'], e.value, shown));
    spec.evidence.forEach((e, j) => shownText(['evidence', j, 'value'], e.value, shown));
  });
  const decidable = new Set(spec.rules.filter((_r, i) => always === undefined || i <= always).map((r) => r.outcome));
  for (const o of declaredOutcomes(spec)) {
    if (!decidable.has(o))
      at(
        ['rules'],
        `outcome "${o}": no rule can produce it (every rule naming it comes after one that always applies)`,
      );
  }
  spec.healthy.forEach((h, i) => {
    if (!declaredOutcomes(spec).includes(h))
      at(
        ['healthy', i],
        `healthy outcome "${h}" is produced by no rule (outcomes: ${declaredOutcomes(spec).join(', ')})`,
      );
  });

  switch (spec.type) {
    case 'kube': {
      const k = spec.kube;
      for (const key of ['name', 'namespace', 'labelSelector', 'fieldSelector'] as const)
        sourceText(['kube', key], k[key]);
      if (k.labelSelector !== undefined) {
        try {
          parseLabelSelector(placeholdersFilled(k.labelSelector));
        } catch (err) {
          at(
            ['kube', 'labelSelector'],
            `labelSelector ${JSON.stringify(k.labelSelector)} does not parse: ${(err as Error).message}`,
          );
        }
      }
      if (k.fieldSelector !== undefined) {
        try {
          parseFieldSelector(
            placeholdersFilled(k.fieldSelector),
            () => true,
            () => '',
          );
        } catch (err) {
          at(
            ['kube', 'fieldSelector'],
            `fieldSelector ${JSON.stringify(k.fieldSelector)} does not parse: ${(err as Error).message}`,
          );
        }
      }
      if (k.name !== undefined && (k.labelSelector !== undefined || k.fieldSelector !== undefined))
        at(['kube', 'name'], 'a get by name takes no selectors (drop name to list)');
      break;
    }
    case 'host':
      sourceText(['host', 'node'], spec.host.node);
      spec.host.argv.forEach((a, i) => {
        if (a.trim() === '')
          at(
            ['host', 'argv', i],
            `argv element ${i + 1} is empty: each element is one argument (no shell splits them)`,
          );
        sourceText(['host', 'argv', i], a);
      });
      break;
    case 'http': {
      const h = spec.http;
      if (h.from === 'local') {
        if (h.url === undefined) at(['http'], 'from: local needs url');
        else if (!/^https?:\/\/\S/.test(h.url))
          at(
            ['http', 'url'],
            `url ${JSON.stringify(h.url)} is not an http:// or https:// URL (the scheme must be written out, not a placeholder)`,
          );
        for (const key of ['service', 'namespace', 'port'] as const)
          if (h[key] !== undefined)
            at(['http', key], `${key} is for from: cluster (the service proxy); from: local GETs url`);
      } else {
        if (h.url !== undefined)
          at(
            ['http', 'url'],
            'from: cluster GETs service, namespace, port and path through the API server; url is for from: local',
          );
        if (h.service === undefined) at(['http'], 'from: cluster needs service');
        if (h.namespace === undefined) at(['http'], 'from: cluster needs namespace');
        if (Object.keys(h.headers).length > 0)
          at(['http', 'headers'], 'headers cannot be sent through the API server proxy; they are for from: local');
      }
      sourceText(['http', 'url'], h.url);
      sourceText(['http', 'service'], h.service);
      sourceText(['http', 'namespace'], h.namespace);
      sourceText(['http', 'port'], h.port === undefined ? undefined : String(h.port));
      sourceText(['http', 'path'], h.path);
      for (const [k, v] of Object.entries(h.headers)) sourceText(['http', 'headers', k], v);
      break;
    }
    case 'logs':
      sourceText(['logs', 'namespace'], spec.logs.namespace);
      sourceText(['logs', 'pod'], spec.logs.pod);
      sourceText(['logs', 'container'], spec.logs.container);
      break;
  }
  return problems;
}

/** A selector with its placeholders as a plain value, to see whether the rest parses. */
function placeholdersFilled(text: string): string {
  return text.replace(/\{\{[^}]*\}\}/g, 'x');
}
