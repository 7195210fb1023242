import { z } from 'zod';
import type { Environment } from '@marcbachmann/cel-js';
import { defineCheck } from '../types.js';
import type { AnyCheck, CheckContext, CheckResult, Evidence, Facts } from '../types.js';
import { celEnvironment, celEvaluate, celText } from './cel.js';
import type { SourceShape } from './cel.js';
import type { DeclaredCheckSpec, DeclaredRule } from './schema.js';
import { HttpError, readSource, shapeOf, sourceCommand } from './sources.js';
import type { FilledSource } from './sources.js';
import { fillDeclared } from './template.js';

/** The outcomes a declared check can end in: its rules' outcomes, in the order they are first named. */
export function declaredOutcomes(spec: DeclaredCheckSpec): string[] {
  return [...new Set(spec.rules.map((r) => r.outcome))];
}

/**
 * The facts a declared check always sets on an outcome: those every rule
 * deciding it sets (a rule's fact that is empty ends the check in error).
 */
export function declaredSets(spec: DeclaredCheckSpec): Record<string, string[]> {
  const sets: Record<string, string[]> = {};
  for (const outcome of declaredOutcomes(spec)) {
    const rules = spec.rules.filter((r) => r.outcome === outcome);
    const first = Object.keys(rules[0]?.facts ?? {});
    sets[outcome] = first.filter((f) => rules.every((r) => Object.hasOwn(r.facts, f)));
  }
  return sets;
}

/** Fills `{{params.x}}` in every field a source reads. */
function fillSource(spec: DeclaredCheckSpec, params: Record<string, string>): FilledSource {
  const f = (t: string) => fillDeclared(t, params, {});
  const opt = (t: string | undefined) => (t === undefined ? undefined : f(t));
  const defined = <T extends object>(o: T): T =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  switch (spec.type) {
    case 'kube':
      return defined({
        type: 'kube',
        spec: spec.kube,
        name: opt(spec.kube.name),
        namespace: opt(spec.kube.namespace),
        labelSelector: opt(spec.kube.labelSelector),
        fieldSelector: opt(spec.kube.fieldSelector),
      });
    case 'host':
      return { type: 'host', spec: spec.host, node: f(spec.host.node), argv: spec.host.argv.map(f) };
    case 'http':
      return defined({
        type: 'http',
        spec: spec.http,
        url: opt(spec.http.url),
        service: opt(spec.http.service),
        namespace: opt(spec.http.namespace),
        port: spec.http.port === undefined ? undefined : f(String(spec.http.port)),
        path: f(spec.http.path),
        headers: Object.fromEntries(Object.entries(spec.http.headers).map(([k, v]) => [k, f(v)])),
      });
    case 'logs':
      return defined({
        type: 'logs',
        spec: spec.logs,
        namespace: f(spec.logs.namespace),
        pod: f(spec.logs.pod),
        container: opt(spec.logs.container),
      });
  }
}

function paramsSchema(spec: DeclaredCheckSpec): z.ZodType<Record<string, string>> {
  const shape: Record<string, z.ZodType<string>> = {};
  for (const [name, p] of Object.entries(spec.params)) {
    const value = z.coerce.string().min(1, `${name} (${p.description}) is empty`);
    shape[name] = p.default === undefined ? value : value.default(p.default);
  }
  return z.strictObject(shape);
}

function sourceSpecOf(spec: DeclaredCheckSpec): Parameters<typeof shapeOf>[0] {
  return spec.type === 'kube' ? { type: 'kube', kube: spec.kube } : { type: spec.type };
}

/** Environments for the check-level lets, each rule's when, and each rule's own lets, facts and texts. */
class Envs {
  private readonly cache = new Map<string, Environment>();
  constructor(private readonly shape: SourceShape) {}
  with(bound: readonly string[]): Environment {
    const key = bound.join(',');
    let env = this.cache.get(key);
    if (!env) {
      env = celEnvironment(this.shape, bound);
      this.cache.set(key, env);
    }
    return env;
  }
}

/** What went wrong evaluating one expression: the check ends in error and shows it with the values it read. */
class RuleError extends Error {
  constructor(
    readonly where: string,
    readonly expression: string,
    readonly why: string,
    readonly vars: Record<string, unknown>,
  ) {
    super(`${where}: ${expression}: ${why}`);
  }
}

function evaluate(env: Environment, where: string, expression: string, vars: Record<string, unknown>): unknown {
  const r = celEvaluate(env, expression, vars);
  if (!r.ok) throw new RuleError(where, expression, r.message, vars);
  return r.value;
}

function bindAll(
  envs: Envs,
  where: string,
  lets: Record<string, string>,
  vars: Record<string, unknown>,
  bound: string[],
): void {
  for (const [name, expr] of Object.entries(lets)) {
    vars[name] = evaluate(envs.with(bound), `${where} let ${name}`, expr, vars);
    bound.push(name);
  }
}

function factValue(
  name: string,
  expression: string,
  value: unknown,
  vars: Record<string, unknown>,
  where: string,
): string | number | boolean {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string' && value !== '') return value;
  const what =
    value === null || value === undefined
      ? 'null'
      : typeof value === 'string'
        ? 'an empty string'
        : Array.isArray(value)
          ? 'a list'
          : 'a map';
  throw new RuleError(
    `${where} fact ${name}`,
    expression,
    `a fact must be a non-empty string, a number or a bool; it evaluated to ${what}`,
    vars,
  );
}

