import { createHash } from 'node:crypto';
import type { KubeObject } from '../types.js';

type OwnerReference = NonNullable<KubeObject['metadata']['ownerReferences']>[number] & { blockOwnerDeletion?: boolean };

const hexDigits = '0123456789abcdef';
/** Where each uid character comes from in the sha1 hex: -1 a dash, -4 the version, -8 the variant. */
const uidLayout = [
  0, 1, 2, 3, 4, 5, 6, 7, -1, 8, 9, 10, 11, -1, -4, 13, 14, 15, -1, -8, 17, 18, 19, -1, 20, 21, 22, 23, 24, 25, 26, 27,
  28, 29, 30, 31,
];

/**
 * Stable uids: the same scenario serves the same objects every time. Written
 * into one buffer so each uid is one flat string: 150,000 pods with uids
 * glued from slices hold five string pieces each.
 */
export function uidFor(...parts: string[]): string {
  return uidFromBytes(createHash('sha1').update(parts.join('/')).digest());
}

function uidFromBytes(d: Uint8Array): string {
  const out = Buffer.allocUnsafe(36);
  uidLayout.forEach((from, i) => {
    const code =
      from === -1
        ? 45
        : from === -4
          ? 52
          : from === -8
            ? 56
            : hexDigits.charCodeAt(((d[from >> 1] ?? 0) >> (from & 1 ? 0 : 4)) & 15);
    out[i] = code;
  });
  return out.toString('latin1');
}

/** murmur3's 32-bit finaliser: a bijection on 32-bit integers that scatters consecutive ones. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The n-th uid of a family seeded by one hash: one sha1 for the family instead
 * of one per object (150,000 filler pods). The first 32 bits are the seed's
 * xor a bijection of n, so no two members share a uid; the rest scatter too, so
 * neighbours do not look alike.
 */
export function seededUid(seed: string, n: number): string {
  let base = seedWords.get(seed);
  if (!base) {
    const d = createHash('sha1').update(seed).digest();
    base = [d.readUInt32BE(0), d.readUInt32BE(4), d.readUInt32BE(8), d.readUInt32BE(12)];
    seedWords.set(seed, base);
  }
  const [s0 = 0, s1 = 0, s2 = 0, s3 = 0] = base;
  // The 128 bits in uidLayout's places, word by word (no per-character lookup of the layout):
  // a Table of 150,000 filler pods makes every uid on each read.
  hexInto((s0 ^ fmix32(n)) >>> 0, 0, 0, 8);
  hexInto(s1, 9, 0, 4);
  hexInto(s1, 15, 5, 3);
  const w2 = (s2 ^ fmix32(n ^ 0x9e3779b9)) >>> 0;
  hexInto(w2, 20, 1, 3);
  hexInto(w2, 24, 4, 4);
  hexInto((s3 ^ fmix32(Math.imul(n, 0x27d4eb2f) >>> 0)) >>> 0, 28, 0, 8);
  // One flat string without a Buffer.
  return String.fromCharCode.apply(null, uidCodes);
}

/** Nibbles from..from+count-1 of `word` (counted from the top) as hex digits at uidCodes[at...]. */
function hexInto(word: number, at: number, from: number, count: number): void {
  for (let k = 0; k < count; k++) uidCodes[at + k] = hexCodes[(word >>> (28 - 4 * (from + k))) & 15] as number;
}

const hexCodes = Array.from(hexDigits, (c) => c.charCodeAt(0));

/** A uid's character codes; the dashes, version (4) and variant (8) never change. */
const uidCodes: number[] = uidLayout.map((from) => (from === -1 ? 45 : from === -4 ? 52 : from === -8 ? 56 : 48));

const seedWords = new Map<string, number[]>();

/** The uid of a generated object, from what identifies it; owners and their references agree on it. */
export function objectUid(kind: string, namespace: string | undefined, name: string): string {
  return uidFor(kind, namespace ?? '', name);
}

/**
 * The uid an event names its object by: the object's own, except that
 * kubelet's NodeRecorder names a Node by its name ("so it appears in kubectl
 * describe node", which searches for both); the controllers use the uid.
 */
export function involvedUid(kind: string, name: string, uid: string | undefined, source: unknown): string | undefined {
  return kind === 'Node' && source === 'kubelet' ? name : uid;
}

/** A Node's uid, so mirror pods can name their Node as owner. */
export function nodeUid(name: string): string {
  let uid = nodeUids.get(name);
  if (uid === undefined) {
    uid = objectUid('Node', undefined, name);
    nodeUids.set(name, uid);
  }
  return uid;
}

/** A node's uid is read by its object, its lease and its mirror pods: hashed once per name. */
const nodeUids = new Map<string, string>();

/** The alphabet of rand.SafeEncodeString: no vowels, no 0/1/3, so generated names spell no words. */
const safeAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** A pod-template-hash-like or generateName-like suffix, stable for its seed. */
export function safeSuffix(seed: string, length: number): string {
  const h = createHash('sha1').update(seed).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += safeAlphabet[(h[i] ?? 0) % safeAlphabet.length];
  return out;
}

/** The same alphabet over a string already hashed (a uid): no second hash for each of 150,000 pods. */
export function safeFromHex(hex: string, length: number): string {
  let out = '';
  for (let j = 0; j < length && j < hex.length; j++)
    out += safeAlphabet[(hex.charCodeAt(j) * 7 + j) % safeAlphabet.length];
  return out;
}

/**
 * `prefix` and 64 hex digits spun out of a uid (already a hash), as one flat
 * string: container ids look like runtime digests and are unique per uid and
 * index, without a second hash for each of 150,000 pods.
 */
export function hex64FromUid(prefix: string, uid: string, index: number): string {
  const out = Buffer.allocUnsafe(prefix.length + 64);
  out.write(prefix, 0, 'latin1');
  let j = 0;
  for (let i = 0; j < 64; i = (i + 1) % uid.length) {
    const c = uid.charCodeAt(i);
    if (c === 45) continue;
    const v = (c <= 57 ? c - 48 : c - 87) & 15;
    // The first 32 digits are the uid's own (unique); the rest a fixed permutation of them.
    out[prefix.length + j] = hexDigits.charCodeAt(j < 32 ? v ^ (index & 15) : (v * 7 + j + index) & 15);
    j++;
  }
  return out.toString('latin1');
}

/** A 64-hex digest (container ids, image digests, VolumeAttachment names). */
export function hex64(seed: string): string {
  return createHash('sha256').update(seed).digest('hex');
}

/** The reference a controller sets on what it creates: the owner's uid (as objectUid gives it), controller and blockOwnerDeletion. */
export function controllerRef(
  apiVersion: string,
  kind: string,
  namespace: string | undefined,
  name: string,
): OwnerReference {
  return { apiVersion, kind, name, uid: objectUid(kind, namespace, name), controller: true, blockOwnerDeletion: true };
}
