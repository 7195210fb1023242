#!/usr/bin/env node
// Regenerates schemas/walk-output.schema.json, the JSON Schema of
// `plumbline run|drill --output json`, from its zod schema (src/engine/walkSchema.ts).
// `node scripts/walk-schema.mjs --check` exits 1 when the file is out of date.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'schemas', 'walk-output.schema.json');
const bundled = await build({
  entryPoints: [join(root, 'src', 'engine', 'walkSchema.ts')],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'node',
  logLevel: 'warning',
});
const { walkJsonSchemaDocument } = await import(
  `data:text/javascript;base64,${Buffer.from(bundled.outputFiles[0].text).toString('base64')}`
);
const text = `${JSON.stringify(walkJsonSchemaDocument(), null, 2)}\n`;
let current = '';
try {
  current = readFileSync(out, 'utf8');
} catch {
  // Not written yet.
}
if (process.argv.includes('--check')) {
  if (current !== text) {
    process.stderr.write('schemas/walk-output.schema.json is out of date: run npm run walk-schema\n');
    process.exit(1);
  }
} else if (current !== text) {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
}
