import { useRef, useState } from 'react';
import { useInput, usePaste } from 'ink';
import type { Key } from 'ink';
import { editorKey, editorPaste, emptyEditor } from './lineEditor.js';
import type { EditorMode, EditorState, EditorStep } from './lineEditor.js';

export interface LineEditorOptions {
  /** Only the input in focus edits; the others ignore keys and pastes. */
  isActive: boolean;
  /** Enter adds a line (pasted output); otherwise Enter sends (a note). */
  multiline?: boolean;
  onSubmit: (text: string) => void;
  /** Esc on an empty editor (with text, in multiline mode, Esc first drops it). */
  onCancel?: () => void;
  /**
   * Given: while the editor is empty, typed keys go here as the screen's
   * commands and never become text; text starts with a paste.
   */
  onIdleKey?: (input: string, key: Key) => void;
}

export interface LineEditor {
  /** What is in the editor now. */
  text: string;
  /** Something was pasted or typed: keys are text until it is sent or dropped. */
  editing: boolean;
  clear: () => void;
}

/**
 * A text input on Ink's key and paste events: bracketed pastes arrive whole
 * (so their newlines and letters are never keys), Backspace, Ctrl-U and Enter
 * edit and send. Keys can arrive faster than renders, so the ref is the text
 * and the state only redraws it.
 */
export function useLineEditor(options: LineEditorOptions): LineEditor {
  const [state, setState] = useState<EditorState>(emptyEditor);
  const ref = useRef<EditorState>(emptyEditor);
  const mode: EditorMode = {
    multiline: options.multiline ?? false,
    idleKeysAreCommands: options.onIdleKey !== undefined,
  };

  const apply = ({ state: next, effect }: EditorStep) => {
    ref.current = next;
    setState(next);
    switch (effect.type) {
      case 'submit':
        options.onSubmit(effect.text);
        return;
      case 'cancel':
        options.onCancel?.();
        return;
      case 'command':
        options.onIdleKey?.(effect.input, effect.key);
        return;
      case 'none':
        return;
    }
  };

  usePaste((text) => apply(editorPaste(ref.current, text, mode)), { isActive: options.isActive });
  useInput((input, key) => apply(editorKey(ref.current, input, key, mode)), { isActive: options.isActive });

  return {
    text: state.text,
    editing: state.text !== '',
    clear: () => apply({ state: emptyEditor, effect: { type: 'none' } }),
  };
}
