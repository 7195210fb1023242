import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { editorKey, editorPaste, emptyEditor } from '../../src/ui/lineEditor.js';
import type { EditorMode, EditorState } from '../../src/ui/lineEditor.js';
import { noKey as none } from '../helpers/keys.js';

const k = (over: Partial<Key> = {}): Key => ({ ...none, ...over });
const output: EditorMode = { multiline: true, idleKeysAreCommands: true };
const note: EditorMode = { multiline: false, idleKeysAreCommands: false };

/** Feeds events in order; returns the last state and every effect that was not `none`. */
function feed(mode: EditorMode, events: ({ paste: string } | [string, Partial<Key>?])[]) {
  let state: EditorState = emptyEditor;
  const effects: unknown[] = [];
  for (const e of events) {
    const step = 'paste' in e ? editorPaste(state, e.paste, mode) : editorKey(state, e[0], k(e[1]), mode);
    state = step.state;
    if (step.effect.type !== 'none')
      effects.push(step.effect.type === 'command' ? { type: 'command', input: step.effect.input } : step.effect);
  }
  return { state, effects };
}

describe('the line editor behind pasted output and notes', () => {
  it('keys typed before a paste are commands, never text', () => {
    const r = feed(output, [['e'], ['q'], ['', { return: true }]]);
    expect(r.state.text).toBe('');
    expect(r.effects).toEqual([
      { type: 'command', input: 'e' },
      { type: 'command', input: 'q' },
      { type: 'command', input: '' },
    ]);
  });

  it('a bracketed paste then Enter sends it; stray keys after it are text that Backspace and Ctrl-U remove', () => {
    const r = feed(output, [
      { paste: 'a=1\r\nb=2\r\n' },
      ['q'],
      ['e'],
      ['', { backspace: true }],
      ['', { backspace: true }],
      ['x'],
      ['y'],
      ['u', { ctrl: true }],
      ['', { return: true }],
    ]);
    expect(r.effects).toEqual([{ type: 'submit', text: 'a=1\nb=2\n' }]);
  });

  it('Ctrl-U on an empty line removes the line above; Esc drops a paste, a second Esc declines', () => {
    expect(feed(output, [{ paste: 'a\nb\n' }, ['u', { ctrl: true }]]).state.text).toBe('a\n');
    expect(feed(output, [{ paste: 'a\n' }, ['', { escape: true }]])).toEqual({ state: emptyEditor, effects: [] });
    expect(feed(output, [{ paste: 'a\n' }, ['', { escape: true }], ['', { escape: true }]]).effects).toEqual([
      { type: 'cancel' },
    ]);
  });

  it('a paste without a final newline is sent by Enter with one; a typed line needs Enter on an empty line', () => {
    expect(feed(output, [{ paste: 'only line' }, ['', { return: true }]]).effects).toEqual([
      { type: 'submit', text: 'only line\n' },
    ]);
    const typed = feed(output, [{ paste: 'a\n' }, ['b'], ['', { return: true }]]);
    expect(typed.effects).toEqual([]);
    expect(typed.state.text).toBe('a\nb\n');
  });

  it('a terminal without bracketed paste delivers a chunk: it is text even when idle; a "." line ends it', () => {
    expect(feed(output, [['LoadState=loaded\rActiveState=failed\r'], ['.\r']]).effects).toEqual([
      { type: 'submit', text: 'LoadState=loaded\nActiveState=failed\n' },
    ]);
  });

  it("Ctrl-D sends, Ctrl-C is never the editor's", () => {
    expect(feed(output, [{ paste: 'x' }, ['d', { ctrl: true }]]).effects).toEqual([{ type: 'submit', text: 'x\n' }]);
    expect(feed(output, [{ paste: 'x' }, ['c', { ctrl: true }]])).toEqual({
      state: { text: 'x', afterPaste: true },
      effects: [],
    });
  });

  it('a one-line input (a note): keys are text from the first, a pasted newline is a space, Enter sends, Esc cancels', () => {
    expect(feed(note, [['q'], { paste: ' a\nb' }, ['', { return: true }]]).effects).toEqual([
      { type: 'submit', text: 'q a b' },
    ]);
    expect(feed(note, [['q'], ['', { escape: true }]]).effects).toEqual([{ type: 'cancel' }]);
  });
});
