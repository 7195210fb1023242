import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import type { KeyContext } from '../../src/ui/keys.js';
import { commandFor, helpFor, hintsFor } from '../../src/ui/keys.js';
import { noKey } from '../helpers/keys.js';

const walk: KeyContext = {
  screen: 'walk',
  view: 'main',
  waitingOn: null,
  choices: 0,
  auto: false,
  history: 0,
  selected: false,
  openable: false,
  filtered: false,
};

describe('commandFor', () => {
  it.each<[string, string, Partial<Key>, Partial<KeyContext>, ReturnType<typeof commandFor>]>([
    ['Enter runs the waiting check', '\r', { return: true }, { waitingOn: 'check' }, { type: 'continue' }],
    [
      'Enter opens the selected step instead',
      '\r',
      { return: true },
      { waitingOn: 'check', selected: true, openable: true, history: 2 },
      { type: 'open' },
    ],
    ['a toggles auto/step', 'a', {}, {}, { type: 'toggle-auto' }],
    ['1 answers the first choice', '1', {}, { waitingOn: 'ask', choices: 2 }, { type: 'answer', index: 0 }],
    ['9 answers the ninth', '9', {}, { waitingOn: 'ask', choices: 9 }, { type: 'answer', index: 8 }],
    ['0 is no choice', '0', {}, { waitingOn: 'ask', choices: 2 }, undefined],
    ['a number does nothing when nothing is asked', '1', {}, {}, undefined],
    ['e opens the last step in full', 'e', {}, { openable: true }, { type: 'open' }],
    ['e does nothing before any step finished', 'e', {}, {}, undefined],
    ['k moves up the history', 'k', {}, { history: 2 }, { type: 'move', move: 'up' }],
    ['End jumps to the newest', '', { end: true }, { history: 2 }, { type: 'move', move: 'last' }],
    ['/ filters the history', '/', {}, { history: 2 }, { type: 'filter' }],
    ['? opens the keys', '?', {}, {}, { type: 'help' }],
    ['esc backs out of the pager', '', { escape: true }, { view: 'pager' }, { type: 'back' }],
    ['the pager has no live keys', 'a', {}, { view: 'pager' }, undefined],
    ['q quits', 'q', {}, {}, { type: 'quit' }],
    ['Ctrl-C interrupts', 'c', { ctrl: true }, {}, { type: 'interrupt' }],
    ['c alone does nothing', 'c', {}, {}, undefined],
    ['Ctrl-A is not a', 'a', { ctrl: true }, {}, undefined],
    ['a replay has no live keys: no auto toggle', 'a', {}, { replay: { paused: false, speed: 1 } }, undefined],
    ['a replay pauses on space', ' ', {}, { replay: { paused: false, speed: 1 } }, { type: 'replay-pause' }],
    [
      'a replay steps with →',
      '',
      { rightArrow: true },
      { replay: { paused: true, speed: 1 } },
      { type: 'replay-step', delta: 1 },
    ],
    [
      'a replay goes faster with +',
      '+',
      {},
      { replay: { paused: true, speed: 1 } },
      { type: 'replay-speed', factor: 2 },
    ],
  ])('%s', (_name, input, key, ctx, expected) => {
    expect(commandFor(input, { ...noKey, ...key }, { ...walk, ...ctx })).toEqual(expected);
  });
});

describe('hintsFor and helpFor', () => {
  const text = (hints: { keys: string; label: string }[]) => hints.map((h) => `${h.keys} ${h.label}`).join(' · ');

  it.each<[string, Partial<KeyContext>, string]>([
    [
      'a check waits for Enter',
      { waitingOn: 'check' },
      '⏎ run check · a auto mode · ? keys · q quit (transcript kept)',
    ],
    [
      'a question waits for a number',
      { waitingOn: 'ask', choices: 2 },
      '1-2 answer · a auto mode · ? keys · q quit (transcript kept)',
    ],
    ['auto mode offers step mode', { auto: true }, 'a step mode · ? keys · q quit (transcript kept)'],
    [
      'with history: open and move',
      { history: 2, openable: true, waitingOn: 'check' },
      '⏎ run check · e last step in full · ↑↓ steps · a auto mode · ? keys · q quit (transcript kept)',
    ],
    [
      'a selected step opens on Enter',
      { history: 2, openable: true, selected: true, waitingOn: 'check' },
      '⏎/e open step · ↑↓ steps · a auto mode · esc back to the current step · ? keys · q quit (transcript kept)',
    ],
    [
      'the pager scrolls and goes back',
      { view: 'pager', history: 2, openable: true },
      '↑↓ j/k scroll · esc back · ? keys · q quit (transcript kept)',
    ],
    [
      'the end keeps its keys until q',
      { screen: 'end', history: 3, openable: true },
      'e read it all · ↑↓ steps · ? keys · q quit',
    ],
    [
      'a replay: its own keys, none live',
      { replay: { paused: false, speed: 2 }, waitingOn: 'check' },
      'space pause · ←→ step back / on · +/- speed (2×) · ? keys · q quit',
    ],
    ['a note being typed', { noting: true }, '⏎ save note · esc cancel'],
  ])('footer: %s', (_name, ctx, expected) => {
    expect(text(hintsFor({ ...walk, ...ctx }))).toBe(expected);
  });

  it('? lists every key of the screen under it, the ones the footer leaves out too', () => {
    const help = text(helpFor({ ...walk, view: 'help', history: 2, openable: true, waitingOn: 'check' }));
    expect(help).toBe(
      '⏎ run check · e last step in full · ↑↓ steps · PgUp/PgDn Home/End jump · / filter steps · a auto mode · n note · q quit (transcript kept) · ctrl-c interrupt (transcript kept)',
    );
  });

  it('pins ? and q so a narrow footer never cuts them', () => {
    expect(
      hintsFor({ ...walk, waitingOn: 'check' })
        .filter((h) => h.pinned)
        .map((h) => h.keys),
    ).toEqual(['?', 'q']);
  });
});
