import { badRequest } from './status.js';

/** Query parameters decoded as the apiserver's ParameterCodec decodes them, with its error wording. */

export function parseInteger(name: string, value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  if (!/^[+-]?\d+$/.test(value)) throw badRequest(`${name}: strconv.ParseInt: parsing "${value}": invalid syntax`);
  return Number(value);
}

/**
 * A boolean query parameter as runtime.Convert_Slice_string_To_bool reads
 * it: absent is false, `0` and any-case `false` are false, anything else
 * (even `?watch` with no value) is true.
 */
export function isTrue(value: string | null): boolean {
  return value !== null && value !== '0' && value.toLowerCase() !== 'false';
}
