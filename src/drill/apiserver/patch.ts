import { isDeepStrictEqual } from 'node:util';
import type { Json } from './json.js';
import { ApiError } from './status.js';

/**
 * The three patch formats `kubectl patch`, `kubectl set image` and
 * `kubectl edit` send, applied as the apiserver applies them to an object's
 * JSON: RFC 7386 merge patch, Kubernetes' strategic merge patch (lists with a
 * merge key merged element by element, its `$patch`, `$setElementOrder`,
 * `$retainKeys` and `$deleteFromPrimitiveList` directives) and RFC 6902 JSON
 * patch.
 */

export type PatchType = 'merge' | 'strategic' | 'json';

const patchTypes: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/json-patch+json': 'json',
};

const acceptedPatchTypes =
  'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json, application/apply-patch+cbor';

export function patchTypeOf(contentType: string): PatchType {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const known = patchTypes[type];
  if (!known)
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${acceptedPatchTypes}`,
    );
  return known;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Names that reach JavaScript's object machinery instead of a field: a patch
 * path or key naming one is refused, so no patch can write onto
 * Object.prototype (Go, which the apiserver is written in, has no such names).
 */
const prototypeKeys = new Set(['__proto__', 'constructor', 'prototype']);

function refuseKey(key: string, where: string): void {
  if (prototypeKeys.has(key)) throw invalidPatch(`${where}: "${key}" is not a field of any Kubernetes object`);
}

/** An own property only: inherited ones (constructor, toString) are not fields. */
function own(obj: Json, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function clone<T>(v: T): T {
  return structuredClone(v);
}

/** RFC 7386: objects merge key by key, null deletes, anything else (lists included) replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: Json = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    refuseKey(k, 'merge patch');
    if (v === null) delete out[k];
    else out[k] = mergePatch(own(out, k), v);
  }
  return out;
}

/**
 * patchMergeKey of the list fields in the kinds this server patches (core/v1
 * PodSpec, Container, ObjectMeta, the apps/v1 templates). A list without one
 * is replaced whole, as upstream does for `tolerations` or `args`.
 */
const mergeKeys: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  imagePullSecrets: 'name',
  resourceClaims: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
};

/** Lists of scalars with patchStrategy "merge": a patch adds to the set instead of replacing it. */
const mergedScalarLists = new Set(['finalizers']);

const setOrderPrefix = '$setElementOrder/';
const deletePrimitivePrefix = '$deleteFromPrimitiveList/';

function invalidPatch(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

function mergeList(field: string, original: unknown, patch: unknown[]): unknown[] {
  const key = Object.hasOwn(mergeKeys, field) ? mergeKeys[field] : undefined;
  const base = Array.isArray(original) ? original.map((x) => clone(x) as unknown) : [];
  if (!key) {
    if (mergedScalarLists.has(field) && patch.every((x) => !isObject(x))) {
      for (const v of patch) if (!base.some((b) => isDeepStrictEqual(b, v))) base.push(clone(v));
      return base;
    }
    return patch.filter((x) => !(isObject(x) && x.$patch !== undefined)).map((x) => stripDirectives(x));
  }
  if (patch.some((x) => isObject(x) && x.$patch === 'replace')) {
    return patch.filter((x) => !(isObject(x) && x.$patch === 'replace')).map((x) => stripDirectives(x));
  }
  let out = base;
  for (const item of patch) {
    if (!isObject(item))
      throw invalidPatch(`map: ${JSON.stringify(item)} cannot be converted to map[string]interface{}`);
    if (!(key in item)) throw invalidPatch(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);
    const same = (x: unknown): boolean => isObject(x) && isDeepStrictEqual(x[key], item[key]);
    if (item.$patch === 'delete') {
      out = out.filter((x) => !same(x));
      continue;
    }
    const at = out.findIndex(same);
    if (at >= 0) out[at] = strategicMerge(out[at], item);
    else out.push(stripDirectives(item));
  }
  return out;
}

/** A patch fragment stored as a value: its directives mean nothing once there is no original to apply them to. */
function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isObject(v)) return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('$')) continue;
    if (x !== null) out[k] = stripDirectives(x);
  }
  return out;
}

function orderBy(field: string, list: unknown[], order: unknown): unknown[] {
  const key = Object.hasOwn(mergeKeys, field) ? mergeKeys[field] : undefined;
  if (!Array.isArray(order)) return list;
  const keyOf = (x: unknown): unknown => (key && isObject(x) ? x[key] : x);
  const wanted: unknown[] = (order as unknown[]).map((o) => (key && isObject(o) ? o[key] : o));
  const rank = (x: unknown): number => {
    const i = wanted.findIndex((w) => isDeepStrictEqual(w, keyOf(x)));
    return i < 0 ? wanted.length : i;
  };
  return [...list].sort((a, b) => rank(a) - rank(b));
}

/** Kubernetes' strategic merge patch over plain JSON, with the merge keys of the kinds served here. */
export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') return stripDirectives(patch);
  if (patch.$patch === 'delete') return undefined;
  const out: Json = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    refuseKey(k.startsWith('$') ? k.slice(k.indexOf('/') + 1) : k, 'strategic merge patch');
    if (k.startsWith('$')) continue;
    if (v === null) {
      delete out[k];
    } else if (Array.isArray(v)) {
      out[k] = mergeList(k, own(out, k), v);
    } else if (isObject(v)) {
      const merged = strategicMerge(own(out, k), v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else {
      out[k] = v;
    }
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(deletePrimitivePrefix)) {
      const field = k.slice(deletePrimitivePrefix.length);
      const gone = Array.isArray(v) ? v : [];
      if (Array.isArray(out[field]))
        out[field] = (out[field] as unknown[]).filter((x) => !gone.some((g) => isDeepStrictEqual(g, x)));
    } else if (k.startsWith(setOrderPrefix)) {
      const field = k.slice(setOrderPrefix.length);
      if (Array.isArray(out[field])) out[field] = orderBy(field, out[field] as unknown[], v);
    }
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys.map(String));
    for (const k of Object.keys(out)) if (!keep.has(k)) delete out[k];
  }
  return out;
}

function unescapePointer(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function splitPointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw invalidPatch(`json patch path "${path}" must start with "/"`);
  const tokens = path.slice(1).split('/').map(unescapePointer);
  for (const t of tokens) refuseKey(t, `json patch path "${path}"`);
  return tokens;
}

interface Slot {
  parent: Json | unknown[];
  key: string;
}

function locate(doc: unknown, tokens: string[], op: string, path: string): Slot {
  let cur: unknown = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = /^\d+$/.test(t) ? cur[Number(t)] : undefined;
    else if (isObject(cur)) cur = own(cur, t);
    else cur = undefined;
    if (cur === undefined)
      throw invalidPatch(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  }
  if (!Array.isArray(cur) && !isObject(cur))
    throw invalidPatch(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  return { parent: cur, key: tokens[tokens.length - 1] ?? '' };
}

function arrayIndex(list: unknown[], key: string, op: string, path: string, allowEnd: boolean): number {
  if (allowEnd && key === '-') return list.length;
  if (!/^\d+$/.test(key))
    throw invalidPatch(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  const i = Number(key);
  if (i > list.length || (!allowEnd && i === list.length))
    throw invalidPatch(`${op} operation does not apply: doc is missing path: "${path}": missing value`);
  return i;
}

function getAt(doc: unknown, path: string, op: string): unknown {
  const tokens = splitPointer(path);
  if (tokens.length === 0) return doc;
  const { parent, key } = locate(doc, tokens, op, path);
  const v = Array.isArray(parent) ? parent[arrayIndex(parent, key, op, path, false)] : own(parent, key);
  if (v === undefined) throw invalidPatch(`${op} operation does not apply: doc is missing key: ${path}: missing value`);
  return v;
}

function removeAt(doc: unknown, path: string, op: string): unknown {
  const { parent, key } = locate(doc, splitPointer(path), op, path);
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, key, op, path, false), 1)[0];
  if (!Object.hasOwn(parent, key))
    throw invalidPatch(`${op} operation does not apply: doc is missing key: ${path}: missing value`);
  const v = parent[key];
  delete parent[key];
  return v;
}

function addAt(doc: unknown, path: string, value: unknown, op: string): unknown {
  const tokens = splitPointer(path);
  if (tokens.length === 0) return value;
  const { parent, key } = locate(doc, tokens, op, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, key, op, path, true), 0, value);
  else parent[key] = value;
  return doc;
}

/** RFC 6902, with evanphx/json-patch's error wording (what the apiserver applies JSON patches with). */
export function jsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch))
    throw new ApiError(400, 'BadRequest', 'json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = clone(target);
  for (const raw of patch) {
    const op = isObject(raw) ? raw : {};
    const kind = typeof op.op === 'string' ? op.op : '';
    const path = typeof op.path === 'string' ? op.path : '';
    switch (kind) {
      case 'add':
        doc = addAt(doc, path, clone(op.value), 'add');
        break;
      case 'remove':
        removeAt(doc, path, 'remove');
        break;
      case 'replace': {
        const tokens = splitPointer(path);
        if (tokens.length === 0) {
          doc = clone(op.value);
          break;
        }
        const { parent, key } = locate(doc, tokens, 'replace', path);
        if (Array.isArray(parent)) parent[arrayIndex(parent, key, 'replace', path, false)] = clone(op.value);
        else if (Object.hasOwn(parent, key)) parent[key] = clone(op.value);
        else throw invalidPatch(`replace operation does not apply: doc is missing key: ${path}: missing value`);
        break;
      }
      case 'move': {
        const from = typeof op.from === 'string' ? op.from : '';
        doc = addAt(doc, path, removeAt(doc, from, 'move'), 'move');
        break;
      }
      case 'copy': {
        const from = typeof op.from === 'string' ? op.from : '';
        doc = addAt(doc, path, clone(getAt(doc, from, 'copy')), 'copy');
        break;
      }
      case 'test': {
        let current: unknown;
        try {
          current = getAt(doc, path, 'test');
        } catch {
          current = undefined;
        }
        if (!isDeepStrictEqual(current, op.value)) throw invalidPatch(`testing value ${path} failed: test failed`);
        break;
      }
      default:
        throw invalidPatch(`Unexpected kind: ${kind}`);
    }
  }
  return doc;
}

export function applyPatch(type: PatchType, target: unknown, patchBody: string): unknown {
  let patch: unknown;
  try {
    patch = JSON.parse(patchBody);
  } catch (err) {
    throw new ApiError(400, 'BadRequest', `error decoding patch: ${(err as Error).message}`);
  }
  switch (type) {
    case 'merge':
      return mergePatch(target, patch);
    case 'strategic':
      if (!isObject(patch))
        throw new ApiError(
          400,
          'BadRequest',
          'json: cannot unmarshal array into Go value of type map[string]interface {}',
        );
      return strategicMerge(target, patch);
    case 'json':
      return jsonPatch(target, patch);
  }
}
