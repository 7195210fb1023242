import type { Key } from 'ink';
import type { ListMove } from './list/selection.js';
import { listMoveFor } from './list/selection.js';

export type KeyCommand =
  | { type: 'continue' }
  | { type: 'toggle-auto' }
  | { type: 'answer'; index: number }
  | { type: 'open' }
  | { type: 'move'; move: ListMove }
  | { type: 'back' }
  | { type: 'filter' }
  | { type: 'help' }
  | { type: 'quit' }
  | { type: 'interrupt' }
  | { type: 'paste-done' }
  | { type: 'decline' }
  | { type: 'note' }
  | { type: 'confirm-action' }
  | { type: 'decline-action' }
  | { type: 'replay-pause' }
  | { type: 'replay-step'; delta: 1 | -1 }
  | { type: 'replay-speed'; factor: 2 | 0.5 };

/** What the screen shows right now; decides which keys work, which the footer lists and which `?` lists. */
export interface KeyContext {
  screen: 'walk' | 'end';
  /** main: history and the current step; pager: one step (or the diagnosis) in full; help: this list. */
  view: 'main' | 'pager' | 'help';
  waitingOn: 'check' | 'ask' | 'host' | 'action' | null;
  choices: number;
  auto: boolean;
  /** Finished steps in the history. */
  history: number;
  /** A history row is selected (↑/↓ moved onto it). */
  selected: boolean;
  /** There is something `e` opens: a finished step, or the diagnosis. */
  openable: boolean;
  /** A history filter is applied. */
  filtered: boolean;
  /** A note is being typed: keys are its text until enter or esc. */
  noting?: boolean;
  /** A filter is being typed: keys are its text until enter or esc. */
  filtering?: boolean;
  /** Manual node access: output has been pasted; every key edits it until it is sent or dropped. */
  pasting?: boolean;
  /** A `paste:` input asked for: every key is its text until it is sent. */
  pastingInput?: boolean;
  /** A replay: its own clock and keys, none that would act on a cluster. */
  replay?: { paused: boolean; speed: number };
}

export interface KeyBinding {
  command: KeyCommand['type'];
  /** The keys as the footer and the help show them. */
  keys: (ctx: KeyContext) => string;
  /** What the keys do now. */
  label: (ctx: KeyContext) => string;
  /** Whether the keys do anything now: only active bindings match, show in the footer and in `?`. */
  active: (ctx: KeyContext) => boolean;
  /** Maps a key press to its command, or undefined when the press is not this binding's. */
  match: (input: string, key: Key, ctx: KeyContext) => KeyCommand | undefined;
  /** Left out of the footer (still in `?`): the footer keeps to what a newcomer needs. */
  helpOnly?: boolean;
  /** Kept at the footer's right end, never cut by a narrow terminal. */
  pinned?: boolean;
}

const plain = (key: Key) => !key.ctrl && !key.meta;
const live = (ctx: KeyContext) => !ctx.replay;
const main = (ctx: KeyContext) => ctx.view === 'main';
const walking = (ctx: KeyContext) => ctx.screen === 'walk' && main(ctx);

