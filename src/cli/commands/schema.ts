import { jsonSchemaFor, schemaKinds } from '../jsonSchema.js';
import type { SchemaKind } from '../jsonSchema.js';
import { UsageError } from '../usageError.js';

/** `plumbline schema runbook|scenario|check|signature`: the JSON Schema an editor validates that kind of file with. */
export function schemaCommand(kind: string | undefined): number {
  if (!kind || !(schemaKinds as readonly string[]).includes(kind))
    throw new UsageError(`schema takes one of: ${schemaKinds.join(', ')}`);
  process.stdout.write(`${JSON.stringify(jsonSchemaFor(kind as SchemaKind), null, 2)}\n`);
  return 0;
}
