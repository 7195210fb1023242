import { describe, expect, it } from 'vitest';
import { parseLabelSelector } from '../../../src/kube/selectors/labels.js';
import { SelectorError } from '../../../src/kube/selectors/error.js';

const labels = { app: 'web', tier: 'frontend', shard: '3', empty: '' };

describe('label selectors', () => {
  it.each([
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app!=api', true],
    ['missing!=x', true],
    ['app in (api, web)', true],
    ['app in (api)', false],
    ['app notin (api)', true],
    ['missing notin (api)', true],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['app=web,tier=frontend', true],
    ['app=web,tier=backend', false],
    ['shard>2', true],
    ['shard<3', false],
    ['missing>1', false],
    ['empty=', true],
    ['empty in (,x)', true],
    ['  app = web , tier  ', true],
    ['example.com/role=x', false],
  ])('%j matches the labels: %s', (selector, expected) => {
    expect(parseLabelSelector(selector).matches(labels)).toBe(expected);
  });

  it.each([
    ['app in (api', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['app in api', "unable to parse requirement: found 'api' expected: '('"],
    ['app ~ web', "unable to parse requirement: found '~', expected: in, notin, =, ==, !=, gt, lt"],
    ['app=web tier', "found 'tier', expected: ',' or 'end of string'"],
    ['app=web,', "found '', expected: identifier after ','"],
    ['=web', "found '=', expected: !, identifier, or 'end of string'"],
    [
      'shard>x',
      "unable to parse requirement: values[0]: Invalid value: for 'Gt', 'Lt' operators, the value must be an integer",
    ],
    [
      '-app=web',
      "unable to parse requirement: key: Invalid value: \"-app\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
    ],
  ])('rejects %j: %s', (selector, message) => {
    let err: unknown;
    try {
      parseLabelSelector(selector);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SelectorError);
    expect((err as SelectorError).message).toBe(message);
  });
});
