import { badRequest } from './status.js';

/**
 * Continue tokens in the apiserver's own encoding (storage/continue.go):
 * unpadded base64url of `{"v":"meta.k8s.io/v1","rv":<rev>,"start":<key>}`,
 * where `start` is the key after the last one served, relative to the list's
 * key prefix. Opaque to clients, and decoded with upstream's error wording.
 */

export interface ContinueToken {
  /** Revision the first page was served at; -1 means "the latest" (an inconsistent continuation). */
  resourceVersion: number;
  /** First key of the next page, relative to the list's prefix. */
  start: string;
}

const tokenVersion = 'meta.k8s.io/v1';

export function encodeContinue(token: ContinueToken): string {
  const json = JSON.stringify({ v: tokenVersion, rv: token.resourceVersion, start: token.start });
  return Buffer.from(json, 'utf8').toString('base64url');
}

/** The start key that resumes right after `lastKey` (etcd's "key + \x00"). */
export function startAfter(lastKey: string): string {
  return `${lastKey}\u0000`;
}

function invalid(detail: string): never {
  throw badRequest(`invalid continue token: continue key is not valid: ${detail}`);
}

export function decodeContinue(value: string): ContinueToken {
  const bad = /[^A-Za-z0-9_-]/.exec(value);
  if (bad) invalid(`illegal base64 data at input byte ${bad.index}`);
  if (value.length % 4 === 1) invalid(`illegal base64 data at input byte ${value.length - 1}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch (err) {
    invalid((err as Error).message);
  }
  const token = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as {
    v?: unknown;
    rv?: unknown;
    start?: unknown;
  };
  if (token.v !== tokenVersion) {
    throw badRequest(
      `invalid continue token: continue key is not valid: server does not recognize this encoded version ${typeof token.v === 'string' ? token.v : JSON.stringify(token.v ?? '')}`,
    );
  }
  const rv = typeof token.rv === 'number' && Number.isSafeInteger(token.rv) ? token.rv : 0;
  if (rv === 0)
    throw badRequest(
      'invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    );
  const start = typeof token.start === 'string' ? token.start : '';
  if (start === '')
    throw badRequest(
      'invalid continue token: continue key is not valid: encoded start key empty (version meta.k8s.io/v1)',
    );
  // Upstream path-cleans the key so a token cannot range outside its list; a key that cleaning would change is refused.
  const segments = start.replace(/^\//, '').split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) invalid(start);
  return { resourceVersion: rv, start: start.replace(/^\//, '') };
}
