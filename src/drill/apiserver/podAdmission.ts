import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../types.js';
import { asArray, asObject, asString } from './json.js';
import type { Json } from './json.js';
import type { FieldProblem } from './status.js';
import { podQosClass } from '../../kube/semantics/quantities.js';

/**
 * What the apiserver does to a new pod before storing it: validation (the
 * parts a hand-written test pod gets wrong), then the defaults and
 * admission plugins a real cluster applies (ServiceAccount's token volume,
 * DefaultTolerationSeconds, Priority), so `kubectl get pod -o yaml` and
 * `describe` show what they would on a real cluster.
 */

const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The characters names.SimpleNameGenerator draws from (no vowels, no look-alikes). */
const nameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

export function randomSuffix(length = 5): string {
  return [...randomBytes(length)].map((b) => nameAlphabet[b % nameAlphabet.length]).join('');
}

export function validatePod(pod: KubeObject): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const name = pod.metadata.name;
  if (!name)
    problems.push({ field: 'metadata.name', type: 'Required value', detail: 'name or generateName is required' });
  else if (name.length > 253 || !dns1123Subdomain.test(name)) {
    problems.push({
      field: 'metadata.name',
      type: 'Invalid value',
      detail: `"${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    });
  }
  const containers = asArray(asObject(pod.spec).containers);
  if (containers.length === 0) problems.push({ field: 'spec.containers', type: 'Required value', detail: '' });
  containers.forEach((c, i) => {
    const cname = asString(c.name);
    if (!cname) problems.push({ field: `spec.containers[${i}].name`, type: 'Required value', detail: '' });
    else if (!dns1123Label.test(cname)) {
      problems.push({
        field: `spec.containers[${i}].name`,
        type: 'Invalid value',
        detail: `"${cname}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      });
    }
    if (!asString(c.image)) problems.push({ field: `spec.containers[${i}].image`, type: 'Required value', detail: '' });
  });
  return problems;
}

