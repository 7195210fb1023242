import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCheck } from '../../src/checks/registry.js';
import { loadRunbookFile } from '../../src/runbook/load.js';
import { checksOn, shortestCheckPath } from '../../src/training/shortestPath.js';
import { repoRoot } from '../helpers/cli.js';

describe('shortestCheckPath on the bundled runbooks', () => {
  it('finds the two checks from the pod to a node-selector diagnosis', async () => {
    const { spec } = await loadRunbookFile(join(repoRoot, 'runbooks/workload-down.yaml'), findCheck);
    const path = shortestCheckPath(spec, 'unschedulable-node-selector');
    expect(path?.map((p) => p.step)).toEqual(['pod-status', 'pod-scheduling', 'unschedulable-node-selector']);
    expect(checksOn(path!)).toBe(2);
    expect(path?.[0]?.check).toBe('pod.status');
  });

  it('reaches every diagnosis of every bundled runbook, ending on it', async () => {
    for (const file of ['workload-down.yaml', 'node-not-ready.yaml']) {
      const { spec } = await loadRunbookFile(join(repoRoot, 'runbooks', file), findCheck);
      const diagnoses = Object.entries(spec.steps)
        .filter(([, s]) => s.type === 'diagnosis')
        .map(([id]) => id);
      expect(diagnoses.length).toBeGreaterThan(3);
      for (const id of diagnoses) {
        const path = shortestCheckPath(spec, id);
        expect(path, `${file}: ${id}`).not.toBeNull();
        expect(path?.at(-1)?.step).toBe(id);
        expect(path?.[0]?.step).toBe(spec.start);
      }
    }
  });

  it('does not count on the API failing: error branches only when nothing else gets there', async () => {
    const { spec } = await loadRunbookFile(join(repoRoot, 'runbooks/node-not-ready.yaml'), findCheck);
    const path = shortestCheckPath(spec, 'kubelet-config-missing')!;
    // node-ready's `error` leads to a question that skips the node layer; a working API goes through it.
    expect(path.map((p) => p.step)).not.toContain('ask-api');
    // Since a node with no Node object goes to its kubelet's log, that is the shortest way to a kubelet that cannot start.
    expect(path.map((p) => p.step).slice(0, 2)).toEqual(['node-ready', 'unregistered-kubelet']);
    expect(path.at(-1)?.step).toBe('kubelet-config-missing');
  });

  it('is null for a step that is not a diagnosis', async () => {
    const { spec } = await loadRunbookFile(join(repoRoot, 'runbooks/workload-down.yaml'), findCheck);
    expect(shortestCheckPath(spec, 'pod-status')).toBeNull();
    expect(shortestCheckPath(spec, 'no-such-step')).toBeNull();
  });
});
