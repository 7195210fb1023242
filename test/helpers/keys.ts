import type { Key } from 'ink';

/** Ink's Key with nothing pressed, as useInput hands it over for a plain character. */
export const noKey: Key = {
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

/** A key with the given flags set. */
export const key = (over: Partial<Key> = {}): Key => ({ ...noKey, ...over });
