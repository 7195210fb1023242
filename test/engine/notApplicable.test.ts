import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sessionFor } from '../../src/cli/headless.js';
import { parseCli } from '../../src/cli/program.js';
import { planDrill } from '../../src/cli/walk.js';
import { WalkLog } from '../../src/engine/account.js';
import type { SessionEvent } from '../../src/engine/events.js';
import { textLines } from '../../src/engine/textLog.js';

const dir = mkdtempSync(join(tmpdir(), 'plumbline-na-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a check with nothing to look at', () => {
  it('a Pending pod on no node: the sweep says its node and host checks do not apply, and they are not "could not see"', async () => {
    // A real case: the scheduler refused the pod, so it has no node for the sweep's node and host checks to look at.
    const plan = await planDrill(
      parseCli(['drill', 'real/rl-sched-service-affinity-origin', '--transcript', join(dir, 'a.jsonl')], {}),
    );
    const events: SessionEvent[] = [];
    try {
      const session = sessionFor(plan, { auto: true, answerDefaults: true });
      session.on((e) => events.push(e));
      session.start();
      const result = await session.done;
      const kubelet = events.find((e) => e.type === 'check.result' && e.check === 'host.kubelet-service');
      expect(kubelet && textLines(kubelet)[0]).toMatch(
        /^ {2}→ not applicable: host\.kubelet-service needs nodeName, and pod\.status found none {2}\(\d+ ms\)$/,
      );
      expect(result.outcome).toBe('unrecognised-evidence');
      expect(result.unseen.map((u) => u.check)).not.toContain('host.kubelet-service');
      expect(result.unseen.map((u) => u.check)).not.toContain('node.ready');
    } finally {
      await plan.cleanup();
    }
  });

  it('a fact is absent only when a check that finds it looked: after an error it is still unseen', () => {
    const declared = (check: string): string[] => (check === 'pod.status' ? ['nodeName', 'phase'] : []);
    const log = new WalkLog();
    const start = {
      type: 'check.start',
      step: 'pod-status',
      check: 'pod.status',
      params: {},
      command: 'kubectl get pod',
    } as const;
    log.track(start);
    log.track({
      type: 'check.result',
      step: 'pod-status',
      check: 'pod.status',
      outcome: 'error',
      summary: 'forbidden',
      evidence: [],
      facts: { errorKind: 'forbidden' },
      durationMs: 1,
      timedOut: false,
      verdict: 'error',
    } as unknown as SessionEvent);
    expect(log.foundAbsentBy('nodeName', declared)).toBeNull();
    log.track(start);
    log.track({
      type: 'check.result',
      step: 'pod-status',
      check: 'pod.status',
      outcome: 'unscheduled',
      summary: 'Pending',
      evidence: [],
      facts: {},
      durationMs: 1,
      timedOut: false,
      verdict: 'finding',
    } as unknown as SessionEvent);
    expect(log.foundAbsentBy('nodeName', declared)).toBe('pod.status');
    expect(log.foundAbsentBy('image', declared)).toBeNull();
  });
});
