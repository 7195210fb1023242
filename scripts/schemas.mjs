#!/usr/bin/env node
// Writes schemas/<kind>.schema.json from the built CLI (`plumbline schema <kind>`): the JSON Schemas
// editors validate runbooks, scenarios and files of declared checks with, generated from the zod schemas.
// test/cli/jsonSchema.test.ts fails when they are out of date.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
mkdirSync(join(root, 'schemas'), { recursive: true });
for (const kind of ['runbook', 'scenario', 'check', 'signature']) {
  const text = execFileSync(process.execPath, [join(root, 'dist', 'cli.js'), 'schema', kind], { encoding: 'utf8' });
  writeFileSync(join(root, 'schemas', `${kind}.schema.json`), text);
  process.stdout.write(`schemas/${kind}.schema.json\n`);
}