/** Every key the walk screen understands: the one table input handling, the footer and the `?` help read. */
export const keyBindings: readonly KeyBinding[] = [
  {
    command: 'continue',
    keys: () => '⏎',
    label: () => 'run check',
    active: (ctx) => live(ctx) && walking(ctx) && ctx.waitingOn === 'check' && !ctx.selected,
    match: (_input, key) => (key.return ? { type: 'continue' } : undefined),
  },
  {
    command: 'replay-pause',
    keys: () => 'space',
    label: (ctx) => (ctx.replay?.paused ? 'play' : 'pause'),
    active: (ctx) => !!ctx.replay && ctx.screen === 'walk' && main(ctx),
    match: (input) => (input === ' ' ? { type: 'replay-pause' } : undefined),
  },
  {
    command: 'replay-step',
    keys: () => '←→',
    label: () => 'step back / on',
    active: (ctx) => !!ctx.replay && main(ctx),
    match: (_input, key) =>
      key.rightArrow
        ? { type: 'replay-step', delta: 1 }
        : key.leftArrow
          ? { type: 'replay-step', delta: -1 }
          : undefined,
  },
  {
    command: 'replay-speed',
    keys: () => '+/-',
    label: (ctx) => `speed (${ctx.replay?.speed ?? 1}×)`,
    active: (ctx) => !!ctx.replay && ctx.screen === 'walk' && main(ctx),
    match: (input) =>
      input === '+' || input === '='
        ? { type: 'replay-speed', factor: 2 }
        : input === '-'
          ? { type: 'replay-speed', factor: 0.5 }
          : undefined,
  },
  {
    command: 'answer',
    keys: (ctx) => (ctx.choices > 1 ? `1-${Math.min(ctx.choices, 9)}` : '1'),
    label: () => 'answer',
    active: (ctx) => live(ctx) && walking(ctx) && ctx.waitingOn === 'ask',
    match: (input, key) =>
      plain(key) && /^[1-9]$/.test(input) ? { type: 'answer', index: Number(input) - 1 } : undefined,
  },
  {
    command: 'confirm-action',
    keys: () => 'y',
    label: () => 'run it',
    active: (ctx) => live(ctx) && walking(ctx) && ctx.waitingOn === 'action',
    match: (input, key) => (input === 'y' && plain(key) ? { type: 'confirm-action' } : undefined),
  },
  {
    // Before `note`: while an action waits, n means no.
    command: 'decline-action',
    keys: () => 'n',
    label: () => 'don’t run',
    active: (ctx) => live(ctx) && walking(ctx) && ctx.waitingOn === 'action',
    match: (input, key) => (input === 'n' && plain(key) ? { type: 'decline-action' } : undefined),
  },
  {
    command: 'paste-done',
    // The line editor sends the paste; this entry is the footer's word for it.
    keys: () => 'paste, ⏎',
    label: () => 'send output',
    active: (ctx) => live(ctx) && ctx.waitingOn === 'host' && main(ctx),
    match: () => undefined,
  },
  {
    command: 'decline',
    keys: () => 'esc',
    label: () => 'not run',
    active: (ctx) => live(ctx) && ctx.waitingOn === 'host' && main(ctx),
    match: () => undefined,
  },
  {
    command: 'open',
    keys: (ctx) => (ctx.selected ? '⏎/e' : 'e'),
    label: (ctx) => (ctx.selected ? 'open step' : ctx.screen === 'end' ? 'read it all' : 'last step in full'),
    active: (ctx) => main(ctx) && ctx.openable,
    match: (input, key, ctx) =>
      (input === 'e' && plain(key)) || (key.return && ctx.selected) ? { type: 'open' } : undefined,
  },
  {
    command: 'move',
    keys: (ctx) => (ctx.view === 'pager' ? '↑↓ j/k' : '↑↓'),
    label: (ctx) => (ctx.view === 'pager' ? 'scroll' : 'steps'),
    active: (ctx) => (main(ctx) && ctx.history > 0) || ctx.view === 'pager',
    match: (input, key) => {
      const move = listMoveFor(input, key, true);
      return move && (move === 'up' || move === 'down') ? { type: 'move', move } : undefined;
    },
  },
  {
    command: 'move',
    keys: () => 'PgUp/PgDn Home/End',
    label: () => 'jump',
    active: (ctx) => (main(ctx) && ctx.history > 0) || ctx.view === 'pager',
    match: (input, key) => {
      const move = listMoveFor(input, key, false);
      return move && move !== 'up' && move !== 'down' ? { type: 'move', move } : undefined;
    },
    helpOnly: true,
  },
  {
    command: 'filter',
    keys: () => '/',
    label: () => 'filter steps',
    active: (ctx) => main(ctx) && ctx.history > 0,
    match: (input, key) => (input === '/' && plain(key) ? { type: 'filter' } : undefined),
    helpOnly: true,
  },
  {
    command: 'toggle-auto',
    keys: () => 'a',
    label: (ctx) => (ctx.auto ? 'step mode' : 'auto mode'),
    active: (ctx) => live(ctx) && walking(ctx),
    match: (input, key) => (input === 'a' && plain(key) ? { type: 'toggle-auto' } : undefined),
  },
  {
    command: 'note',
    keys: () => 'n',
    label: () => 'note',
    active: (ctx) => live(ctx) && walking(ctx) && ctx.waitingOn !== 'host' && ctx.waitingOn !== 'action',
    match: (input, key) => (input === 'n' && plain(key) ? { type: 'note' } : undefined),
    helpOnly: true,
  },
  {
    command: 'back',
    keys: () => 'esc',
    label: (ctx) =>
      ctx.view === 'pager'
        ? 'back'
        : ctx.view === 'help'
          ? 'close'
          : ctx.selected
            ? 'back to the current step'
            : 'clear the filter',
    active: (ctx) => ctx.view !== 'main' || ((ctx.selected || ctx.filtered) && ctx.waitingOn !== 'host'),
    match: (_input, key) => (key.escape ? { type: 'back' } : undefined),
  },
  {
    command: 'help',
    keys: () => '?',
    label: (ctx) => (ctx.view === 'help' ? 'close' : 'keys'),
    active: () => true,
    match: (input) => (input === '?' ? { type: 'help' } : undefined),
    pinned: true,
  },
  {
    command: 'quit',
    keys: () => 'q',
    label: (ctx) => (ctx.screen === 'end' || ctx.replay ? 'quit' : 'quit (transcript kept)'),
    active: () => true,
    match: (input, key) => (input === 'q' && plain(key) ? { type: 'quit' } : undefined),
    pinned: true,
  },
  {
    command: 'interrupt',
    // Ctrl-C arrives as input in raw mode: it ends the walk as interrupted, keeping the transcript.
    keys: () => 'ctrl-c',
    label: () => 'interrupt (transcript kept)',
    active: () => true,
    match: (input, key) => (input === 'c' && key.ctrl ? { type: 'interrupt' } : undefined),
    helpOnly: true,
  },
];

