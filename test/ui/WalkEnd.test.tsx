import { describe, expect, it } from 'vitest';
import { WalkEnd } from '../../src/ui/WalkEnd.js';
import type { WalkEndProps } from '../../src/ui/WalkEnd.js';
import { renderUi } from '../helpers/render.js';

describe('WalkEnd', () => {
  it.each<[WalkEndProps['end'], string]>([
    [{ outcome: 'no-finding', reason: 'finished' }, 'No diagnosis: every layer the runbook knows was checked'],
    [{ outcome: 'incomplete', reason: 'finished' }, 'The walk could not finish'],
    [{ outcome: 'incomplete', reason: 'finished', unseen: 2 }, 'some checks could not look'],
    // Every check looked: the walk stopped on an unanswered question (service-unreachable's "Not known"), not on a blind spot.
    [{ outcome: 'incomplete', reason: 'finished', unseen: 0 }, 'what it saw does not settle the cause'],
    [{ outcome: null, reason: 'interrupted' }, 'Interrupted before a diagnosis.'],
    [{ outcome: null, reason: 'crashed', error: 'boom' }, 'plumbline failed: boom'],
  ])('%o', (end, expected) => {
    const frame = renderUi(<WalkEnd end={end} transcriptPath="t.jsonl" />).frame();
    expect(frame).toContain(expected);
    expect(frame).toContain('Transcript: t.jsonl');
  });
});
