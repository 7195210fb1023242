import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findCheck } from '../../src/checks/registry.js';
import { loadRunbookFile } from '../../src/runbook/load.js';
import { renderLoose } from '../../src/runbook/template.js';

// A title is shown with whatever facts the walk found, and in the guided drill's picker with none: its fallback
// words must still make a sentence. "The pod's claim the pod's claim is not bound" is what this catches.
const determiners = /\b(?:the|its|a|an)\s+(?:the|its|a|an)\b/i;
const nounThenDeterminer = /\b(?:Container|Volume|image|claim|API|Pod|Node|Service)\s+(?:the|its)\s/;

describe('diagnosis titles with no facts known', () => {
  const files = readdirSync('runbooks').filter((f) => f.endsWith('.yaml'));
  for (const file of files) {
    it(`read as sentences in ${file}`, async () => {
      const { spec } = await loadRunbookFile(`runbooks/${file}`, findCheck);
      const bad: string[] = [];
      for (const [id, step] of Object.entries(spec.steps)) {
        if (step.type !== 'diagnosis') continue;
        const title = renderLoose(step.title, { inputs: {}, facts: {} });
        if (determiners.test(title) || nounThenDeterminer.test(title)) bad.push(`${id}: ${title}`);
      }
      expect(bad).toEqual([]);
    });
  }
});
