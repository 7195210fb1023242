/** The files plumbline reads that an editor can validate: runbooks, scenarios, files of shared declared checks and signature files. */
export const schemaKinds = ['runbook', 'scenario', 'check', 'signature'] as const;
export type SchemaKind = (typeof schemaKinds)[number];
