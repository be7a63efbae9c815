/**
 * The app and the CLI both write config.json (token facts after a renewal). The settings store
 * serialises writes within one process; this wrapper adds the cross-process lock the exports use
 * (export/file-lock.ts) around every write, so an app and a CLI renewing at the same moment never
 * lose each other's update. Reads need no lock: every write is an atomic rename.
 */
import { withFileLock } from '../export/file-lock';
import type { SettingsStore } from '../ports';

export function lockedSettings<S extends SettingsStore>(store: S, path: string): S {
  const locked =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    (...args: A) =>
      withFileLock(path, () => fn(...args));
  return {
    ...store,
    listAccounts: () => store.listAccounts(),
    getPreferences: () => store.getPreferences(),
    getTokenMeta: (id: string) => store.getTokenMeta(id),
    saveAccount: locked((a: Parameters<S['saveAccount']>[0]) => store.saveAccount(a)),
    deleteAccount: locked((id: string) => store.deleteAccount(id)),
    savePreferences: locked((p: Parameters<S['savePreferences']>[0]) => store.savePreferences(p)),
    setTokenMeta: locked((id: string, meta: Parameters<S['setTokenMeta']>[1]) =>
      store.setTokenMeta(id, meta),
    ),
  };
}