export function commandFor(input: string, key: Key, ctx: KeyContext): KeyCommand | undefined {
  for (const binding of keyBindings) {
    if (!binding.active(ctx)) continue;
    const command = binding.match(input, key, ctx);
    if (command) return command;
  }
  return undefined;
}

export interface KeyHint {
  keys: string;
  label: string;
  pinned?: boolean;
}

/** Keys typed text goes to: a note or a filter takes every key but these. */
function textHints(ctx: KeyContext): KeyHint[] | undefined {
  if (ctx.noting)
    return [
      { keys: '⏎', label: 'save note' },
      { keys: 'esc', label: 'cancel' },
    ];
  if (ctx.filtering)
    return [
      { keys: '⏎', label: 'keep filter' },
      { keys: 'esc', label: 'clear' },
    ];
  if (ctx.pastingInput)
    return [
      { keys: '⏎', label: 'send (empty: none given)' },
      { keys: '⌫ ^U', label: 'edit' },
      { keys: 'esc', label: 'none given' },
      { keys: '^C', label: 'quit' },
    ];
  // While pasted output is being edited no key is a command: the footer lists only the editor's.
  if (ctx.pasting)
    return [
      { keys: '⏎', label: 'send output' },
      { keys: '⌫ ^U', label: 'edit' },
      { keys: 'esc', label: 'drop the paste' },
      { keys: '^C', label: 'quit' },
    ];
  return undefined;
}

/** The footer: the active keys a newcomer needs, the pinned ones last. */
export function hintsFor(ctx: KeyContext): KeyHint[] {
  return (
    textHints(ctx) ??
    keyBindings
      .filter((b) => b.active(ctx) && !b.helpOnly)
      .map((b) => ({ keys: b.keys(ctx), label: b.label(ctx), ...(b.pinned ? { pinned: true } : {}) }))
  );
}

/** `?`: every key that works on the screen under the help, from the same table. */
export function helpFor(ctx: KeyContext): KeyHint[] {
  const under = { ...ctx, view: ctx.view === 'help' ? ('main' as const) : ctx.view };
  return (
    textHints(under) ??
    keyBindings
      .filter((b) => b.active(under) && b.command !== 'help')
      .map((b) => ({ keys: b.keys(under), label: b.label(under) }))
  );
}