/** SetDefaults_Container's pull policy: Always for `:latest` or an untagged image, else IfNotPresent. */
function pullPolicy(image: string): string {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

const defaultTolerations = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

/** A new pod with the defaults and admission mutations a real cluster stores. */
export function defaultPod(pod: KubeObject): KubeObject {
  const spec = { ...asObject(pod.spec) };
  const serviceAccount = asString(spec.serviceAccountName) || asString(spec.serviceAccount) || 'default';
  const automount = spec.automountServiceAccountToken !== false;
  const tokenVolume = `kube-api-access-${randomSuffix()}`;

  const containers = asArray(spec.containers).map((c) => ({
    ...c,
    resources: c.resources ?? {},
    ...(automount
      ? {
          volumeMounts: [
            ...asArray(c.volumeMounts),
            { name: tokenVolume, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
          ],
        }
      : {}),
    terminationMessagePath: c.terminationMessagePath ?? '/dev/termination-log',
    terminationMessagePolicy: c.terminationMessagePolicy ?? 'File',
    imagePullPolicy: c.imagePullPolicy ?? pullPolicy(asString(c.image)),
  }));
  const tolerations = asArray(spec.tolerations);
  for (const t of defaultTolerations) {
    if (!tolerations.some((x) => asString(x.key) === t.key && asString(x.effect) === t.effect)) tolerations.push(t);
  }
  const volumes = asArray(spec.volumes);
  if (automount) {
    volumes.push({
      name: tokenVolume,
      projected: {
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          {
            downwardAPI: {
              items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
            },
          },
        ],
        defaultMode: 420,
      },
    });
  }

  return {
    ...pod,
    spec: {
      ...spec,
      ...(volumes.length > 0 ? { volumes } : {}),
      containers,
      restartPolicy: spec.restartPolicy ?? 'Always',
      terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
      dnsPolicy: spec.dnsPolicy ?? 'ClusterFirst',
      serviceAccountName: serviceAccount,
      serviceAccount,
      securityContext: spec.securityContext ?? {},
      schedulerName: spec.schedulerName ?? 'default-scheduler',
      tolerations,
      priority: spec.priority ?? 0,
      enableServiceLinks: spec.enableServiceLinks ?? true,
      preemptionPolicy: spec.preemptionPolicy ?? 'PreemptLowerPriority',
    },
    status: { phase: 'Pending', qosClass: podQosClass(containers, asArray(spec.initContainers)) },
  };
}

/** podStrategy.CheckGracefulDelete: the grace period a delete gets (0: remove now). */
export function gracePeriod(pod: KubeObject, requested: number | undefined): number {
  const spec = asObject(pod.spec);
  const phase = asString(asObject(pod.status).phase);
  if (!asString(spec.nodeName) || phase === 'Succeeded' || phase === 'Failed') return 0;
  if (requested !== undefined) return requested;
  return typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30;
}

const mutablePodFields =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

function goFieldName(key: string): string {
  return key.charAt(0).toUpperCase() + key.slice(1);
}

/** A go-cmp style diff of two pod specs, as ValidatePodUpdate appends it: runs of equal fields collapsed, changes as -/+ lines. */
function specDiff(before: Json, after: Json): string {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const lines = ['  core.PodSpec{'];
  let identical = 0;
  const flush = (): void => {
    if (identical > 0) lines.push(`  \t... // ${identical} identical field${identical === 1 ? '' : 's'}`);
    identical = 0;
  };
  for (const k of keys) {
    const a = JSON.stringify(before[k]);
    const b = JSON.stringify(after[k]);
    if (isDeepStrictEqual(before[k], after[k])) {
      identical++;
      continue;
    }
    flush();
    if (a !== undefined) lines.push(`- \t${goFieldName(k)}: ${a},`);
    if (b !== undefined) lines.push(`+ \t${goFieldName(k)}: ${b},`);
  }
  flush();
  lines.push('  }');
  return lines.join('\n');
}

function sameToleration(a: Json, b: Json): boolean {
  return ['key', 'operator', 'value', 'effect', 'tolerationSeconds'].every((k) => isDeepStrictEqual(a[k], b[k]));
}

/**
 * ValidatePodUpdate's rule: a running pod's spec is fixed except for
 * container images, activeDeadlineSeconds (set, or lowered), additions to
 * tolerations and a negative grace period raised to 1. Everything else is
 * refused with the apiserver's Forbidden message and a diff of the change.
 */
export function validatePodUpdate(before: KubeObject, after: KubeObject): FieldProblem[] {
  const oldSpec = asObject(before.spec);
  const newSpec = asObject(after.spec);
  const masked: Json = structuredClone(oldSpec);
  for (const list of ['containers', 'initContainers']) {
    const olds = asArray(masked[list]);
    const news = asArray(newSpec[list]);
    if (olds.length === news.length && olds.length > 0)
      masked[list] = olds.map((c, i) => ({ ...c, image: news[i]?.image }));
  }
  const oldDeadline = oldSpec.activeDeadlineSeconds;
  const newDeadline = newSpec.activeDeadlineSeconds;
  if (
    typeof newDeadline === 'number' &&
    newDeadline > 0 &&
    (typeof oldDeadline !== 'number' || newDeadline <= oldDeadline)
  )
    masked.activeDeadlineSeconds = newDeadline;
  const oldTolerations = asArray(oldSpec.tolerations);
  const newTolerations = asArray(newSpec.tolerations);
  if (oldTolerations.every((t) => newTolerations.some((n) => sameToleration(t, n)))) {
    if (newSpec.tolerations === undefined) delete masked.tolerations;
    else masked.tolerations = newSpec.tolerations;
  }
  const oldGrace = oldSpec.terminationGracePeriodSeconds;
  if (typeof oldGrace === 'number' && oldGrace < 0 && newSpec.terminationGracePeriodSeconds === 1)
    masked.terminationGracePeriodSeconds = 1;
  if (isDeepStrictEqual(masked, newSpec)) return [];
  return [{ field: 'spec', type: 'Forbidden', detail: `${mutablePodFields}\n${specDiff(masked, newSpec)}` }];
}
