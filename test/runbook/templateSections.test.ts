import { describe, expect, it } from 'vitest';
import { render, renderLoose, sectionProblems, templateRefs } from '../../src/runbook/template.js';
import { podRunbookHeader, podStatusStep } from '../helpers/podStatusStep.js';
import { problems } from '../helpers/runbookProblems.js';

const logs =
  'kubectl logs {{inputs.pod}} -n {{inputs.namespace}}{{#facts.container}} -c {{facts.container}}{{/facts.container}} --previous';
const pv =
  "{{#facts.pv}}kubectl describe pv {{facts.pv}}{{/facts.pv}}{{^facts.pv}}kubectl get pvc x -o jsonpath='{.spec.volumeName}', then kubectl describe pv with that name{{/facts.pv}}";
const inputs = { pod: 'mysql-0', namespace: 'db' };

describe('a section shows its part only when its fact is known ({{#}}) or only when not ({{^}})', () => {
  it('drops an optional flag whose value was not read, and keeps it when it was', () => {
    expect(renderLoose(logs, { inputs, facts: {} })).toBe('kubectl logs mysql-0 -n db --previous');
    expect(renderLoose(logs, { inputs, facts: { container: '' } })).toBe('kubectl logs mysql-0 -n db --previous');
    expect(renderLoose(logs, { inputs, facts: { container: 'mysql' } })).toBe(
      'kubectl logs mysql-0 -n db -c mysql --previous',
    );
    // The strict renderer (a check's parameters, an action's command) treats a section the same way.
    expect(render(logs, { inputs, facts: {} })).toBe('kubectl logs mysql-0 -n db --previous');
  });

  it('says how to find a value that is not known, and uses it when it is', () => {
    expect(renderLoose(pv, { inputs, facts: { pv: 'pvc-123' } })).toBe('kubectl describe pv pvc-123');
    expect(renderLoose(pv, { inputs, facts: {} })).toBe(
      "kubectl get pvc x -o jsonpath='{.spec.volumeName}', then kubectl describe pv with that name",
    );
  });

  it('nests sections of different facts', () => {
    const t = '{{#facts.a}}a={{facts.a}}{{#facts.b}} b={{facts.b}}{{/facts.b}}{{/facts.a}}';
    expect(renderLoose(t, { inputs, facts: { a: '1', b: '2' } })).toBe('a=1 b=2');
    expect(renderLoose(t, { inputs, facts: { a: '1' } })).toBe('a=1');
    expect(renderLoose(t, { inputs, facts: { b: '2' } })).toBe('');
  });

  it('reports the tested fact and marks a ref inside its own # section as shown only when known', () => {
    expect(templateRefs(logs).filter((r) => r.scope === 'facts')).toEqual([
      { scope: 'facts', name: 'container', section: '#' },
      { scope: 'facts', name: 'container', guarded: true },
    ]);
    expect(templateRefs('{{#facts.a}}{{facts.b}}{{/facts.a}}').find((r) => r.name === 'b')?.guarded).toBeUndefined();
  });

  it('finds tags not closed, closed out of order, on an input, or a fact used where it is never known', () => {
    expect(sectionProblems(logs)).toEqual([]);
    expect(sectionProblems('{{#facts.a}} x')).toEqual(['{{#facts.a}} is never closed ({{/facts.a}})']);
    expect(sectionProblems('x {{/facts.a}}')).toEqual(['{{/facts.a}} closes no section']);
    expect(sectionProblems('{{#facts.a}}{{#facts.b}}{{/facts.a}}{{/facts.b}}')).toEqual([
      '{{/facts.a}} closes {{#facts.b}}: close the inner section first',
      '{{/facts.b}} closes {{#facts.a}}: close the inner section first',
    ]);
    expect(sectionProblems('{{#inputs.pod}}x{{/inputs.pod}}')[0]).toContain('a section tests a fact');
    expect(sectionProblems('{{^facts.pv}}kubectl describe pv {{facts.pv}}{{/facts.pv}}')).toEqual([
      '{{facts.pv}} inside {{^facts.pv}}, where it is never known',
    ]);
  });
});

const runbook = (
  fix: string,
) => `${podRunbookHeader}${podStatusStep({ 'crash-loop': 'crashing', error: '$incomplete' })}  crashing:
    type: diagnosis
    layer: pod
    title: The container crashes
    why: because
    chain: [it crashes]
    fix: ["${fix.replaceAll('"', '\\"')}"]
`;

describe('lint and sections', () => {
  it('takes a fact inside its own # section as proven, though no check on the way sets it', () => {
    // pod.status does not promise owner on crash-loop: bare, lint refuses it (factProof.test); in its section, it is fine.
    expect(problems(runbook('kubectl edit {{#facts.owner}}{{facts.owner}}{{/facts.owner}}'))).toEqual([]);
  });

  it('says where a section is broken, and a section on a fact no check sets', () => {
    expect(
      problems(runbook('kubectl logs x -n {{inputs.namespace}}{{#facts.container}} -c {{facts.container}}')),
    ).toEqual(['runbooks/x.yaml:38:11: step "crashing": {{#facts.container}} is never closed ({{/facts.container}})']);
    expect(problems(runbook('x{{#facts.nosuch}} y{{/facts.nosuch}}'))).toEqual([
      expect.stringContaining('{{facts.nosuch}} is set by no check in this runbook'),
    ]);
  });
});
