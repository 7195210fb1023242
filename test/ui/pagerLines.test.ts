import { describe, expect, it } from 'vitest';
import { diagnosisDoc } from '../../src/ui/walk/pagerLines.js';
import { diagnosis } from './fixtures.js';

describe('diagnosisDoc (the diagnosis read in full with e)', () => {
  it('marks each chain and fix item once; its wrapped lines hang under the text', () => {
    const doc = diagnosisDoc(diagnosis, 't.jsonl', 60);
    const text = doc.lines.map((l) => l.text);
    const chain = text.slice(text.indexOf('Causal chain') + 1, text.indexOf('Fix')).filter(Boolean);
    expect(chain.filter((l) => l.startsWith(' 2. '))).toHaveLength(1);
    expect(chain.length).toBeGreaterThan(diagnosis.chain.length);
    for (const l of chain) expect(l).toMatch(/^( \d\. | {4})\S/);
    const fix = text.slice(text.indexOf('Fix') + 1, text.indexOf('Verify')).filter(Boolean);
    expect(fix.filter((l) => l.startsWith(' •  '))).toHaveLength(diagnosis.fix.length);
    for (const l of fix.filter((l) => !l.startsWith(' •  '))) expect(l).toMatch(/^ {4}\S/);
  });
});
