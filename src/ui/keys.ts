import type { Key } from 'ink';

export type KeyCommand =
  | { type: 'continue' }
  | { type: 'toggle-auto' }
  | { type: 'answer'; index: number }
  | { type: 'expand' }
  | { type: 'quit' }
  | { type: 'interrupt' }
  | { type: 'paste-done' }
  | { type: 'decline' }
  | { type: 'note' }
  | { type: 'confirm-action' }
  | { type: 'decline-action' };

/** What the screen offers right now; decides which keys the footer lists. */
export interface KeyContext {
  screen: 'walk' | 'end';
  waitingOn: 'check' | 'ask' | 'host' | 'action' | null;
  choices: number;
  auto: boolean;
  expandable: boolean;
  expanded: boolean;
  /** A note is being typed: keys are its text until enter or esc. */
  noting?: boolean;
  /** Manual node access: output has been pasted; every key edits it until it is sent or dropped. */
  pasting?: boolean;
}

export interface KeyBinding {
  command: KeyCommand['type'];
  /** Maps a key press to its command, or undefined when the press is not this binding's (some keys mean more than one thing). */
  match(input: string, key: Key, ctx?: KeyContext): KeyCommand | undefined;
  /** The footer's hint for this binding now, or null when it does nothing now. */
  hint(ctx: KeyContext): { keys: string; label: string } | null;
}

/** Every key the screen understands: the one place input handling and the footer read. */
export const keyBindings: readonly KeyBinding[] = [
  {
    command: 'continue',
    match: (_input, key) => (key.return ? { type: 'continue' } : undefined),
    hint: (ctx) => {
      if (ctx.screen === 'end') return { keys: '⏎', label: 'close' };
      return ctx.waitingOn === 'check' ? { keys: '⏎', label: 'run check' } : null;
    },
  },
  {
    command: 'answer',
    match: (input, key) => (!key.ctrl && !key.meta && /^[1-9]$/.test(input) ? { type: 'answer', index: Number(input) - 1 } : undefined),
    hint: (ctx) => (ctx.screen === 'walk' && ctx.waitingOn === 'ask' ? { keys: ctx.choices > 1 ? `1-${Math.min(ctx.choices, 9)}` : '1', label: 'answer' } : null),
  },
  {
    command: 'toggle-auto',
    match: (input, key) => (input === 'a' && !key.ctrl && !key.meta ? { type: 'toggle-auto' } : undefined),
    hint: (ctx) => (ctx.screen === 'walk' ? { keys: 'a', label: ctx.auto ? 'step mode' : 'auto mode' } : null),
  },
  {
    command: 'expand',
    match: (input, key) => (input === 'e' && !key.ctrl && !key.meta ? { type: 'expand' } : undefined),
    hint: (ctx) => (ctx.screen === 'walk' && ctx.expandable ? { keys: 'e', label: ctx.expanded ? 'collapse' : 'expand' } : null),
  },
  {
    command: 'confirm-action',
    match: (input, key, ctx) => (ctx?.waitingOn === 'action' && input === 'y' && !key.ctrl && !key.meta ? { type: 'confirm-action' } : undefined),
    hint: (ctx) => (ctx.screen === 'walk' && ctx.waitingOn === 'action' ? { keys: 'y', label: 'run it' } : null),
  },
  {
    // Before `note`: while an action waits, n means no.
    command: 'decline-action',
    match: (input, key, ctx) => (ctx?.waitingOn === 'action' && input === 'n' && !key.ctrl && !key.meta ? { type: 'decline-action' } : undefined),
    hint: (ctx) => (ctx.screen === 'walk' && ctx.waitingOn === 'action' ? { keys: 'n', label: 'don’t run' } : null),
  },
  {
    command: 'note',
    match: (input, key) => (input === 'n' && !key.ctrl && !key.meta ? { type: 'note' } : undefined),
    hint: (ctx) => (ctx.screen === 'walk' && ctx.waitingOn !== 'host' && ctx.waitingOn !== 'action' ? { keys: 'n', label: 'note' } : null),
  },
  {
    command: 'quit',
    match: (input, key) => (input === 'q' && !key.ctrl && !key.meta ? { type: 'quit' } : undefined),
    hint: (ctx) => ({ keys: 'q', label: ctx.screen === 'end' ? 'quit' : 'quit (transcript kept)' }),
  },
  {
    command: 'paste-done',
    // The line editor sends the paste; this entry is the footer's word for it.
    match: () => undefined,
    hint: (ctx) => (ctx.waitingOn === 'host' ? { keys: 'paste, ⏎', label: 'send output' } : null),
  },
  {
    command: 'decline',
    match: () => undefined,
    hint: (ctx) => (ctx.waitingOn === 'host' ? { keys: 'esc', label: 'not run' } : null),
  },
  {
    command: 'interrupt',
    // Ctrl-C arrives as input in raw mode: it ends the walk as interrupted, keeping the transcript.
    match: (input, key) => (input === 'c' && key.ctrl ? { type: 'interrupt' } : undefined),
    hint: () => null,
  },
];

export function commandFor(input: string, key: Key, ctx?: KeyContext): KeyCommand | undefined {
  for (const binding of keyBindings) {
    const command = binding.match(input, key, ctx);
    if (command) return command;
  }
  return undefined;
}

export function hintsFor(ctx: KeyContext): { keys: string; label: string }[] {
  if (ctx.noting) return [{ keys: '⏎', label: 'save note' }, { keys: 'esc', label: 'cancel' }];
  // While pasted output is being edited no key is a command: the footer lists only the editor's.
  if (ctx.pasting) return [{ keys: '⏎', label: 'send output' }, { keys: '⌫ ^U', label: 'edit' }, { keys: 'esc', label: 'drop the paste' }, { keys: '^C', label: 'quit' }];
  return keyBindings.flatMap((b) => b.hint(ctx) ?? []);
}
