import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findCheck } from '../../src/checks/registry.js';
import { errorDecidedEdges, restsOnError } from '../../src/runbook/honesty.js';
import { loadRunbookFile, loadRunbookText } from '../../src/runbook/load.js';
import type { RunbookSpec } from '../../src/runbook/schema.js';
import { podRunbookHeader, podStatusStep } from '../helpers/podStatusStep.js';
import { problems } from '../helpers/runbookProblems.js';

const header = podRunbookHeader;

// Lines 9-15 are the step up to "next:"; its outcomes start on line 16, error is the last (line 31).
const podStatus = (error: string, crash = 'crashing') => podStatusStep({ 'crash-loop': crash, error });

const diagnosis = (id: string, extra = '') => `  ${id}:
    type: diagnosis
    layer: pod
    title: The container crashes
    why: because
    chain: [a]
    fix: [b]
${extra}`;

const refusal = (step: string, d: string, via = '') =>
  `step "${step}": outcome "error" leads to diagnosis "${d}"${via}, which would rest on a check that could not look. ` +
  'Send it to $incomplete (the walk then says what it could not see and how to see it), or to a check that can look another way; ' +
  'only a diagnosis about the failure to see itself declares restsOn: error';

describe('a diagnosis never rests on a check that could not look', () => {
  it('lint refuses an error outcome that leads to a diagnosis, at the edge', () => {
    expect(problems(`${header}${podStatus('crashing')}${diagnosis('crashing')}`)).toEqual([
      `runbooks/x.yaml:31:7: ${refusal('pod-status', 'crashing')}`,
    ]);
  });

  it('sees through a question answered by its default and an action that did not run', () => {
    const text = `${header}${podStatus('ask')}  ask:
    type: ask
    layer: pod
    why: nobody knows
    question: Restart it?
    choices:
      yes: { label: Yes, next: restart }
      no: { label: No, next: $incomplete }
    default: yes
  restart:
    type: action
    layer: pod
    title: Restart
    why: it may help
    kube: { op: delete-pod, namespace: "{{inputs.namespace}}", name: "{{inputs.pod}}" }
    next: { done: crashing, declined: crashing, failed: $incomplete }
${diagnosis('crashing')}`;
    expect(problems(text)).toEqual([
      `runbooks/x.yaml:31:7: ${refusal('pod-status', 'crashing', ' (through ask, restart)')}`,
    ]);
  });

  it('accepts $incomplete, a diagnosis about the failure to see, and a step that only gathers facts', () => {
    expect(problems(`${header}${podStatus('$incomplete')}${diagnosis('crashing')}`)).toEqual([]);
    expect(
      problems(
        `${header}${podStatus('forbidden', 'crashing')}${diagnosis('crashing')}${diagnosis('forbidden', '    restsOn: error\n')}`,
      ),
    ).toEqual([]);
    const gathers = `${header}${podStatus('$incomplete', 'owner')}  owner:
    type: check
    layer: pod
    why: the fix names the controller
    check: pod.owner
    with: { namespace: "{{inputs.namespace}}", name: "{{inputs.pod}}" }
    next:
${findCheck('pod.owner')
  ?.outcomes.map((o) => `      ${o}: ${o === 'not-found' ? '$incomplete' : 'crashing'}\n`)
  .join('')}      error: crashing
${diagnosis('crashing')}`;
    expect(problems(gathers)).toEqual([]);
  });

  it('holds for every bundled runbook, included runbooks inlined', async () => {
    for (const file of readdirSync('runbooks').filter((f) => f.endsWith('.yaml'))) {
      const { spec } = await loadRunbookFile(`runbooks/${file}`, findCheck);
      expect(errorDecidedEdges(spec, findCheck), file).toEqual([]);
    }
  });

  it('the engine finds the deciding step of a walk: errors decide, defaults and unrun actions do not', () => {
    const spec = loadRunbookText(
      'runbooks/x.yaml',
      `${header}${podStatus('$incomplete')}${diagnosis('crashing')}`,
      findCheck,
    ).spec;
    const withAsk: RunbookSpec = {
      ...spec,
      steps: {
        ...spec.steps,
        ask: {
          type: 'ask',
          layer: 'pod',
          why: 'w',
          question: 'q',
          choices: { a: { label: 'A', next: 'crashing' } },
          default: 'a',
        },
      },
    };
    const error = { step: 'pod-status', check: 'pod.status', outcome: 'error' };
    expect(restsOnError(spec, 'crashing', [error], findCheck)).toEqual(error);
    expect(
      restsOnError(
        withAsk,
        'crashing',
        [error, { step: 'ask', check: null, outcome: 'a', answeredBy: 'default' }],
        findCheck,
      ),
    ).toEqual(error);
    // A person's answer is evidence.
    expect(
      restsOnError(
        withAsk,
        'crashing',
        [error, { step: 'ask', check: null, outcome: 'a', answeredBy: 'user' }],
        findCheck,
      ),
    ).toBeNull();
    expect(
      restsOnError(spec, 'crashing', [{ step: 'pod-status', check: 'pod.status', outcome: 'crash-loop' }], findCheck),
    ).toBeNull();
  });
});

describe('text shown to a person never carries a placeholder', () => {
  it('says an unknown value in words: its fallback, else "(name not known)"', async () => {
    const { renderLoose, render, templateRefs } = await import('../../src/runbook/template.js');
    const scope = { inputs: { pod: 'web-0' }, facts: {} };
    expect(renderLoose('kubectl label node {{facts.nodeName}} x=y', scope)).toBe(
      'kubectl label node (nodeName not known) x=y',
    );
    expect(renderLoose('on {{facts.nodeName | "the pod\'s node"}}, pod {{inputs.pod}}', scope)).toBe(
      "on the pod's node, pod web-0",
    );
    expect(render('{{facts.nodeName | "any node"}}', scope)).toBe('any node');
    expect(templateRefs('{{facts.nodeName | "x"}}')).toEqual([{ scope: 'facts', name: 'nodeName', fallback: 'x' }]);
  });
});
