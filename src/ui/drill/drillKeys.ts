import type { Key } from 'ink';
import type { ListMove } from '../list/selection.js';
import type { DrillScreenState } from './drillScreenState.js';

export type { DrillScreenState } from './drillScreenState.js';

/** Keys for prediction and check choices, in order: digits, then letters the drill does not use for anything else (a, d, e, h, n, q). */
export const predictionKeys = '123456789bcfgijklmoprstuvwxyz';

export type DrillCommand =
  | { type: 'predict'; index: number }
  | { type: 'choose'; index: number }
  | { type: 'layer'; delta: 1 | -1 }
  | { type: 'select'; move: ListMove }
  | { type: 'run-selected' }
  | { type: 'declare' }
  | { type: 'answer'; index: number }
  | { type: 'hint' }
  | { type: 'confirm-action' }
  | { type: 'decline-action' }
  | { type: 'quit' }
  | { type: 'interrupt' }
  | { type: 'close' }
  | { type: 'open' }
  | { type: 'move'; move: ListMove }
  | { type: 'back' }
  | { type: 'help' };

export interface DrillKeyContext {
  state: DrillScreenState;
  choices: number;
  hintsLeft: number;
  /** main: the drill; pager: a step in full; help: the keys. */
  view?: 'main' | 'pager' | 'help';
  /** Finished steps listed above the current one. */
  history?: number;
  /** A history row is selected. */
  selected?: boolean;
  /** There is a finished step `e` opens. */
  openable?: boolean;
}

interface DrillBinding {
  match(input: string, key: Key, ctx: DrillKeyContext): DrillCommand | undefined;
  hint(ctx: DrillKeyContext): { keys: string; label: string } | null;
}

const plainKey = (key: Key) => !key.ctrl && !key.meta;

const main = (ctx: DrillKeyContext) => (ctx.view ?? 'main') === 'main';
// j/k are prediction keys here: the history moves with the arrows only.
const browsable = (ctx: DrillKeyContext) => ctx.state !== 'choose' && ctx.state !== 'pick';

