import { timingSafeEqual } from 'node:crypto';

/** Paths the apiserver's system:public-info-viewer role opens to anonymous requests. */
const publicPaths = new Set(['/healthz', '/livez', '/readyz', '/version', '/version/']);

export type AuthResult = 'authenticated' | 'anonymous' | 'rejected';

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Bearer-token authentication as kube-apiserver applies it: a wrong token is
 * rejected everywhere (authentication runs before authorization), no token is
 * anonymous, and anonymous may only read the public health and version paths.
 */
export function authenticate(authorization: string | undefined, expectedToken: string): AuthResult {
  if (authorization === undefined || authorization === '') return 'anonymous';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!m?.[1]) return 'rejected';
  return sameToken(m[1], expectedToken) ? 'authenticated' : 'rejected';
}

export function anonymousAllowed(path: string): boolean {
  return publicPaths.has(path);
}
