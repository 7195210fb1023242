import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer } from 'vitest/node';
import type { TestSpecification } from 'vitest/node';

/**
 * The files that take longest, slowest first (wall time in a full run, three workers, measured 2026-12-07 on CI
 * and in three runs here: package builds the single executable and installs the npm package; the walkedTexts
 * pair walks every bundled scenario and real case in process; fuzz parses ten thousand documents; the rest wait
 * on the built CLI, kubectl, tmux, simulated API latency or a check's own timeout). Vitest runs the longest files
 * first only from its cache of an earlier run; without one (a clean clone, CI) it goes by file size, and these
 * short files came last: a 20 s file that starts in the last 20 s is the run's tail.
 */
const slowFirst = [
  'test/package/package.test.ts',
  'test/runbook/walkedTexts.bundled.test.ts',
  'test/runbook/walkedTexts.real.test.ts',
  'test/fuzz/loaders.test.ts',
  'test/cli/buildAtomic.test.ts',
  'test/transcript/reportShape.test.ts',
  'test/cli/nodeAccessLive.test.ts',
  'test/training/random.test.ts',
  'test/cli/headless.test.ts',
  'test/cli/signals.test.ts',
  'test/cli/honesty.test.ts',
  'test/drill/scenario-api.test.ts',
  'test/cli/usage.test.ts',
  'test/drill/describe.test.ts',
  'test/runbook/inputFiles.test.ts',
  'test/transcript/secretExits.test.ts',
  'test/cli/scenarios.test.ts',
  'test/cli/firstProbe.test.ts',
  'test/cli/test-command.test.ts',
  'test/checks/service/probe.test.ts',
  'test/e2e/tmux.test.ts',
  'test/checks/node/testPod.test.ts',
  'test/cli/catalogUnreadable.test.ts',
  'test/transcript/privateFiles.test.ts',
  'test/nodeaccess/ssh.test.ts',
  'test/drill/apiserver/kubectl.test.ts',
  'test/transcript/rawOutput.test.ts',
  'test/transcript/redaction-e2e.test.ts',
  'test/signatures/heldOut5.test.ts',
  'test/signatures/heldOut6.test.ts',
  'test/transcript/fullDisk.test.ts',
  'test/drill/apiserver/kubectl-live.test.ts',
  'test/examples/teamRunbooks.test.ts',
  'test/signatures/heldOut4.test.ts',
  'test/e2e/tmuxHelper.test.ts',
  'test/engine/walkSchema.test.ts',
  'test/transcript/sigkill.test.ts',
];

/** Vitest's order, but files it has no past duration for start with the known slow ones. */
class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      if (this.ctx.cache.getTestSpecificationResult(spec)) return slowFirst.length;
      const i = slowFirst.indexOf(relative(spec.project.config.root, spec.moduleId));
      return i < 0 ? slowFirst.length : i;
    };
    // Projects stay in the order vitest gave them; within one, the slow files move to the front.
    const project = (spec: TestSpecification) => sorted.findIndex((s) => s.project === spec.project);
    return sorted
      .map((spec, i) => ({ spec, i, key: [project(spec), rank(spec)] as const }))
      .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.i - b.i)
      .map((x) => x.spec);
  }
}

/**
 * Files that change what a module sees when it is first imported (color.test forces
 * FORCE_COLOR and reloads ink): they get a fresh module graph. Every other file
 * shares one per worker (isolate: false), which spares re-importing zod, yaml,
 * xstate and the checks for each of 200+ files.
 */
const isolated = ['test/ui/color.test.tsx'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Most files wait on child processes (the built CLI, kubectl, tmux) and sockets, not on
    // this process's CPU: three at a time keep two cores busy. Vitest's default on two
    // cores is one file at a time.
    maxWorkers: 3,
    sequence: { sequencer: SlowFirstSequencer },
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: isolated,
          isolate: false,
        },
      },
      {
        extends: true,
        test: { name: 'isolated', include: isolated },
      },
    ],
  },
});
