/** Reading the loosely typed JSON of KubeObjects without trusting its shape. */
import type { Json } from '../../../apiserver/json.js';
export type { Json };

export const asRecord = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
export const asList = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
