import { z } from 'zod';
import { checkFile } from '../checks/declared/schema.js';
import { scenarioSchema } from '../drill/scenarioSchema.js';
import { runbook } from '../runbook/schema.js';
import { signatureFileSchema } from '../signatures/schema.js';

import type { SchemaKind } from '../runbook/schemaKinds.js';

export { schemaKinds } from '../runbook/schemaKinds.js';
export type { SchemaKind } from '../runbook/schemaKinds.js';

const titles: Record<SchemaKind, string> = {
  runbook: 'plumbline runbook',
  scenario: 'plumbline drill scenario',
  check: 'plumbline file of declared checks',
  signature: 'plumbline signatures file',
};

/**
 * The JSON Schema of a kind of file, generated from the same zod schemas the
 * loader validates with, so an editor's completion and errors never drift from
 * what plumbline accepts. It describes the file as written (defaults optional).
 * The checks zod cannot say in JSON Schema (CEL, a fault's own parameters,
 * cross-references) are lint's.
 */
export function jsonSchemaFor(kind: SchemaKind): Record<string, unknown> {
  const schema =
    kind === 'runbook'
      ? runbook
      : kind === 'scenario'
        ? scenarioSchema
        : kind === 'signature'
          ? signatureFileSchema
          : checkFile;
  const generated = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Record<
    string,
    unknown
  >;
  return { ...generated, $id: `https://plumbline.dev/schemas/${kind}.schema.json`, title: titles[kind] };
}

/** The file a bundled YAML file's first line names: `# yaml-language-server: $schema=<relative path>`. */
export function schemaFileName(kind: SchemaKind): string {
  return `${kind}.schema.json`;
}
