/**
 * Hooks over the preload's `TokenTrayApi`: the renderer's only way to reach main. Commands never
 * throw into the UI: a failed IPC call becomes a `CommandResult` with words the user can act on.
 */
import { useCallback, useLayoutEffect, useState } from 'react';
import type { CommandResult, TokenTrayApi } from '../shared/ipc-contract';
import type { Preferences, Snapshot } from '../shared/domain';

export function unreachable(e: unknown): string {
  const detail = e instanceof Error ? e.message : String(e);
  return `TokenTray's background process did not answer (${detail}). Quit TokenTray from the tray and start it again.`;
}

export async function runCommand(call: () => Promise<CommandResult>): Promise<CommandResult> {
  try {
    return await call();
  } catch (e) {
    return { ok: false, error: unreachable(e) };
  }
}

export type Loadable<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'ready'; readonly value: T }
  | { readonly state: 'failed'; readonly error: string };

/**
 * The latest snapshot: subscribes first, then asks once, and keeps whichever is newer (a push may
 * overtake the initial answer).
 */
export function useSnapshot(api: TokenTrayApi): {
  snapshot: Loadable<Snapshot>;
  retry: () => void;
} {
  const [snapshot, setSnapshot] = useState<Loadable<Snapshot>>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);

  // Asked in the commit that shows "Loading…", before the browser paints it: an answer that is back
  // by then (IPC takes about a millisecond) makes the account list the first thing painted. A plain
  // effect would wait for a paint first under Preact, which the renderer ships (issue 11: ≤ 300 ms).
  useLayoutEffect(() => {
    let live = true;
    const accept = (next: Snapshot) => {
      if (!live) return;
      setSnapshot((prev) =>
        prev.state === 'ready' && prev.value.at > next.at ? prev : { state: 'ready', value: next },
      );
    };
    const off = api.onSnapshot(accept);
    api.getSnapshot().then(accept, (e: unknown) => {
      if (live) setSnapshot((prev) => (prev.state === 'ready' ? prev : failed(e)));
    });
    return () => {
      live = false;
      off();
    };
  }, [api, attempt]);

  const retry = useCallback(() => {
    setSnapshot({ state: 'loading' });
    setAttempt((n) => n + 1);
  }, []);
  return { snapshot, retry };
}

function failed(e: unknown): Loadable<never> {
  return { state: 'failed', error: unreachable(e) };
}

export function usePreferences(api: TokenTrayApi): {
  preferences: Loadable<Preferences>;
  save: (next: Preferences) => Promise<CommandResult>;
} {
  const [preferences, setPreferences] = useState<Loadable<Preferences>>({ state: 'loading' });

  // Asked before the first paint, like the snapshot (above).
  useLayoutEffect(() => {
    let live = true;
    api.getPreferences().then(
      (value) => {
        if (live) setPreferences({ state: 'ready', value });
      },
      (e: unknown) => {
        if (live) setPreferences(failed(e));
      },
    );
    return () => {
      live = false;
    };
  }, [api]);

  const save = useCallback(
    async (next: Preferences) => {
      const result = await runCommand(() => api.savePreferences(next));
      if (result.ok) setPreferences({ state: 'ready', value: next });
      return result;
    },
    [api],
  );
  return { preferences, save };
}
