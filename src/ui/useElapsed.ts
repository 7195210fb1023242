import { useEffect, useState } from 'react';

/** Milliseconds since `startedAt`, re-rendering each second while `running`; frozen after. */
export function useElapsed(startedAt: Date, running: boolean, now: () => number = Date.now): number {
  const [elapsed, setElapsed] = useState(() => now() - startedAt.getTime());
  useEffect(() => {
    if (!running) return;
    const tick = () => setElapsed(now() - startedAt.getTime());
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [startedAt, running, now]);
  return elapsed;
}
