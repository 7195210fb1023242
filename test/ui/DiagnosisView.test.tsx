import { describe, expect, it } from 'vitest';
import { DiagnosisView } from '../../src/ui/DiagnosisView.js';
import { renderUi } from '../helpers/render.js';
import { diagnosis } from './fixtures.js';

describe('DiagnosisView', () => {
  it('shows title, numbered causal chain, fix, verify and the transcript', () => {
    const r = renderUi(
      <DiagnosisView diagnosis={diagnosis} transcriptPath="/home/oncall/.plumbline/sessions/x.jsonl" width={80} />,
    );
    expect(r.frame()).toMatchInlineSnapshot(`
      "DIAGNOSIS unschedulable-node-selector · pod layer
      No node matches the pod's node selector (disktype=ssd)
      Causal chain
       1. The pod requires nodes labelled disktype=ssd.
       2. The scheduler found 3 of 4 nodes that do not match: 0/4 nodes are available:
          1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3
          node(s) didn't match Pod's node affinity/selector.
       3. So the pod is never bound to a node and stays Pending.
      Fix
       •  If a node should run it, label it: kubectl label node <node> disktype=ssd
       •  If the selector is wrong, correct it in the pod's controller
          (StatefulSet/web): kubectl -n shop edit StatefulSet/web
      Verify
       •  kubectl get nodes -l disktype=ssd  (at least one Ready node)
      Transcript: /home/oncall/.plumbline/sessions/x.jsonl"
    `);
  });

  it('leaves out a section with nothing in it', () => {
    const r = renderUi(<DiagnosisView diagnosis={{ ...diagnosis, verify: [] }} transcriptPath="t.jsonl" width={80} />);
    expect(r.frame()).not.toContain('Verify');
  });
});
