/** The files plumbline reads that an editor can validate: runbooks, scenarios and files of shared declared checks. */
export const schemaKinds = ['runbook', 'scenario', 'check'] as const;
export type SchemaKind = (typeof schemaKinds)[number];
