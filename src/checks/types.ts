import type { z } from 'zod';
import type { KubeClient } from '../kube/client.js';
import type { NodeAccess } from '../nodeaccess/types.js';

export const layers = ['pod', 'node', 'cluster', 'host'] as const;
export type Layer = (typeof layers)[number];

/** One literal piece of evidence: the field, line or number that decided the outcome. */
export interface Evidence {
  label: string;
  value: string;
}

export type FactValue = string | number | boolean;
export type Facts = Record<string, FactValue>;

export interface CheckResult<O extends string = string> {
  /** One of the check's declared outcomes, or `error` when it could not check at all. */
  outcome: O | 'error';
  /** One line a human reads first. */
  summary: string;
  evidence: Evidence[];
  /** Structured findings later steps use as parameters (`{{facts.nodeName}}`). */
  facts: Facts;
  /**
   * What the user would have seen running the command: a host command's output,
   * or the API responses read. Set by defineHostCheck and runCheck, not by checks.
   */
  raw?: string;
  /** Files the check captured (a CPU profile): the transcript keeps them beside itself. */
  artifacts?: Artifact[];
}

/** A file a check captured, to be kept beside the transcript for later analysis. */
export interface Artifact {
  /** A file name (no directory): `kube-apiserver.cpu.pb.gz`. */
  name: string;
  mediaType: string;
  bytes: Uint8Array;
}

export interface CheckContext {
  kube: KubeClient;
  /** Runs host commands on nodes (host-layer checks only). */
  nodes: NodeAccess;
  signal: AbortSignal;
  now: () => Date;
  /** `--allow-mutations` (always in a drill): the few checks that write (the node test pod) may. */
  allowMutations?: boolean;
}

export interface CheckDefinition<P = Record<string, unknown>, O extends string = string> {
  id: string;
  layer: Layer;
  title: string;
  /** Why an expert looks here: one line for the screen and the transcript. */
  why: string;
  params: z.ZodType<P>;
  /** Every outcome `run` can return besides `error`, which is always possible. */
  outcomes: readonly O[];
  /** The outcomes that mean "nothing wrong here": a layer is eliminated on them. */
  healthy: readonly O[];
  /** The facts `run` may set, so runbooks can be linted against them. */
  facts: readonly string[];
  /**
   * The facts `run` always sets, to a non-empty value, on an outcome (`'*'`:
   * on every outcome but error). Lint's placeholder proof counts on them and
   * on nothing else; test/runbook/walkedTexts.ts holds every walk of the
   * bundled scenarios to them.
   */
  sets?: Partial<Record<O | '*', readonly string[]>>;
  /** The command a human would type to see the same thing. */
  command(params: P): string;
  run(ctx: CheckContext, params: P): Promise<CheckResult<O>>;
}

/** Facts every check can set: on the `error` outcome, why it could not check (forbidden, timeout, unreachable...). */
export const errorFacts = ['errorKind'] as const;

/** The errorKind of a check that had nothing to look at (it needs a fact an earlier check found absent, as a Pending pod's node; a file only some nodes have). */
export const notApplicableKind = 'not-applicable';

/** What one check concluded about its layer. */
export type Verdict = 'ok' | 'finding' | 'error';

/** The facts a check always sets on an outcome: what a later text may count on. */
export function factsSetOn(check: Pick<AnyCheck, 'sets'> | undefined, outcome: string): readonly string[] {
  if (!check?.sets || outcome === 'error') return [];
  const sets = check.sets;
  return [...(sets['*'] ?? []), ...(sets[outcome] ?? [])];
}

export function verdictOf(check: Pick<AnyCheck, 'healthy'> | undefined, outcome: string): Verdict {
  if (outcome === 'error' || !check) return 'error';
  return check.healthy.includes(outcome) ? 'ok' : 'finding';
}

/** A check as the registry holds it: parameters still unvalidated. */
export type AnyCheck = CheckDefinition<never, string>;

export function defineCheck<P, const O extends string>(def: CheckDefinition<P, O>): CheckDefinition<P, O> {
  if (def.outcomes.includes('error' as O)) throw new Error(`check ${def.id}: "error" is implicit, do not declare it`);
  const stray = def.healthy.filter((o) => !def.outcomes.includes(o));
  if (stray.length > 0)
    throw new Error(`check ${def.id}: healthy outcomes ${stray.join(', ')} are not among its outcomes`);
  for (const [on, facts] of Object.entries(def.sets ?? {}) as [string, readonly string[]][]) {
    if (on !== '*' && !def.outcomes.includes(on as O))
      throw new Error(`check ${def.id}: sets names outcome "${on}", which it does not have`);
    const unknown = facts.filter((f) => !def.facts.includes(f));
    if (unknown.length > 0)
      throw new Error(`check ${def.id}: sets ${unknown.join(', ')} on "${on}", which are not among its facts`);
  }
  return def;
}
