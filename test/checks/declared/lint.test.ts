import { describe, expect, it } from 'vitest';
import { problems } from '../../helpers/runbookProblems.js';

/** A runbook with one declared check (indented under checks:) and one step using it. */
function runbook(check: string, next = '{ ok: $no-finding, bad: $no-finding, error: $incomplete }'): string {
  return `id: x
title: X
symptom: s
start: probe
checks:
  team.probe:
${check}
steps:
  probe:
    type: check
    layer: cluster
    why: w
    check: team.probe
    next: ${next}
`;
}

const kube = (rules: string, extra = '') => `    type: kube
    layer: cluster
    title: t
    why: w
    kube: { apiVersion: v1, kind: Service, namespace: shop, name: web${extra} }
    rules:
${rules}`;

const twoRules = `      - { outcome: bad, when: "!found" }
      - { outcome: ok }`;

describe('lint of declared checks', () => {
  it('a well-formed check and step lint clean', () => {
    expect(problems(runbook(kube(twoRules)))).toEqual([]);
  });

  it('CEL that does not parse, at the expression', () => {
    const out = problems(runbook(kube(`      - { outcome: bad, when: "found &&" }\n      - { outcome: ok }`)));
    expect(out).toEqual([
      'runbooks/x.yaml:13:25: check team.probe: rule 1 when: CEL "found &&": Unexpected token: EOF',
    ]);
  });

  it('CEL naming an unknown variable says which variables a check of its kind has', () => {
    const out = problems(runbook(kube(`      - { outcome: bad, when: "items.size() == 0" }\n      - { outcome: ok }`)));
    expect(out).toEqual([
      'runbooks/x.yaml:13:25: check team.probe: rule 1 when: CEL "items.size() == 0": Unknown variable: items (a kube-get check has: object, found, params, now)',
    ]);
  });

  it('an outcome no rule can produce, and the rule that can never decide', () => {
    const out = problems(runbook(kube(`      - { outcome: ok }\n      - { outcome: bad, when: "!found" }`)));
    expect(out).toEqual([
      'runbooks/x.yaml:14:9: check team.probe: rule 2 (bad) can never decide: rule 1 before it has no when, so it always applies',
      'runbooks/x.yaml:12:5: check team.probe: outcome "bad": no rule can produce it (every rule naming it comes after one that always applies)',
    ]);
  });

  it('a step branching on an outcome the rules do not have', () => {
    const out = problems(
      runbook(kube(twoRules), '{ ok: $no-finding, bad: $no-finding, gone: $no-finding, error: $incomplete }'),
    );
    expect(out).toEqual([
      'runbooks/x.yaml:21:48: step "probe": check team.probe has no outcome "gone" (it has: bad, ok, error)',
    ]);
  });

  it('unknown fields, at the field', () => {
    const out = problems(runbook(kube(twoRules).replace('    why: w\n', '    why: w\n    retries: 3\n')));
    expect(out).toEqual(['runbooks/x.yaml:11:5: checks.team.probe: unknown field "retries"']);
  });

  it('a selector that does not parse', () => {
    const out = problems(
      runbook(
        kube(`      - { outcome: bad, when: count == 0 }\n      - { outcome: ok }`).replace(
          'name: web }',
          'labelSelector: "app in (web" }',
        ),
      ),
    );
    expect(out).toEqual([
      `runbooks/x.yaml:11:61: check team.probe: labelSelector "app in (web" does not parse: unable to parse requirement: found '', expected: ',' or ')'`,
    ]);
  });

  it('a host argv with an empty element, and a placeholder that is not a parameter', () => {
    const host = `    type: host
    layer: host
    title: t
    why: w
    params: { node: { description: the node } }
    host: { node: "{{params.node}}", argv: [systemctl, "", "{{params.unit}}"] }
    rules:
      - { outcome: ok }`;
    const out = problems(
      runbook(host, '{ ok: $no-finding, error: $incomplete }')
        .replace('    check: team.probe\n', '    check: team.probe\n    with: { node: n1 }\n')
        .replace('layer: cluster\n    why: w\n    check', 'layer: host\n    why: w\n    check'),
    );
    expect(out).toEqual([
      'runbooks/x.yaml:12:56: check team.probe: argv element 2 is empty: each element is one argument (no shell splits them)',
      'runbooks/x.yaml:12:60: check team.probe: {{params.unit}} is not a declared parameter (params: node)',
    ]);
  });

  it('an http URL that is not http(s)', () => {
    const http = `    type: http
    layer: pod
    title: t
    why: w
    http: { url: "file:///etc/shadow" }
    rules:
      - { outcome: ok, when: status == 200 }
      - { outcome: bad }`;
    const out = problems(
      runbook(http).replace('layer: cluster\n    why: w\n    check', 'layer: pod\n    why: w\n    check'),
    );
    expect(out).toEqual([
      'runbooks/x.yaml:11:13: check team.probe: url "file:///etc/shadow" is not an http:// or https:// URL (the scheme must be written out, not a placeholder)',
    ]);
  });

  it('a summary naming a value nothing bound', () => {
    const out = problems(
      runbook(kube(`      - { outcome: bad, when: "!found", summary: "gone: {{reason}}" }\n      - { outcome: ok }`)),
    );
    expect(out).toEqual([
      'runbooks/x.yaml:13:41: check team.probe: {{reason}} is neither a value the check read nor bound by a let or fact here (it can show: object, found); bind it with let: { reason: <CEL> }',
    ]);
  });

  it('a declared check may not take a built-in id', () => {
    const text = runbook(kube(twoRules))
      .replace('  team.probe:\n', '  pod.status:\n')
      .replace('check: team.probe', 'check: pod.status');
    expect(problems(text)[0]).toBe(
      'runbooks/x.yaml:6:3: check pod.status is a built-in check; a declared check needs its own id (plumbline list checks shows the built-in ones)',
    );
  });
});
