import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import type { KeyContext } from '../../src/ui/keys.js';
import { commandFor, hintsFor } from '../../src/ui/keys.js';

const noKey: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

describe('commandFor', () => {
  it.each<[string, string, Partial<Key>, ReturnType<typeof commandFor>]>([
    ['Enter continues', '\r', { return: true }, { type: 'continue' }],
    ['a toggles auto/step', 'a', {}, { type: 'toggle-auto' }],
    ['1 answers the first choice', '1', {}, { type: 'answer', index: 0 }],
    ['9 answers the ninth', '9', {}, { type: 'answer', index: 8 }],
    ['0 is no choice', '0', {}, undefined],
    ['e expands', 'e', {}, { type: 'expand' }],
    ['q quits', 'q', {}, { type: 'quit' }],
    ['Ctrl-C interrupts', 'c', { ctrl: true }, { type: 'interrupt' }],
    ['c alone does nothing', 'c', {}, undefined],
    ['Ctrl-A is not a', 'a', { ctrl: true }, undefined],
  ])('%s', (_name, input, key, expected) => {
    expect(commandFor(input, { ...noKey, ...key })).toEqual(expected);
  });
});

describe('hintsFor', () => {
  const walk: KeyContext = { screen: 'walk', waitingOn: null, choices: 0, auto: false, expandable: false, expanded: false };
  const text = (ctx: KeyContext) => hintsFor(ctx).map((h) => `${h.keys} ${h.label}`).join(' · ');

  it.each<[string, Partial<KeyContext>, string]>([
    ['a check waits for Enter', { waitingOn: 'check' }, '⏎ run check · a auto mode · n note · q quit (transcript kept)'],
    ['a question waits for a number', { waitingOn: 'ask', choices: 2 }, '1-2 answer · a auto mode · n note · q quit (transcript kept)'],
    ['auto mode offers step mode', { auto: true }, 'a step mode · n note · q quit (transcript kept)'],
    ['long evidence can be expanded', { expandable: true }, 'a auto mode · e expand · n note · q quit (transcript kept)'],
    ['and collapsed again', { expandable: true, expanded: true }, 'a auto mode · e collapse · n note · q quit (transcript kept)'],
    ['the end of the walk closes', { screen: 'end' }, '⏎ close · q quit'],
  ])('%s', (_name, ctx, expected) => {
    expect(text({ ...walk, ...ctx })).toBe(expected);
  });
});
