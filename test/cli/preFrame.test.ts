import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { homeTitle, preFrameLines } from '../../src/cli/preFrame.js';
import { loadScenarioFile } from '../../src/drill/scenario.js';
import { loadRunbook } from '../../src/cli/walk.js';
import type { FrameIndex } from '../../src/precompiled.js';
import { repoRoot } from '../helpers/cli.js';

const frame = {
  title: 'A pod will not start or keeps restarting',
  subtitle: 'pod web-0 in namespace shop is not starting · drill · auto mode',
  waiting: 'starting the drill cluster',
};

describe('the pre-frame (the first frame, written before Ink loads)', () => {
  it('is the header the walk will draw: title left, clock at the last column, then the page, mode and what it waits for', () => {
    const lines = preFrameLines(frame, 80, false);
    expect(lines).toEqual([
      `plumbline · A pod will not start or keeps restarting${' '.repeat(80 - 52 - 5)}00:00`,
      'pod web-0 in namespace shop is not starting · drill · auto mode',
      '⠋ starting the drill cluster…',
    ]);
  });

  it('never wraps: each line is cut to the terminal, with an ellipsis as Ink cuts its own', () => {
    const lines = preFrameLines(frame, 30, false);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(30);
    expect(lines[0]).toMatch(/^plumbline · A pod will ?…\s+00:00$/);
    expect(lines[1]).toMatch(/…$/);
  });

  it('has the tones of the header when color is on', () => {
    const [first] = preFrameLines(frame, 80, true);
    expect(first).toContain('\x1b[36m\x1b[1mplumbline\x1b[22m\x1b[39m');
    expect(first).toContain('\x1b[2m00:00\x1b[22m');
  });

  it("home's title is the home screen's first line", () => {
    expect(readFileSync(join(repoRoot, 'src/ui/Home.tsx'), 'utf8')).toContain(homeTitle);
  });

  it('takes its facts from the build: dist/frames.json says what the scenario and its runbook say', async () => {
    const index = JSON.parse(readFileSync(join(repoRoot, 'dist', 'frames.json'), 'utf8')) as FrameIndex;
    const entry = index.scenarios['scenarios/pod-pending-node-selector.yaml'];
    const { scenario } = await loadScenarioFile(join(repoRoot, 'scenarios', 'pod-pending-node-selector.yaml'));
    const runbook = await loadRunbook(scenario.runbook);
    expect(entry).toMatchObject({ page: scenario.page, runbook: scenario.runbook, runbookTitle: runbook.spec.title });
    expect(Object.keys(entry?.deps ?? {})).toEqual(
      expect.arrayContaining(['scenarios/pod-pending-node-selector.yaml', `runbooks/${scenario.runbook}.yaml`]),
    );
  });
});
