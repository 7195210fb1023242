import { z } from 'zod';
import { layers } from '../checks/types.js';
import { unsafeRegex } from './pattern.js';

/**
 * What a signature reads: the signal kinds it is matched against.
 * kernel and journal both read host command output (dmesg, journalctl -k,
 * the journals of kubelet, containerd, k3s ...): the difference is for the reader.
 */
export const signatureSignals = [
  'event',
  'status',
  'termination',
  'condition',
  'log',
  'kernel',
  'journal',
  'api',
  'arch',
] as const;
export type SignatureSignal = (typeof signatureSignals)[number];

/** Lint's word for a signal that is not a kind, or a list holding one: which, and what is allowed. */
function unknownKinds(input: unknown): string {
  const known = signatureSignals as readonly unknown[];
  const wrong = (Array.isArray(input) ? input : [input]).filter((k) => !known.includes(k));
  return `${wrong.map((k) => JSON.stringify(k)).join(', ') || 'that'} is not a signal kind: one of ${signatureSignals.join(', ')}, or a list of them`;
}

const regex = z
  .string()
  .min(3)
  .superRefine((s, ctx) => {
    const why = unsafeRegex(s);
    if (why) ctx.addIssue({ code: 'custom', message: `regex ${why}` });
  });

export const matchSchema = z
  .strictObject({
    /** The Event's or status's reason, exactly (FailedMount, Evicted, OOMKilled). */
    reason: z.string().min(1).optional(),
    /** A bounded regular expression over the line, case-insensitive. */
    regex: regex.optional(),
    /** Substrings that must all occur, in this order, case-insensitive (linear: prefer it). */
    contains: z.array(z.string().min(1)).min(1).optional(),
    /** A terminated container's exit code. */
    exitCode: z.number().int().optional(),
  })
  .refine(
    (m) => m.regex !== undefined || m.contains !== undefined || m.reason !== undefined || m.exitCode !== undefined,
    {
      message: 'match needs at least one of reason, regex, contains, exitCode',
    },
  );

export const signatureSchema = z.strictObject({
  /** Unique across the catalog: lowercase words joined by dashes. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{2,80}$/, 'lowercase letters, digits and dashes'),
  /** The cause, as the diagnosis title says it. */
  title: z.string().min(8),
  layer: z.enum(layers),
  /**
   * The kind of signal it reads, or several: a runtime's error is in its journal
   * and, copied by the kubelet, in the pod's Events and waiting message.
   */
  signal: z.union([z.enum(signatureSignals), z.array(z.enum(signatureSignals)).min(1)], {
    error: (iss) => unknownKinds(iss.input),
  }),
  match: matchSchema,
  /** One line: why this signal means this cause. */
  why: z.string().min(8),
  fix: z.array(z.string().min(4)).min(1),
  /** The public page or issue it was learned from. */
  source: z.url({ protocol: /^https?$/ }),
  /** A verbatim line (or lines) from that source which the pattern matches; a test holds every entry to it. */
  example: z.string().min(4),
  /**
   * A line known to be harmless (CoreDNS's loop-detection probe timing out):
   * it names no cause and is not listed as an anomaly nothing explains.
   */
  benign: z.boolean().default(false),
  /** Which signature wins when several match (higher first); default 50. A specific cause beats a general one. */
  priority: z.number().int().min(1).max(100).default(50),
});

export const signatureFileSchema = z.strictObject({
  signatures: z.array(signatureSchema).min(1),
});

export type Signature = z.infer<typeof signatureSchema>;
