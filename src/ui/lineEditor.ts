import type { Key } from 'ink';

/** What a text input holds, and whether the last thing to arrive was a paste (Enter after a paste sends it). */
export interface EditorState {
  text: string;
  afterPaste: boolean;
}

export const emptyEditor: EditorState = { text: '', afterPaste: false };

export interface EditorMode {
  /** Enter adds a line (pasted command output) rather than sending (a note, a name). */
  multiline: boolean;
  /**
   * While nothing is in the editor, typed keys are the screen's commands (the
   * footer lists them), never text: a stray `q` or `e` before the paste must not
   * become evidence. Text then starts only with a paste.
   */
  idleKeysAreCommands: boolean;
}

/** What one input event did: the new state, and what the owner must act on. */
export type EditorEffect =
  | { type: 'none' }
  | { type: 'submit'; text: string }
  | { type: 'cancel' }
  /** An idle key the editor does not take: the screen may treat it as a command. */
  | { type: 'command'; input: string; key: Key };

export interface EditorStep {
  state: EditorState;
  effect: EditorEffect;
}

const none: EditorEffect = { type: 'none' };

/** A bracketed paste: the text as the terminal delivered it, line ends made `\n`. */
export function editorPaste(state: EditorState, pasted: string, mode: EditorMode): EditorStep {
  const text = pasted.replace(/\r\n?/g, '\n');
  const added = mode.multiline ? text : text.replace(/\n+/g, ' ');
  return finishIfDotLine({ text: state.text + added, afterPaste: true }, mode);
}

/**
 * One key press (or, from a terminal without bracketed paste, a chunk of
 * pasted text). Ctrl-C is never the editor's: the screen interrupts.
 */
export function editorKey(state: EditorState, input: string, key: Key, mode: EditorMode): EditorStep {
  if (key.ctrl && input === 'c') return { state, effect: none };
  const { text } = state;
  if (key.escape) {
    // Esc first drops what was pasted; on an empty editor it declines.
    return text !== '' && mode.multiline
      ? { state: emptyEditor, effect: none }
      : { state: emptyEditor, effect: { type: 'cancel' } };
  }
  // A chunk of several characters is a paste from a terminal that does not bracket pastes.
  const chunk = input.length > 1 && !key.ctrl && !key.meta && !isControlSequence(input);
  if (chunk) return editorPaste(state, input, mode);
  if (text === '' && mode.idleKeysAreCommands) return { state, effect: { type: 'command', input, key } };
  if (key.return) {
    if (!mode.multiline) return { state: emptyEditor, effect: { type: 'submit', text } };
    if (text === '') return { state, effect: none };
    const line = currentLine(text);
    // Enter right after a paste, or on an empty line, sends; on a typed line it ends the line.
    if (state.afterPaste || line === '')
      return { state: emptyEditor, effect: { type: 'submit', text: withNewline(text) } };
    return finishIfDotLine({ text: `${text}\n`, afterPaste: false }, mode);
  }
  if (key.ctrl && input === 'd') {
    return text === ''
      ? { state, effect: none }
      : { state: emptyEditor, effect: { type: 'submit', text: mode.multiline ? withNewline(text) : text } };
  }
  if (key.backspace || key.delete) return { state: { text: text.slice(0, -1), afterPaste: false }, effect: none };
  if (key.ctrl && input === 'u') {
    // Readline's kill to line start; on an empty line, the line above goes.
    const line = currentLine(text);
    const kept =
      line === ''
        ? text.slice(0, -1).slice(0, text.slice(0, -1).lastIndexOf('\n') + 1)
        : text.slice(0, text.length - line.length);
    return { state: { text: kept, afterPaste: false }, effect: none };
  }
  if (
    key.ctrl ||
    key.meta ||
    key.upArrow ||
    key.downArrow ||
    key.leftArrow ||
    key.rightArrow ||
    key.pageUp ||
    key.pageDown ||
    input === ''
  ) {
    return { state, effect: none };
  }
  return { state: { text: text + (key.tab ? '\t' : input), afterPaste: false }, effect: none };
}

/** The line being written: after the last newline. */
export function currentLine(text: string): string {
  return text.slice(text.lastIndexOf('\n') + 1);
}

/** A line holding only "." ends the output, as in mail(1) and `plumbline check`'s prompt. */
function finishIfDotLine(state: EditorState, mode: EditorMode): EditorStep {
  if (!mode.multiline) return { state, effect: none };
  const m = /(^|\n)\.\n/.exec(state.text);
  if (!m) return { state, effect: none };
  return { state: emptyEditor, effect: { type: 'submit', text: state.text.slice(0, m.index + m[1]!.length) } };
}

function withNewline(s: string): string {
  return s === '' || s.endsWith('\n') ? s : `${s}\n`;
}

function isControlSequence(input: string): boolean {
  return input.startsWith('\u001b');
}
