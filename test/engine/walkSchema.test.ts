import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { walkJsonSchema, walkJsonSchemaDocument } from '../../src/engine/walkSchema.js';
import { repoRoot, runCli } from '../helpers/cli.js';

const transcript = () => join(mkdtempSync(join(tmpdir(), 'plumbline-schema-')), 't.jsonl');

describe('the published JSON Schema of --output json', () => {
  it('schemas/walk-output.schema.json is the one generated from the code (npm run walk-schema)', () => {
    const published = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'walk-output.schema.json'), 'utf8')) as unknown;
    expect(published).toEqual(walkJsonSchemaDocument());
  });

  it.each([
    ['a diagnosis', 'pod-pending-node-selector', 0, 'diagnosis'],
    ['an incomplete walk', 'nn-node-unreachable', 3, 'incomplete'],
  ])(
    'real headless output of %s fits it, and each check on the path carries its summary and evidence',
    async (_what, scenario, code, outcome) => {
      const r = await runCli(['drill', scenario, '-o', 'json', '--transcript', transcript()]);
      expect(r.exitCode).toBe(code);
      const out = walkJsonSchema.parse(JSON.parse(r.stdout));
      expect(out.outcome).toBe(outcome);
      const checks = out.path.filter((p) => p.check !== null);
      expect(checks.length).toBeGreaterThan(0);
      for (const p of checks) {
        expect(p.summary, p.step).toBeTypeOf('string');
        expect(p.summary?.length, p.step).toBeGreaterThan(0);
        expect(Array.isArray(p.evidence), p.step).toBe(true);
      }
    },
  );

  it('the first check of the default drill says what it saw, as the text output does', async () => {
    const r = await runCli(['drill', '-o', 'json', '--transcript', transcript()]);
    const out = walkJsonSchema.parse(JSON.parse(r.stdout));
    expect(out.path[0]).toMatchObject({
      step: 'pod-status',
      check: 'pod.status',
      outcome: 'unscheduled',
      summary: 'pod is Pending and not scheduled to any node (Unschedulable)',
      command: 'kubectl get pod web-0 -n shop -o wide',
    });
    expect(out.path[0]?.evidence?.length).toBeGreaterThan(0);
  });

  it('rejects an object that is not a walk (a field missing, one too many)', () => {
    expect(walkJsonSchema.safeParse({ runbook: 'x' }).success).toBe(false);
  });
});
