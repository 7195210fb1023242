import type { Session } from '../engine/session.js';

/**
 * What the screen drives: a live Session, or a ReplaySession playing a
 * transcript back. Anything the screen calls on a session belongs here.
 */
export type WalkSession = Pick<
  Session,
  | 'on'
  | 'start'
  | 'proceed'
  | 'isAuto'
  | 'setAuto'
  | 'answer'
  | 'stop'
  | 'note'
  | 'pasteHostOutput'
  | 'declineHostCommand'
> &
  // Optional: a replay has no action to confirm.
  Partial<Pick<Session, 'confirmAction' | 'declineAction' | 'pasteInput'>>;
