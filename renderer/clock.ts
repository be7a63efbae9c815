/**
 * The renderer's notion of "now". The countdown is computed here from the snapshot's `expiresAt`
 * (main publishes snapshots only when something changes, not every second). The clock is injectable
 * so the demo bridge and tests can freeze or move time deterministically.
 */
import { useEffect, useState } from 'react';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Optional: tells subscribers when time jumps (the demo clock's set/advance); returns unsubscribe. */
  onJump?(listener: () => void): () => void;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * The current time, re-read once per second while the window is visible (aligned to the next whole
 * second so every countdown on screen changes together). While the window is hidden nothing ticks:
 * a tray app's window is hidden most of the day and must not burn CPU. On becoming visible again the
 * time is read at once, so the user never sees a stale countdown.
 */
export function useNow(clock: Clock): number {
  const [now, setNow] = useState(() => clock.now());

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;

    const stop = () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    };
    const schedule = () => {
      stop();
      const t = clock.now();
      timer = setTimeout(tick, 1000 - (((t % 1000) + 1000) % 1000) || 1000);
    };
    const tick = () => {
      setNow(clock.now());
      schedule();
    };
    const onVisibility = () => {
      if (document.visibilityState === 'visible') tick();
      else stop();
    };

    if (document.visibilityState === 'visible') schedule();
    document.addEventListener('visibilitychange', onVisibility);
    const offJump = clock.onJump?.(() => {
      if (document.visibilityState === 'visible') tick();
    });
    return () => {
      stop();
      offJump?.();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [clock]);

  return now;
}

/** The user's IANA zone (e.g. "Europe/London"); expiry is shown in IST and in this zone. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
