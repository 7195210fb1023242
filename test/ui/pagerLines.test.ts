import { describe, expect, it } from 'vitest';
import { diagnosisDoc, endDoc } from '../../src/ui/walk/pagerLines.js';
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

  it('says first, in the error tone, that the signature catalog could not be read, as the text output does', () => {
    const why = 'signatures/x.yaml:3:5: signature "a" is also defined in signatures/y.yaml:1:5';
    const doc = diagnosisDoc(diagnosis, 't.jsonl', 60, why);
    const note = doc.lines.filter((l) => l.tone === 'error').map((l) => l.text);
    expect(note.join(' ')).toBe(
      'the signature catalog could not be read: signatures/x.yaml:3:5: signature "a" is also defined in signatures/y.yaml:1:5; known causes from it were not checked',
    );
    expect(doc.lines.findIndex((l) => l.tone === 'error')).toBeLessThan(
      doc.lines.findIndex((l) => l.text === 'Causal chain'),
    );
    expect(diagnosisDoc(diagnosis, 't.jsonl', 60).lines.some((l) => l.tone === 'error')).toBe(false);
  });

  it('keeps the outline of an incomplete ending: indents and dashes stay, wrapped lines hang under the item', () => {
    const doc = endDoc(
      {
        outcome: 'incomplete',
        reason: 'finished',
        lines: [
          '  seen:',
          "    - What does the node's Ready condition say?: not-ready: node worker-21 is NotReady: PLEG is not healthy: pleg was last seen active 10m18.040734348s ago; threshold is 3m0s",
          '  could not see:',
          '    - Is the kubelet service running? (host.kubelet-service: not run (not-collected))',
          '      to see it on worker-21: systemctl show kubelet -p LoadState,ActiveState,SubState,Result,NRestarts',
        ],
      },
      't.jsonl',
      60,
    );
    const text = doc.lines.map((l) => l.text);
    expect(text.slice(0, 5)).toEqual([
      '  seen:',
      "    - What does the node's Ready condition say?: not-ready:",
      '      node worker-21 is NotReady: PLEG is not healthy: pleg',
      '      was last seen active 10m18.040734348s ago; threshold',
      '      is 3m0s',
    ]);
    expect(text[5]).toBe('  could not see:');
    expect(text.slice(8, 10)).toEqual([
      '      to see it on worker-21: systemctl show kubelet -p',
      '      LoadState,ActiveState,SubState,Result,NRestarts',
    ]);
  });
});
