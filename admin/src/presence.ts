import { useEffect } from 'react';
import { put } from './api.ts';
import { useCan } from './session.tsx';

/** How often the inbox tells the server this agent is there (the server's window is 90 s). */
export const PRESENCE_EVERY_MS = 30_000;

/**
 * While an agent has the inbox or a ticket open (and the tab is visible), they count as online for live
 * handoff; leaving the screen or hiding the tab says so at once.
 */
export function usePresence(): void {
  const can = useCan();
  const allowed = can('tickets:write');
  useEffect(() => {
    if (!allowed) return;
    const send = (online: boolean) => void put('/agents/me/presence', { online }).catch(() => {});
    const beat = () => send(document.visibilityState === 'visible');
    beat();
    const timer = setInterval(beat, PRESENCE_EVERY_MS);
    document.addEventListener('visibilitychange', beat);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', beat);
      send(false);
    };
  }, [allowed]);
}
