import { useEffect, useReducer } from 'react';
import type { WalkSession } from './walkSession.js';
import type { WalkState } from './walkReducer.js';
import { initialWalkState, walkReducer } from './walkReducer.js';

/**
 * Subscribes to the session and folds its events into WalkState. Its effect is
 * declared before any effect that starts the session, so no event is missed.
 */
export function useSessionEvents(session: WalkSession): WalkState {
  const [state, dispatch] = useReducer(walkReducer, initialWalkState);
  useEffect(() => {
    const off = session.on(dispatch);
    return () => {
      off();
    };
  }, [session]);
  return state;
}