/** The names an expression mentions that the check read, with their values: what a person needs to see why it failed. */
function valuesShown(expression: string, vars: Record<string, unknown>): Evidence[] {
  return Object.keys(vars)
    .filter((name) => new RegExp(`\\b${name}\\b`).test(expression))
    .map((name) => ({ label: name, value: celText(vars[name], 300) }));
}

function decide(
  id: string,
  spec: DeclaredCheckSpec,
  envs: Envs,
  read: Record<string, unknown>,
  params: Record<string, string>,
  sourceEvidence: Evidence[],
): CheckResult {
  const vars: Record<string, unknown> = { ...read, params };
  const bound: string[] = [];
  bindAll(envs, 'let', spec.let, vars, bound);
  let rule: DeclaredRule | undefined;
  let index = -1;
  for (const [i, r] of spec.rules.entries()) {
    if (r.when === undefined) {
      rule = r;
      index = i;
      break;
    }
    const held = evaluate(envs.with(bound), `rule ${i + 1} (${r.outcome}) when`, r.when, vars);
    if (typeof held !== 'boolean')
      throw new RuleError(
        `rule ${i + 1} (${r.outcome}) when`,
        r.when,
        `evaluated to ${celText(held, 80)}, not true or false`,
        vars,
      );
    if (held) {
      rule = r;
      index = i;
      break;
    }
  }
  if (!rule) {
    return {
      outcome: 'error',
      summary: `${id}: no rule decided (none of ${spec.rules.map((r) => r.when ?? 'true').join('; ')} held), so what was read cannot be said to be anything`,
      evidence: [
        ...sourceEvidence,
        ...Object.keys(read).map((name) => ({ label: name, value: celText(read[name], 300) })),
      ],
      facts: { errorKind: 'no-rule' },
    };
  }
  const where = `rule ${index + 1} (${rule.outcome})`;
  const ruleBound = [...bound];
  bindAll(envs, where, rule.let, vars, ruleBound);
  const facts: Facts = {};
  for (const [name, expr] of Object.entries(rule.facts)) {
    const value = evaluate(envs.with(ruleBound), `${where} fact ${name}`, expr, vars);
    facts[name] = factValue(name, expr, value, vars, where);
  }
  // Texts may show what was read (status, count, body...) and what the rules bound.
  const scope: Record<string, unknown> = { ...read };
  for (const name of ruleBound) scope[name] = vars[name];
  for (const [k, v] of Object.entries(facts)) scope[k] = v;
  const evidence = [
    ...sourceEvidence,
    ...[...spec.evidence, ...rule.evidence].map((e) => ({
      label: e.label,
      value: fillDeclared(e.value, params, scope),
    })),
  ];
  const summary =
    rule.summary === undefined ? `${spec.title}: ${rule.outcome}` : fillDeclared(rule.summary, params, scope);
  return { outcome: rule.outcome, summary, evidence, facts };
}

/** A declared check as the registry's other checks are: same outcomes, evidence and facts contract. */
export function compileDeclaredCheck(id: string, spec: DeclaredCheckSpec): AnyCheck {
  const outcomes = declaredOutcomes(spec);
  const envs = new Envs(shapeOf(sourceSpecOf(spec)));
  const factNames = [...new Set(spec.rules.flatMap((r) => Object.keys(r.facts)))];
  const check = defineCheck<Record<string, string>, string>({
    id,
    layer: spec.layer,
    title: spec.title,
    why: spec.why,
    params: paramsSchema(spec),
    outcomes,
    healthy: spec.healthy.filter((h) => outcomes.includes(h)),
    facts: factNames,
    sets: declaredSets(spec),
    command: (params) => {
      try {
        return sourceCommand(fillSource(spec, params));
      } catch {
        return '';
      }
    },
    async run(ctx: CheckContext, params): Promise<CheckResult> {
      if (spec.type === 'http' && spec.http.from === 'local' && ctx.nodes.kind === 'drill') {
        // A drill has no services on this machine: a GET from here would reach whatever happens to listen.
        return {
          outcome: 'error',
          summary: `${id}: an HTTP GET from this machine cannot reach a drill's services; use from: cluster (the API server's service proxy), which the drill answers`,
          evidence: [],
          facts: { errorKind: 'not-possible' },
        };
      }
      const source = fillSource(spec, params);
      let read;
      try {
        read = await readSource(ctx, source);
      } catch (err) {
        if (err instanceof HttpError)
          return { outcome: 'error', summary: err.message, evidence: [], facts: { errorKind: err.kind } };
        throw err;
      }
      try {
        const result = decide(id, spec, envs, { ...read.vars, now: ctx.now() }, params, read.evidence);
        return read.raw === undefined ? result : { ...result, raw: read.raw };
      } catch (err) {
        if (!(err instanceof RuleError)) throw err;
        return {
          outcome: 'error',
          summary: `${id}: ${err.where} could not be evaluated: ${err.why}`,
          evidence: [{ label: 'expression', value: err.expression }, ...valuesShown(err.expression, err.vars)],
          facts: { errorKind: 'rule-failed' },
          ...(read.raw === undefined ? {} : { raw: read.raw }),
        };
      }
    },
  });
  return check as unknown as AnyCheck;
}
