/**
 * A SecretStore in memory. Only for the bench, where the keychain's D-Bus round trips would measure
 * gnome-keyring rather than TokenTray; tests use the real keytar store (test/secrets/keyring.ts).
 */
import type { SecretKind, SecretStore } from '../../electron/core/ports';

export function createMemorySecretStore(): SecretStore {
  const values = new Map<string, string>();
  const key = (accountId: string, kind: SecretKind) => `${accountId}/${kind}`;
  return {
    get: (accountId, kind) => Promise.resolve(values.get(key(accountId, kind)) ?? null),
    set: (accountId, kind, value) => {
      values.set(key(accountId, kind), value);
      return Promise.resolve();
    },
    delete: (accountId, kind) => {
      values.delete(key(accountId, kind));
      return Promise.resolve();
    },
    deleteAll: (accountId) => {
      for (const k of [...values.keys()]) if (k.startsWith(`${accountId}/`)) values.delete(k);
      return Promise.resolve();
    },
  };
}
