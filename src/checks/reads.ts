import { KubeError } from '../kube/errors.js';

/**
 * The object, or undefined when the API answers 404: for a check, an object
 * that is not there is an answer, not a failure. Only for core kinds every
 * server serves; see isMissingObject for the others.
 */
export async function ifExists<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (err instanceof KubeError && err.kind === 'not-found') return undefined;
    throw err;
  }
}
