/**
 * `/livez`, `/readyz` and `/healthz` as kube-apiserver answers them: `ok`, or
 * with `?verbose` one `[+]name ok` line per check and a closing verdict. The
 * check names are the apiserver's; a failing check (for faults, later) turns
 * its line to `[-]name failed: reason withheld` and the endpoint to 500.
 */

export type HealthEndpoint = 'livez' | 'readyz' | 'healthz';

const common = [
  'ping',
  'log',
  'etcd',
  'poststarthook/start-apiserver-admission-initializer',
  'poststarthook/generic-apiserver-start-informers',
  'poststarthook/priority-and-fairness-config-consumer',
  'poststarthook/priority-and-fairness-filter',
  'poststarthook/storage-object-count-tracker-hook',
  'poststarthook/start-apiextensions-informers',
  'poststarthook/start-apiextensions-controllers',
  'poststarthook/crd-informer-synced',
  'poststarthook/start-system-namespaces-controller',
  'poststarthook/bootstrap-controller',
  'poststarthook/rbac/bootstrap-roles',
  'poststarthook/scheduling/bootstrap-system-priority-classes',
  'poststarthook/start-kube-aggregator-informers',
  'poststarthook/apiservice-registration-controller',
  'poststarthook/apiservice-discovery-controller',
  'poststarthook/kube-apiserver-autoregistration',
  'autoregister-completion',
];

const checks: Record<HealthEndpoint, string[]> = {
  livez: common,
  readyz: [...common.slice(0, 3), 'etcd-readiness', 'informer-sync', ...common.slice(3), 'shutdown'],
  healthz: common,
};

export interface HealthReply {
  status: number;
  body: string;
}

export function health(
  endpoint: HealthEndpoint,
  query: URLSearchParams,
  failing: ReadonlySet<string> = new Set(),
): HealthReply {
  const names = checks[endpoint];
  const excluded = new Set(query.getAll('exclude'));
  const active = names.filter((n) => !excluded.has(n));
  const failed = active.filter((n) => failing.has(n));
  const verbose = query.has('verbose') || failed.length > 0;
  if (!verbose) return { status: 200, body: 'ok' };
  const lines = active.map((n) => (failing.has(n) ? `[-]${n} failed: reason withheld` : `[+]${n} ok`));
  for (const n of names.filter((x) => excluded.has(x))) lines.push(`[+]${n} excluded: ok`);
  lines.push(failed.length > 0 ? `${endpoint} check failed` : `${endpoint} check passed`);
  return { status: failed.length > 0 ? 500 : 200, body: `${lines.join('\n')}\n` };
}

/** `/livez/<check>`: one check's own answer. */
export function singleCheck(
  endpoint: HealthEndpoint,
  name: string,
  failing: ReadonlySet<string> = new Set(),
): HealthReply | undefined {
  if (!checks[endpoint].includes(name)) return undefined;
  return failing.has(name)
    ? { status: 500, body: 'internal server error: reason withheld\n' }
    : { status: 200, body: 'ok' };
}
