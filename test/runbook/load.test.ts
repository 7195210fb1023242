import { describe, expect, it } from 'vitest';
import { findCheck } from '../../src/checks/registry.js';
import { loadRunbookFile } from '../../src/runbook/load.js';
import { podRunbookHeader, podStatusStep } from '../helpers/podStatusStep.js';
import { problems } from '../helpers/runbookProblems.js';

const header = podRunbookHeader;

const done = `  done:
    type: diagnosis
    layer: pod
    title: Done
    why: because
    chain: [a]
    fix: [b]
`;

describe('runbook loader', () => {
  it('accepts a complete runbook', () => {
    expect(problems(`${header}${podStatusStep({}, 'done')}${done}`)).toEqual([]);
  });

  it('names file, line and column of invalid YAML', () => {
    expect(problems('id: x\ntitle: [unclosed\n')).toEqual([
      expect.stringMatching(/^runbooks\/x\.yaml:\d+:\d+: invalid YAML: /),
    ]);
    expect(problems('id: x\nsteps:\n  a: 1\n   b: 2\n')[0]).toMatch(/^runbooks\/x\.yaml:[34]:\d+: invalid YAML/);
  });

  it("reports an outcome without a next step at the step's next map", () => {
    const text = `${header}${podStatusStep({}, 'done', ['crash-loop'])}${done}`;
    // header: lines 1-7, "steps:" 8, the step 9-15 ("next:" at 15), its outcomes from 16
    expect(problems(text)).toEqual(['runbooks/x.yaml:15:5: step "pod-status": outcome "crash-loop" has no next step']);
  });

  it('reports an unknown check where it is named', () => {
    const text = `${header}${podStatusStep({}, 'done').replace('check: pod.status', 'check: pod.nonsense')}${done}`;
    expect(problems(text)).toEqual(['runbooks/x.yaml:13:5: step "pod-status": unknown check "pod.nonsense"']);
  });

  it('reports an outcome the check does not have, and a target that does not exist', () => {
    const text = `${header}${podStatusStep({ 'not-found': 'nowhere' }, 'done')}      exploded: done\n${done}`;
    expect(problems(text)).toEqual([
      'runbooks/x.yaml:16:7: step "pod-status": outcome "not-found" goes to unknown step "nowhere"',
      expect.stringMatching(/^runbooks\/x\.yaml:32:7: step "pod-status": check pod\.status has no outcome "exploded"/),
    ]);
  });

  it('reports schema errors: unknown fields, wrong types, missing fields', () => {
    const text = `${header}${podStatusStep({}, 'done').replace('    why: look at the pod\n', '    why: look at the pod\n    colour: red\n')}${done.replace('    title: Done\n', '')}`;
    expect(problems(text)).toEqual([
      'runbooks/x.yaml:13:5: step "pod-status": unknown field "colour"',
      'runbooks/x.yaml:33:3: step "done": "title" is required',
    ]);
    expect(problems(header.replace('title: X\n', '') + done)[0]).toBe('runbooks/x.yaml:1:1: "title" is required');
    expect(problems(`${header}${done.replace('layer: pod', 'layer: kernel')}`)[0]).toBe(
      'runbooks/x.yaml:11:5: step "done" layer: Invalid option: expected one of "pod"|"node"|"cluster"|"host"',
    );
  });

  it('reports unreachable steps, references to unknown inputs and facts, and a bad default', () => {
    const text = `${header}${podStatusStep({ running: 'ask', error: '$incomplete' }, 'done')}  ask:
    type: ask
    layer: pod
    why: ask the human
    question: "Is {{inputs.cluster}} fine on {{facts.nodeName}} and {{facts.bogus}}?"
    choices:
      yes: { label: Yes, next: done }
    default: maybe
  lonely:
    type: diagnosis
    layer: pod
    title: Nobody comes here
    why: because
    chain: [a]
    fix: [b]
${done}`;
    expect(problems(text)).toEqual([
      'runbooks/x.yaml:39:5: step "ask": default "maybe" is not one of its choices',
      'runbooks/x.yaml:36:5: step "ask": {{inputs.cluster}} is not a declared input',
      'runbooks/x.yaml:36:5: step "ask": {{facts.bogus}} is set by no check in this runbook',
      'runbooks/x.yaml:40:3: step "lonely" is unreachable',
    ]);
  });

  it('reports a loop with no way out as a dead end', () => {
    const text = `${header}${podStatusStep({ running: 'a', error: '$incomplete' }, 'done')}  a:
    type: ask
    layer: pod
    why: loop
    question: again?
    choices: { again: { label: Again, next: b } }
    default: again
  b:
    type: ask
    layer: pod
    why: loop
    question: again?
    choices: { again: { label: Again, next: a } }
    default: again
${done}`;
    expect(problems(text)).toEqual([
      'runbooks/x.yaml:32:3: step "a" is a dead end: no diagnosis or end is reachable from it',
      'runbooks/x.yaml:39:3: step "b" is a dead end: no diagnosis or end is reachable from it',
    ]);
  });

  it('names of JavaScript object machinery are refused at file:line:col, never crash, hang or vanish', () => {
    const ask = (dflt: string, choice = 'yes') => `  ask-it:
    type: ask
    layer: pod
    why: ask
    question: Well?
    choices:
      ${choice}: { label: Yes, next: done }
    default: ${dflt}
`;
    // default: constructor used to pass lint and hang the walk forever.
    expect(
      problems(`${header.replace('start: pod-status', 'start: ask-it')}${ask('constructor')}${done}`),
    ).toContainEqual(
      expect.stringMatching(/^runbooks\/x\.yaml:\d+:\d+: .*constructor and prototype name JavaScript object machinery/),
    );
    // constructor as a step target or start used to crash lint with a stack trace.
    expect(problems(`${header}${podStatusStep({ running: 'constructor' }, 'done')}${done}`)).toContainEqual(
      expect.stringMatching(/^runbooks\/x\.yaml:\d+:\d+: .*object machinery/),
    );
    expect(
      problems(`${header.replace('start: pod-status', 'start: prototype')}${podStatusStep({}, 'done')}${done}`),
    ).toContainEqual(expect.stringMatching(/^runbooks\/x\.yaml:7:\d+: .*object machinery/));
    // A step named __proto__ used to be dropped without a word.
    expect(
      problems(
        `${header}${podStatusStep({}, 'done')}${done}  __proto__:\n    type: diagnosis\n    layer: pod\n    title: P\n    why: w\n    chain: [a]\n    fix: [b]\n`,
      ),
    ).toEqual([
      expect.stringMatching(/^runbooks\/x\.yaml:\d+:3: "__proto__" cannot be a key: JavaScript objects reserve it$/),
    ]);
  });

  it('says when the file does not exist', async () => {
    await expect(loadRunbookFile('runbooks/none.yaml', findCheck)).rejects.toThrow(
      'runbooks/none.yaml:1:1: no such file',
    );
  });
});
