/**
 * The SecretStore port over keytar (macOS Keychain, Windows Credential Manager, Linux Secret Service
 * via libsecret: gnome-keyring, KeePassXC …). Names: secret-names.ts. Errors: keychain-errors.ts.
 *
 * There is deliberately no fallback: if the keychain cannot be used, every call fails with an error
 * that says how to fix it; a secret is never written anywhere else.
 *
 * Two libsecret traps, found by testing against a real gnome-keyring (test/secrets/):
 * - With a locked keyring, reads return null and deletes return false instead of failing. A null
 *   read or false delete is therefore confirmed with a write probe (PROBE_ACCOUNT), which does fail
 *   on a locked keyring (and, on a desktop, brings up the unlock prompt).
 * - findCredentials() crashes the process (a NULL secret inside libsecret) on a locked keyring, so
 *   this store never enumerates: it deletes the known kinds by name.
 *
 * keytar is imported lazily, on first use: a missing or broken native module becomes a clear
 * 'keychain' error at that moment instead of crashing the app at start.
 */
import { accountIdSchema } from '../../../shared/domain';
import { TokenTrayError } from '../errors';
import { silentLogger, type Logger, type SecretKind, type SecretStore } from '../ports';
import { keychainError, keytarLoadError, type KeychainOperation } from './keychain-errors';
import { secretValueProblem } from './secret-value';
import {
  PROBE_ACCOUNT,
  SECRET_KINDS,
  SECRET_SERVICE,
  secretAccount,
  secretKindSchema,
  secretLabel,
} from './secret-names';

/** The part of keytar's API we use. */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export interface KeytarSecretStoreOptions {
  /** Keychain service name; tests use their own so they never touch "TokenTray" items. */
  readonly service?: string;
  /** How to load keytar (default: dynamic import). Tests point it at a missing module. */
  readonly loadKeytar?: () => Promise<unknown>;
  /** Every secret read or written is registered here so logs mask it. */
  readonly logger?: Logger;
}

/** What to do about a refused value, by where such a value comes from. */
function fixFor(kind: SecretKind): string {
  return kind === 'access-token' || kind === 'refresh-token'
    ? "The broker's answer was damaged on the way; log in again. The keychain still holds the previous one."
    : 'Enter it again, copied afresh from where you keep it; nothing was stored.';
}

function isKeytar(value: unknown): value is KeytarLike {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.getPassword === 'function' &&
    typeof v.setPassword === 'function' &&
    typeof v.deletePassword === 'function'
  );
}

/** keytar is CommonJS: its API is the default export under ESM, the namespace under CJS bundling. */
function pickKeytar(mod: unknown): KeytarLike | null {
  if (isKeytar(mod)) return mod;
  if (typeof mod === 'object' && mod !== null && 'default' in mod && isKeytar(mod.default)) {
    return mod.default;
  }
  return null;
}

export function createKeytarSecretStore(options: KeytarSecretStoreOptions = {}): SecretStore {
  const service = options.service ?? SECRET_SERVICE;
  const logger = options.logger ?? silentLogger;
  const load = options.loadKeytar ?? (() => import('keytar'));
  let keytar: KeytarLike | null = null;
  /** A call succeeded: from then on "no keyring service" means it stopped, not "not installed". */
  let answered = false;

  async function api(): Promise<KeytarLike> {
    if (keytar) return keytar;
    let mod: unknown;
    try {
      mod = await load();
    } catch (e) {
      throw keytarLoadError(e);
    }
    const picked = pickKeytar(mod);
    if (!picked) throw keytarLoadError(new Error('the module does not look like keytar'));
    keytar = picked;
    return keytar;
  }

  function checkArgs(accountId: string, kind: SecretKind): void {
    if (
      !accountIdSchema.safeParse(accountId).success ||
      !secretKindSchema.safeParse(kind).success
    ) {
      throw new TokenTrayError(
        'keychain',
        'TokenTray asked the keychain for an invalid account or secret kind. This is a bug; please report it.',
      );
    }
  }

  async function call<T>(
    op: KeychainOperation,
    subject: { accountId: string; kind: SecretKind } | null,
    fn: (k: KeytarLike) => Promise<T>,
    secrets: readonly string[] = [],
  ): Promise<T> {
    const k = await api();
    try {
      const result = await fn(k);
      answered = true;
      return result;
    } catch (e) {
      throw keychainError(e, op, subject, secrets, answered);
    }
  }

  /**
   * One probe at a time: two concurrent probes write and delete the same PROBE_ACCOUNT item, and one
   * deleting it under the other made the keyring answer "No such interface …Secret.Item", misread as
   * "the keyring is locked" (two accounts' remote deliveries reading absent secrets at once: the
   * trading-week simulation with SSH targets, test/core/trading-week.test.ts).
   */
  let probing: Promise<unknown> = Promise.resolve();

  /** Throws the real reason when the keyring cannot be written (locked, missing collection …). */
  async function probe(subject: { accountId: string; kind: SecretKind } | null): Promise<void> {
    const run = probing.then(() =>
      call('check', subject, async (k) => {
        await k.setPassword(service, PROBE_ACCOUNT, 'probe');
        await k.deletePassword(service, PROBE_ACCOUNT);
      }),
    );
    probing = run.catch(() => undefined);
    await run;
  }

  return {
    async get(accountId, kind) {
      checkArgs(accountId, kind);
      const subject = { accountId, kind };
      const value = await call('read', subject, (k) =>
        k.getPassword(service, secretAccount(accountId, kind)),
      );
      if (value === null) {
        await probe(subject);
        return null;
      }
      logger.registerSecret(value);
      return value;
    },

    async set(accountId, kind, value) {
      checkArgs(accountId, kind);
      const problem = secretValueProblem(value);
      if (problem) {
        throw new TokenTrayError(
          'keychain',
          `TokenTray did not save the ${secretLabel(kind)} of account "${accountId}": ${problem.what}. ${problem.kind === 'bug' ? 'This is a bug; please report it.' : fixFor(kind)}`,
        );
      }
      logger.registerSecret(value);
      await call(
        'save',
        { accountId, kind },
        (k) => k.setPassword(service, secretAccount(accountId, kind), value),
        [value],
      );
    },

    async delete(accountId, kind) {
      checkArgs(accountId, kind);
      const subject = { accountId, kind };
      const deleted = await call('delete', subject, (k) =>
        k.deletePassword(service, secretAccount(accountId, kind)),
      );
      // false is also what a locked keyring answers: make sure it really was absent.
      if (!deleted) await probe(subject);
    },

    async deleteAll(accountId) {
      checkArgs(accountId, 'api-secret');
      let allDeleted = true;
      for (const kind of SECRET_KINDS) {
        const deleted = await call('delete', { accountId, kind }, (k) =>
          k.deletePassword(service, secretAccount(accountId, kind)),
        );
        allDeleted &&= deleted;
      }
      if (!allDeleted) await probe(null);
    },
  };
}
