import type { Key } from 'ink';

/** Keys for prediction and check choices, in order: digits, then letters the drill does not use for anything else (a, d, e, h, n, q). */
export const predictionKeys = '123456789bcfgijklmoprstuvwxyz';

export type DrillScreenState = 'choose' | 'predict' | 'ask' | 'action' | 'running' | 'pick' | 'debrief' | 'done';

export type DrillCommand =
  | { type: 'predict'; index: number }
  | { type: 'choose'; index: number }
  | { type: 'layer'; delta: 1 | -1 }
  | { type: 'page'; delta: 1 | -1 }
  | { type: 'declare' }
  | { type: 'answer'; index: number }
  | { type: 'hint' }
  | { type: 'confirm-action' }
  | { type: 'decline-action' }
  | { type: 'quit' }
  | { type: 'interrupt' }
  | { type: 'close' };

export interface DrillKeyContext {
  state: DrillScreenState;
  choices: number;
  hintsLeft: number;
}

interface DrillBinding {
  match(input: string, key: Key, ctx: DrillKeyContext): DrillCommand | undefined;
  hint(ctx: DrillKeyContext): { keys: string; label: string } | null;
}

const plainKey = (key: Key) => !key.ctrl && !key.meta;

/** The drill screen's keys, outside the diagnosis picker (where keys are the search text): one table for input and footer. */
export const drillBindings: readonly DrillBinding[] = [
  {
    match: (input, key, ctx) => {
      if (ctx.state !== 'choose' || !plainKey(key)) return undefined;
      const index = predictionKeys.indexOf(input);
      return input.length === 1 && index >= 0 && index < ctx.choices ? { type: 'choose', index } : undefined;
    },
    hint: (ctx) => (ctx.state === 'choose' && ctx.choices > 0 ? { keys: ctx.choices > 1 ? `${predictionKeys[0]}-${predictionKeys[Math.min(ctx.choices, predictionKeys.length) - 1]}` : '1', label: 'run check' } : null),
  },
  {
    match: (_input, key, ctx) => (ctx.state === 'choose' && (key.leftArrow || key.rightArrow) ? { type: 'layer', delta: key.leftArrow ? -1 : 1 } : undefined),
    hint: (ctx) => (ctx.state === 'choose' ? { keys: '←→', label: 'layer' } : null),
  },
  {
    match: (_input, key, ctx) => (ctx.state === 'choose' && (key.upArrow || key.downArrow) ? { type: 'page', delta: key.upArrow ? -1 : 1 } : undefined),
    hint: () => null,
  },
  {
    match: (input, key, ctx) => (ctx.state === 'choose' && input === 'd' && plainKey(key) ? { type: 'declare' } : undefined),
    hint: (ctx) => (ctx.state === 'choose' ? { keys: 'd', label: 'name the root cause' } : null),
  },
  {
    match: (input, key, ctx) => {
      if (ctx.state !== 'predict' || !plainKey(key)) return undefined;
      const index = predictionKeys.indexOf(input);
      return input.length === 1 && index >= 0 && index < ctx.choices ? { type: 'predict', index } : undefined;
    },
    hint: (ctx) => (ctx.state === 'predict' ? { keys: ctx.choices > 1 ? `${predictionKeys[0]}-${predictionKeys[Math.min(ctx.choices, predictionKeys.length) - 1]}` : '1', label: 'predict' } : null),
  },
  {
    match: (input, key, ctx) => (ctx.state === 'ask' && plainKey(key) && /^[1-9]$/.test(input) ? { type: 'answer', index: Number(input) - 1 } : undefined),
    hint: (ctx) => (ctx.state === 'ask' ? { keys: ctx.choices > 1 ? `1-${Math.min(ctx.choices, 9)}` : '1', label: 'answer' } : null),
  },
  {
    match: (input, key, ctx) => (ctx.state === 'action' && input === 'y' && plainKey(key) ? { type: 'confirm-action' } : undefined),
    hint: (ctx) => (ctx.state === 'action' ? { keys: 'y', label: 'run it' } : null),
  },
  {
    match: (input, key, ctx) => (ctx.state === 'action' && input === 'n' && plainKey(key) ? { type: 'decline-action' } : undefined),
    hint: (ctx) => (ctx.state === 'action' ? { keys: 'n', label: 'don’t run' } : null),
  },
  {
    match: (input, key, ctx) => (input === 'h' && plainKey(key) && ctx.state !== 'debrief' && ctx.state !== 'done' ? { type: 'hint' } : undefined),
    hint: (ctx) => (ctx.state !== 'debrief' && ctx.state !== 'done' && ctx.state !== 'pick' && ctx.hintsLeft > 0 ? { keys: 'h', label: `hint (${ctx.hintsLeft} left, −50 each)` } : null),
  },
  {
    match: (_input, key, ctx) => (ctx.state === 'debrief' && key.return ? { type: 'close' } : undefined),
    hint: (ctx) => (ctx.state === 'debrief' ? { keys: '⏎', label: 'close' } : null),
  },
  {
    match: (input, key) => (input === 'q' && plainKey(key) ? { type: 'quit' } : undefined),
    hint: (ctx) => (ctx.state === 'pick' ? null : { keys: 'q', label: ctx.state === 'debrief' ? 'quit' : 'quit (transcript kept)' }),
  },
  {
    match: (input, key) => (input === 'c' && key.ctrl ? { type: 'interrupt' } : undefined),
    hint: () => null,
  },
];

export function drillCommandFor(input: string, key: Key, ctx: DrillKeyContext): DrillCommand | undefined {
  for (const b of drillBindings) {
    const command = b.match(input, key, ctx);
    if (command) return command;
  }
  return undefined;
}

export function drillHints(ctx: DrillKeyContext): { keys: string; label: string }[] {
  if (ctx.state === 'pick') return [{ keys: 'type', label: 'filter' }, { keys: '↑↓', label: 'choose' }, { keys: '⏎', label: 'this is the root cause' }, { keys: 'esc', label: 'give up, show the answer' }];
  return drillBindings.flatMap((b) => b.hint(ctx) ?? []);
}
