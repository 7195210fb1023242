import { z } from 'zod';
import { layers } from '../checks/types.js';
import type { WalkJson } from './report.js';

/**
 * The `--output json` object (DESIGN.md, "Command line") as a zod schema: the
 * contract a bot or an alert enricher reads. schemas/walk-output.schema.json is
 * generated from it (npm run walk-schema) and a test keeps the two equal and
 * checks real headless output against it.
 */
const evidence = z
  .strictObject({ label: z.string(), value: z.string() })
  .describe('A line, field or number that decided the outcome.');

const pathEntry = z
  .strictObject({
    step: z.string().describe('The runbook step id.'),
    check: z.string().nullable().describe('The check it ran (null for a question or an action).'),
    outcome: z.string().describe("The check's outcome, the answer chosen, or the action's result."),
    phase: z.enum(['top-down', 'bottom-up']),
    durationMs: z.number().describe('How long the check ran (0 for a question).'),
    answeredBy: z
      .enum(['user', 'default', 'pasted', 'scenario'])
      .optional()
      .describe('A question: who answered it (default: nobody did; the declared default was taken).'),
    title: z.string().optional().describe("The step's title (its question)."),
    summary: z.string().optional().describe("The check's one-line summary of what it saw."),
    evidence: z.array(evidence).optional().describe('What decided the outcome, literally.'),
    command: z.string().optional().describe('The command that shows a person the same thing.'),
    notApplicable: z
      .literal(true)
      .optional()
      .describe(
        'The check had nothing to look at (a fact it needs was found absent, or the node lacks what it reads): no verdict, not a blind spot.',
      ),
  })
  .describe('One step taken, in order.');

const unseen = z
  .strictObject({
    step: z.string(),
    title: z.string(),
    check: z.string(),
    summary: z.string().describe('Why it could not look.'),
    errorKind: z.string().nullable().describe('unreachable, forbidden, timeout, not-collected ...'),
    command: z.string().describe('The command that shows the same thing.'),
    node: z.string().nullable().describe('The node to run it on, for a host check.'),
  })
  .describe('A check that could not look; a diagnosis never rests on one.');

export const walkJsonSchema = z
  .strictObject({
    runbook: z.string(),
    mode: z.enum(['live', 'drill']),
    scenario: z.string().nullable().describe('The drill scenario, null live.'),
    outcome: z.enum(['diagnosis', 'no-finding', 'incomplete', 'unrecognised-evidence']),
    diagnosis: z
      .strictObject({
        id: z.string(),
        title: z.string(),
        layer: z.enum(layers),
        chain: z.array(z.string()).describe('From the root cause to the symptom, with the evidence for each link.'),
        fix: z.array(z.string()).describe('Commands, with values computed for this case.'),
        verify: z.array(z.string()).describe('What to check after the fix.'),
        signature: z
          .strictObject({
            id: z.string(),
            source: z.string().describe('Where the signature was learned.'),
            replaced: z
              .string()
              .nullable()
              .describe("The runbook's generic ending it overrode, or null when the walk had found nothing."),
            evidence: z
              .array(z.strictObject({ source: z.string(), line: z.string() }))
              .describe('The lines it matched.'),
          })
          .optional()
          .describe('Set when a signature of the catalog decided the diagnosis instead of a generic ending.'),
      })
      .nullable(),
    path: z.array(pathEntry),
    unseen: z.array(unseen),
    seen: z
      .array(
        z.strictObject({
          step: z.string(),
          title: z.string(),
          check: z.string(),
          outcome: z.string(),
          summary: z.string(),
        }),
      )
      .describe('Findings an incomplete or finding-less walk still saw.'),
    unconfirmed: z
      .strictObject({ id: z.string(), title: z.string(), restsOn: z.string() })
      .nullable()
      .describe('A diagnosis the walk reached but could not stand on (the outcome is then incomplete).'),
    defaultsUsed: z
      .array(z.strictObject({ step: z.string(), choice: z.string(), label: z.string() }))
      .describe('Questions a headless walk answered with their declared default.'),
    anomalies: z
      .array(z.strictObject({ layer: z.enum(layers), source: z.string(), line: z.string(), severity: z.number() }))
      .describe('unrecognised-evidence: what the walk saw that nothing explains, worst first.'),
    lookNext: z.array(z.string()).describe('unrecognised-evidence or incomplete with candidates: where to look next.'),
    candidates: z
      .array(
        z.strictObject({
          id: z.string(),
          title: z.string(),
          layer: z.enum(layers),
          source: z.string().describe('Where the signature was learned.'),
          evidence: z.array(z.strictObject({ source: z.string(), line: z.string() })).describe('The lines it matched.'),
        }),
      )
      .describe(
        'incomplete: signatures the lines the walk saw matched. They may explain the symptom, but are not confirmed: what the walk could not see may show another cause. Never the diagnosis.',
      ),
    catalogError: z
      .string()
      .nullable()
      .describe(
        'Why the signature catalog could not be read (file:line:col: problem) when the walk needed it: the known causes in it were not checked. Null otherwise.',
      ),
    transcript: z.string().nullable().describe('The session transcript (JSONL).'),
    api: z.strictObject({ requests: z.number(), bytes: z.number() }).describe('What the walk cost the API server.'),
  })
  .describe('plumbline run|drill --output json: how a walk ended, the path it took and what it saw.');

/** The JSON Schema published in schemas/walk-output.schema.json. */
export function walkJsonSchemaDocument(): Record<string, unknown> {
  const doc = z.toJSONSchema(walkJsonSchema, { target: 'draft-2020-12' });
  return { $schema: doc.$schema, title: 'plumbline walk output', ...doc };
}

// The schema and the type the code writes must agree: a field added to one and not the other fails to compile.
type Described = z.infer<typeof walkJsonSchema>;
type Written = WalkJson & { api: { requests: number; bytes: number } };
export const agreesBothWays: [Written extends Described ? true : false, Described extends Written ? true : false] = [
  true,
  true,
];