/** The drill screen's keys, outside the diagnosis picker (where keys are the search text): one table for input, footer and `?`. */
export const drillBindings: readonly DrillBinding[] = [
  {
    match: (input, key, ctx) =>
      !main(ctx)
        ? undefined
        : ((input === 'e' && plainKey(key)) || (key.return && ctx.selected)) && ctx.openable && ctx.state !== 'pick'
          ? { type: 'open' }
          : undefined,
    hint: (ctx) =>
      main(ctx) && ctx.openable && ctx.state !== 'pick'
        ? { keys: ctx.selected ? '⏎/e' : 'e', label: ctx.selected ? 'open step' : 'last step in full' }
        : null,
  },
  {
    match: (_input, key, ctx) => {
      if (ctx.view === 'pager')
        return key.upArrow
          ? { type: 'move', move: 'up' }
          : key.downArrow
            ? { type: 'move', move: 'down' }
            : key.pageUp
              ? { type: 'move', move: 'page-up' }
              : key.pageDown
                ? { type: 'move', move: 'page-down' }
                : key.home
                  ? { type: 'move', move: 'first' }
                  : key.end
                    ? { type: 'move', move: 'last' }
                    : undefined;
      if (!main(ctx) || !browsable(ctx) || !ctx.history) return undefined;
      return key.upArrow ? { type: 'move', move: 'up' } : key.downArrow ? { type: 'move', move: 'down' } : undefined;
    },
    hint: (ctx) =>
      ctx.view === 'pager'
        ? { keys: '↑↓ PgUp/PgDn', label: 'scroll' }
        : main(ctx) && browsable(ctx) && ctx.history
          ? { keys: '↑↓', label: 'steps' }
          : null,
  },
  {
    match: (_input, key, ctx) => (key.escape && (!main(ctx) || ctx.selected) ? { type: 'back' } : undefined),
    hint: (ctx) =>
      !main(ctx)
        ? { keys: 'esc', label: ctx.view === 'help' ? 'close' : 'back' }
        : ctx.selected
          ? { keys: 'esc', label: 'back to the current step' }
          : null,
  },
  {
    match: (input, _key, ctx) => (input === '?' && ctx.state !== 'pick' ? { type: 'help' } : undefined),
    hint: (ctx) => (ctx.state === 'pick' ? null : { keys: '?', label: ctx.view === 'help' ? 'close' : 'keys' }),
  },
  {
    match: (input, key, ctx) => {
      if (ctx.state !== 'choose' || !plainKey(key)) return undefined;
      const index = predictionKeys.indexOf(input);
      return input.length === 1 && index >= 0 && index < ctx.choices ? { type: 'choose', index } : undefined;
    },
    hint: (ctx) =>
      ctx.state === 'choose' && ctx.choices > 0
        ? {
            keys:
              ctx.choices > 1
                ? `${predictionKeys[0]}-${predictionKeys[Math.min(ctx.choices, predictionKeys.length) - 1]}`
                : '1',
            label: 'run check',
          }
        : null,
  },
  {
    match: (_input, key, ctx) =>
      ctx.state === 'choose' && (key.leftArrow || key.rightArrow)
        ? { type: 'layer', delta: key.leftArrow ? -1 : 1 }
        : undefined,
    hint: (ctx) => (ctx.state === 'choose' ? { keys: '←→', label: 'layer' } : null),
  },
  {
    // The free list: the arrows and pages select (j/k are check keys here), ⏎ runs the one selected.
    match: (_input, key, ctx) => {
      if (ctx.state !== 'choose' || !main(ctx)) return undefined;
      const move: ListMove | undefined = key.upArrow
        ? 'up'
        : key.downArrow
          ? 'down'
          : key.pageUp
            ? 'page-up'
            : key.pageDown
              ? 'page-down'
              : key.home
                ? 'first'
                : key.end
                  ? 'last'
                  : undefined;
      return move ? { type: 'select', move } : key.return ? { type: 'run-selected' } : undefined;
    },
    hint: (ctx) => (ctx.state === 'choose' && ctx.choices > 0 ? { keys: '↑↓ ⏎', label: 'select, run' } : null),
  },
  {
    match: (input, key, ctx) =>
      ctx.state === 'choose' && input === 'd' && plainKey(key) ? { type: 'declare' } : undefined,
    hint: (ctx) => (ctx.state === 'choose' ? { keys: 'd', label: 'name the root cause' } : null),
  },
  {
    match: (input, key, ctx) => {
      if (ctx.state !== 'predict' || !plainKey(key)) return undefined;
      const index = predictionKeys.indexOf(input);
      return input.length === 1 && index >= 0 && index < ctx.choices ? { type: 'predict', index } : undefined;
    },
    hint: (ctx) =>
      ctx.state === 'predict'
        ? {
            keys:
              ctx.choices > 1
                ? `${predictionKeys[0]}-${predictionKeys[Math.min(ctx.choices, predictionKeys.length) - 1]}`
                : '1',
            label: 'predict',
          }
        : null,
  },
  {
    match: (input, key, ctx) =>
      ctx.state === 'ask' && plainKey(key) && /^[1-9]$/.test(input)
        ? { type: 'answer', index: Number(input) - 1 }
        : undefined,
    hint: (ctx) =>
      ctx.state === 'ask' ? { keys: ctx.choices > 1 ? `1-${Math.min(ctx.choices, 9)}` : '1', label: 'answer' } : null,
  },
  {
    match: (input, key, ctx) =>
      ctx.state === 'action' && input === 'y' && plainKey(key) ? { type: 'confirm-action' } : undefined,
    hint: (ctx) => (ctx.state === 'action' ? { keys: 'y', label: 'run it' } : null),
  },
  {
    match: (input, key, ctx) =>
      ctx.state === 'action' && input === 'n' && plainKey(key) ? { type: 'decline-action' } : undefined,
    hint: (ctx) => (ctx.state === 'action' ? { keys: 'n', label: 'don’t run' } : null),
  },
  {
    match: (input, key, ctx) =>
      input === 'h' && plainKey(key) && ctx.state !== 'debrief' && ctx.state !== 'done' ? { type: 'hint' } : undefined,
    hint: (ctx) =>
      ctx.state !== 'debrief' && ctx.state !== 'done' && ctx.state !== 'pick' && ctx.hintsLeft > 0
        ? { keys: 'h', label: `hint (${ctx.hintsLeft} left, −50 each)` }
        : null,
  },
  {
    match: (_input, key, ctx) => (ctx.state === 'debrief' && key.return ? { type: 'close' } : undefined),
    hint: (ctx) => (ctx.state === 'debrief' ? { keys: '⏎', label: 'close' } : null),
  },
  {
    match: (input, key) => (input === 'q' && plainKey(key) ? { type: 'quit' } : undefined),
    hint: (ctx) =>
      ctx.state === 'pick' ? null : { keys: 'q', label: ctx.state === 'debrief' ? 'quit' : 'quit (transcript kept)' },
  },
  {
    match: (input, key) => (input === 'c' && key.ctrl ? { type: 'interrupt' } : undefined),
    hint: () => null,
  },
];

/** Over a pager or the help, only these keys work: the drill's own wait under it. */
const viewCommands = new Set<DrillCommand['type']>(['move', 'back', 'help', 'quit', 'interrupt']);

export function drillCommandFor(input: string, key: Key, ctx: DrillKeyContext): DrillCommand | undefined {
  for (const b of drillBindings) {
    const command = b.match(input, key, ctx);
    if (command && (main(ctx) || viewCommands.has(command.type))) return command;
  }
  return undefined;
}

export function drillHints(ctx: DrillKeyContext): { keys: string; label: string }[] {
  if (ctx.state === 'pick')
    return [
      { keys: 'type', label: 'filter' },
      { keys: '↑↓', label: 'choose' },
      { keys: '⏎', label: 'this is the root cause' },
      { keys: 'esc', label: 'give up' },
    ];
  if (!main(ctx))
    return drillBindings
      .flatMap((b) => b.hint(ctx) ?? [])
      .filter((h) => ['esc', '?', 'q'].includes(h.keys) || h.label === 'scroll');
  return drillBindings.flatMap((b) => b.hint(ctx) ?? []);
}
