import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { jsonSchemaFor, schemaKinds } from '../../src/cli/jsonSchema.js';
import type { SchemaKind } from '../../src/cli/jsonSchema.js';

const root = join(import.meta.dirname, '..', '..');

/** Every YAML file under a folder, raw/ (pasted output, not scenarios) left out. */
function yamlFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'raw' ? [] : yamlFiles(path);
    return e.name.endsWith('.yaml') ? [path] : [];
  });
}

const bundled = [...yamlFiles('runbooks'), ...yamlFiles('scenarios'), ...yamlFiles('examples')];
const modeline = /^# yaml-language-server: \$schema=(\S+)\n/;

describe('JSON Schemas for editors', () => {
  it.each(schemaKinds)('schemas/%s.schema.json is what plumbline schema prints now (npm run schemas)', (kind) => {
    const committed = readFileSync(join(root, 'schemas', `${kind}.schema.json`), 'utf8');
    expect(JSON.parse(committed)).toEqual(jsonSchemaFor(kind));
  });

  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validators = new Map(schemaKinds.map((k) => [k, ajv.compile(jsonSchemaFor(k))]));

  it.each(bundled)('%s names its schema in its first line and is valid against it', (file) => {
    const text = readFileSync(join(root, file), 'utf8');
    const named = modeline.exec(text)?.[1];
    expect(named, 'first line: # yaml-language-server: $schema=<relative path>').toBeDefined();
    const schemaFile = resolve(dirname(join(root, file)), named ?? '');
    expect(dirname(relative(root, schemaFile))).toBe('schemas');
    const kind = /([a-z]+)\.schema\.json$/.exec(schemaFile)?.[1] as SchemaKind;
    const validate = validators.get(kind);
    expect(validate).toBeDefined();
    const ok = validate?.(parse(text) as unknown);
    expect(ok ? [] : validate?.errors?.map((e) => `${e.instancePath} ${e.message ?? ''}`)).toEqual([]);
  });

  // Signature files carry no first-line schema (the catalog grows from many hands); each still validates against signature.schema.json.
  it.each(yamlFiles('signatures'))('%s is valid against the signature schema', (file) => {
    const validate = validators.get('signature');
    const ok = validate?.(parse(readFileSync(join(root, file), 'utf8')) as unknown);
    expect(ok ? [] : validate?.errors?.map((e) => `${e.instancePath} ${e.message ?? ''}`)).toEqual([]);
  });

  it('the signature schema takes one kind or a list of kinds, and no unknown kind', () => {
    const validate = validators.get('signature');
    const one = {
      id: 'disk-gone',
      title: "The node's disk went away",
      layer: 'host',
      signal: 'kernel',
      match: { contains: ['I/O error'] },
      why: 'The disk stopped.',
      fix: ['Replace it'],
      source: 'https://example.org/1',
      example: 'I/O error, dev sdb',
    };
    expect(validate?.({ signatures: [one] })).toBe(true);
    expect(validate?.({ signatures: [{ ...one, signal: ['kernel', 'journal'] }] })).toBe(true);
    expect(validate?.({ signatures: [{ ...one, signal: ['kernel', 'dmesg'] }] })).toBe(false);
    expect(validate?.({ signatures: [{ ...one, signal: [] }] })).toBe(false);
  });

  it('refuses what the loader refuses: an unknown step field, a check of an unknown type', () => {
    const runbook = validators.get('runbook');
    const base = {
      id: 'x',
      title: 't',
      symptom: 's',
      start: 'a',
      steps: { a: { type: 'diagnosis', layer: 'pod', why: 'w', title: 't', chain: ['c'], fix: ['f'] } },
    };
    expect(runbook?.(base)).toBe(true);
    expect(runbook?.({ ...base, steps: { a: { ...base.steps.a, retries: 3 } } })).toBe(false);
    const checks = validators.get('check');
    expect(
      checks?.({
        checks: { 'team.x': { type: 'sql', layer: 'pod', title: 't', why: 'w', rules: [{ outcome: 'ok' }] } },
      }),
    ).toBe(false);
  });
});
