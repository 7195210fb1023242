import type { AnyCheck } from '../checks/types.js';
import type { CliArgs } from './args.js';
import { UsageError } from './usageError.js';

export interface CheckParam {
  name: string;
  /** The flag that sets it: --pod, --node, -n, or --set name=... */
  flag: string;
  required: boolean;
  /** The value it takes when not given, if it has one. */
  default?: unknown;
}

type Shape = Record<string, { safeParse(v: unknown): { success: boolean; data?: unknown } }>;

const shapeOf = (check: AnyCheck): Shape => (check.params as unknown as { shape?: Shape }).shape ?? {};

/** The parameter `--pod` fills: a `pod` parameter, or a pod check's `name`. */
function podParam(check: AnyCheck, shape: Shape): string | undefined {
  return 'pod' in shape ? 'pod' : check.layer === 'pod' && 'name' in shape ? 'name' : undefined;
}

/** The parameter `--node` fills: a `node` parameter, or a node check's `name`. */
function nodeParam(check: AnyCheck, shape: Shape): string | undefined {
  return 'node' in shape ? 'node' : check.layer === 'node' && 'name' in shape ? 'name' : undefined;
}

/** A check's parameters, each with the flag that sets it, as `check <id> --help` lists them. */
export function checkParams(check: AnyCheck): CheckParam[] {
  const shape = shapeOf(check);
  const pod = podParam(check, shape);
  const node = nodeParam(check, shape);
  return Object.entries(shape).map(([name, schema]) => {
    const empty = schema.safeParse(undefined);
    const flag = name === pod ? '--pod' : name === node ? '--node' : name === 'namespace' ? '-n' : `--set ${name}=`;
    return {
      name,
      flag,
      required: !empty.success,
      ...(empty.success && empty.data !== undefined ? { default: empty.data } : {}),
    };
  });
}

/** The parameters of one `plumbline check` from --pod, --node, -n and --set; a flag the check has no use for is a usage error. */
export function checkParamsFrom(
  check: AnyCheck,
  args: Pick<CliArgs, 'pod' | 'node' | 'namespace' | 'set'>,
): Record<string, string> {
  const shape = shapeOf(check);
  const fail = (message: string): never => {
    throw new UsageError(`${message} (plumbline check ${check.id} --help lists its parameters)`, 'check');
  };
  const params: Record<string, string> = {};
  const put = (flag: string, param: string | undefined, value: string | undefined) => {
    if (value === undefined) return;
    if (param === undefined) fail(`${check.id} takes no ${flag}`);
    else params[param] = value;
  };
  put('-n', 'namespace' in shape ? 'namespace' : undefined, args.namespace);
  put('--pod', podParam(check, shape), args.pod);
  put('--node', nodeParam(check, shape), args.node);
  for (const [k, v] of Object.entries(args.set)) {
    if (!(k in shape)) fail(`${check.id} has no parameter "${k}"`);
    if (params[k] !== undefined && params[k] !== v) fail(`${k} is given twice: "${params[k]}" and --set ${k}=${v}`);
    params[k] = v;
  }
  const missing = checkParams(check).filter((p) => p.required && !params[p.name]);
  if (missing.length > 0)
    fail(
      `${check.id} needs ${missing.map((p) => (p.flag.startsWith('--set') ? `${p.flag}<${p.name}>` : `${p.flag} <${p.name}>`)).join(' ')}`,
    );
  const parsed = check.params.safeParse(params);
  if (!parsed.success)
    fail(
      `${check.id}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'parameters'}: ${i.message}`).join('; ')}`,
    );
  return params;
}
