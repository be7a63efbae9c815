/**
 * The SettingsStore port over a SettingsBackend: every read validates the file against the schema
 * (migrating older versions), every write validates first and replaces the file atomically.
 *
 * - The file is read afresh for every call (it is a few KB): a hand edit made while TokenTray runs is
 *   seen, and never silently overwritten by a stale copy in memory.
 * - A corrupt or invalid file is never overwritten: every call fails with a 'config' error naming
 *   the field and the fix until the user repairs the file or calls reset(). A JSON file is also
 *   copied beside it (`config.json.invalid-<hash>`, one per distinct content) with every secret
 *   removed (scrub.ts); a file that is not JSON cannot be scrubbed, so it gets no copy.
 * - A file from an older TokenTray is migrated (migrations.ts): secrets the old file held go to the
 *   keychain first, a copy of the old file is kept without any secret (`config.json.v0-backup`),
 *   then the new file is written, and the leftovers of earlier failed attempts go (sweepCopies).
 *   A file from a newer TokenTray is left alone with an "update TokenTray" error.
 * - Every copy is created with mode 0600 and O_EXCL (never through a link), and holds no secret.
 */
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ZodError } from 'zod';
import { accountConfigSchema, preferencesSchema, type AccountConfig } from '../../../shared/domain';
import { TokenTrayError, toTokenTrayError } from '../errors';
import { writeFileAtomic } from '../export/atomic-write';
import { describeFsError, errnoCode } from '../export/fs-errors';
import {
  silentLogger,
  type Logger,
  type SecretStore,
  type SettingsStore,
  type TokenMeta,
} from '../ports';
import { describeIssues, fieldName, invalidSettingsError } from './settings-errors';
import { accountProblems } from './platform-path';
import { migrate, NewerSettingsError, SettingsShapeError, type MovedSecret } from './migrations';
import type { SettingsBackend } from './settings-backend';
import { parseSettings, serializeSettings } from './settings-backend';
import { scrubSecrets } from './scrub';
import {
  CURRENT_SCHEMA_VERSION,
  emptySettings,
  settingsDocumentSchema,
  tokenMetaSchema,
  type SettingsDocument,
} from './settings-schema';

export interface SettingsStoreOptions {
  readonly backend: SettingsBackend;
  /** Needed only to migrate a file from an older TokenTray that held secrets. */
  readonly secrets?: SecretStore;
  readonly logger?: Logger;
}

export interface FileSettingsStore extends SettingsStore {
  /** The settings file. */
  readonly path: string;
  /** Starts over with empty settings, after keeping a copy of the current file. */
  reset(): Promise<void>;
}

export function createSettingsStore(options: SettingsStoreOptions): FileSettingsStore {
  const { backend } = options;
  const logger = options.logger ?? silentLogger;
  let queue: Promise<unknown> = Promise.resolve();

  /** Runs reads and writes one at a time, so two saves never interleave their read-modify-write. */
  function serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Keeps a secret-free copy of a stored document beside the settings file, once per distinct
   * content: created 0600 with O_EXCL, so it is never written through a link or at a looser mode.
   * Returns the copy's path, or null if none could be made (logged; never fails the caller).
   */
  async function keepCopy(
    suffix: (hash: string) => string,
    document: Record<string, unknown>,
    knownSecrets: Iterable<string> = [],
  ): Promise<string | null> {
    try {
      const content = serializeSettings(
        scrubSecrets(document, knownSecrets).value as Record<string, unknown>,
      );
      const hash = createHash('sha256').update(content).digest('hex').slice(0, 8);
      const name = suffix(hash);
      let target = `${backend.path}.${name}`;
      try {
        await writeFile(target, content, { flag: 'wx', mode: 0o600 });
      } catch (e) {
        if (errnoCode(e) !== 'EEXIST') throw e;
        // A name with this content's hash: that copy already exists. A fixed name (v0-backup)
        // taken by an earlier copy: keep both, the new one under its hash.
        if (!name.includes(hash)) {
          target = `${target}-${hash}`;
          await writeFile(target, content, { flag: 'wx', mode: 0o600 }).catch((e2: unknown) => {
            if (errnoCode(e2) !== 'EEXIST') throw e2;
          });
        }
      }
      return target;
    } catch (e) {
      logger.error('settings: could not keep a copy of the settings file', {
        code: errnoCode(e) ?? 'unknown',
      });
      return null;
    }
  }

  /** `config.json.invalid-<hash>`, `config.json.v0-backup…`, `config.json.reset-<hash>`. */
  const base = basename(backend.path);
  const isCopyName = (name: string): boolean =>
    name.startsWith(`${base}.`) &&
    /^(invalid-[0-9a-f]+|v\d+-backup(-[0-9a-f]+)?|reset-[0-9a-f]+)$/.test(
      name.slice(base.length + 1),
    );

  /**
   * Once the file is valid (migrated or not), the copies of its broken states are leftovers: they
   * go. Older TokenTray versions also copied files with their secrets at the original mode, so the
   * backups that stay are re-written scrubbed at 0600. Runs once per store; never fails a read.
   */
  let swept = false;
  async function sweepCopies(knownSecrets: readonly string[]): Promise<void> {
    if (swept) return;
    swept = true;
    let names: string[];
    try {
      names = (await readdir(dirname(backend.path))).filter(isCopyName);
    } catch (e) {
      logger.warn('settings: could not list the settings folder', {
        code: errnoCode(e) ?? 'unknown',
      });
      return;
    }
    for (const name of names) {
      const path = join(dirname(backend.path), name);
      try {
        const st = await lstat(path);
        if (!st.isFile() || (typeof process.getuid === 'function' && st.uid !== process.getuid())) {
          continue; // not a copy TokenTray made: leave it
        }
        if (name.slice(base.length + 1).startsWith('invalid-')) {
          await unlink(path);
          continue;
        }
        if (st.size > 1024 * 1024) continue;
        const parsed = parseSettings(await readFile(path, 'utf8'));
        if (parsed.kind !== 'ok') continue;
        const { value, removed } = scrubSecrets(parsed.value, knownSecrets);
        if (removed === 0 && (st.mode & 0o077) === 0) continue;
        await writeFileAtomic(path, serializeSettings(value as Record<string, unknown>), {
          mode: 0o600,
        });
        logger.warn('settings: removed secrets from an old copy of the settings file', { path });
      } catch (e) {
        logger.warn('settings: could not clean an old copy of the settings file', {
          path,
          code: errnoCode(e) ?? 'unknown',
        });
      }
    }
  }

  async function invalid(
    problem: string,
    raw: Record<string, unknown> | null,
  ): Promise<TokenTrayError> {
    const copy = raw ? await keepCopy((hash) => `invalid-${hash}`, raw) : null;
    logger.error('settings: file cannot be used', { path: backend.path, problem });
    return invalidSettingsError(backend.path, problem, copy);
  }

  async function moveSecrets(secrets: readonly MovedSecret[]): Promise<void> {
    if (secrets.length === 0) return;
    for (const s of secrets) logger.registerSecret(s.value);
    if (!options.secrets) {
      throw new TokenTrayError(
        'config',
        `The settings file ${backend.path} comes from an older TokenTray and holds secrets that must move to the system keychain, but no keychain is available. Nothing was changed.`,
      );
    }
    try {
      for (const s of secrets) await options.secrets.set(s.accountId, s.kind, s.value);
    } catch (e) {
      const err = toTokenTrayError(e, 'keychain');
      throw new TokenTrayError(
        err.kind,
        `The settings file ${backend.path} comes from an older TokenTray and holds secrets that must move to the system keychain first; nothing was changed. ${err.message}`,
      );
    }
  }

  async function readDocument(): Promise<SettingsDocument> {
    let stored;
    try {
      stored = await backend.read();
    } catch (e) {
      throw new TokenTrayError(
        'config',
        `TokenTray cannot read its settings file: ${describeFsError(e, backend.path, 'read')}.`,
      );
    }
    // `{}` is what a freshly created electron-store file holds: nothing to migrate or keep.
    if (
      stored.kind === 'missing' ||
      (stored.kind === 'ok' && Object.keys(stored.value).length === 0)
    ) {
      return emptySettings();
    }
    if (stored.kind === 'unparseable') throw await invalid(stored.reason, null);

    let migrated;
    try {
      migrated = migrate(stored.value);
    } catch (e) {
      if (e instanceof NewerSettingsError) {
        throw new TokenTrayError(
          'config',
          `The settings file ${backend.path} was written by a newer TokenTray (settings version ${e.version}; this one understands up to ${CURRENT_SCHEMA_VERSION}). Update TokenTray; the file was left untouched.`,
        );
      }
      if (e instanceof SettingsShapeError) {
        throw await invalid(describeIssues(e.issues, e.raw), stored.value);
      }
      throw e;
    }
    const parsed = settingsDocumentSchema.safeParse(migrated.document);
    if (!parsed.success) {
      throw await invalid(describeIssues(parsed.error, migrated.document), stored.value);
    }
    if (migrated.fromVersion === CURRENT_SCHEMA_VERSION) {
      await sweepCopies([]);
      return parsed.data;
    }

    // An older file: secrets to the keychain, a secret-free copy of the old file, the new file,
    // then the leftovers of earlier attempts go.
    await moveSecrets(migrated.secrets);
    const moved = migrated.secrets.map((s) => s.value);
    await keepCopy(() => `v${migrated.fromVersion}-backup`, stored.value, moved);
    await writeDocument(parsed.data);
    await sweepCopies(moved);
    logger.info('settings: migrated', {
      from: migrated.fromVersion,
      to: CURRENT_SCHEMA_VERSION,
      secretsMoved: migrated.secrets.length,
    });
    return parsed.data;
  }

  async function writeDocument(doc: SettingsDocument): Promise<void> {
    const ids = new Set(doc.accounts.map((a) => a.id));
    const clean = settingsDocumentSchema.parse({
      ...doc,
      // Token facts of forgotten accounts have no reason to stay.
      tokenMeta: Object.fromEntries(Object.entries(doc.tokenMeta).filter(([id]) => ids.has(id))),
    });
    try {
      await backend.write(clean);
    } catch (e) {
      throw new TokenTrayError(
        'config',
        `TokenTray could not save its settings: ${describeFsError(e, backend.path)}. The previous settings are unchanged.`,
      );
    }
  }

  function configError(what: string, error: ZodError, raw: unknown): TokenTrayError {
    return new TokenTrayError('config', `${what}: ${describeIssues(error, raw)}.`);
  }

  return {
    path: backend.path,

    listAccounts: () => serial(async () => (await readDocument()).accounts),

    saveAccount: (account: AccountConfig) =>
      serial(async () => {
        const parsed = accountConfigSchema.safeParse(account);
        if (!parsed.success) throw configError('The account was not saved', parsed.error, account);
        const [problem, ...more] = accountProblems(parsed.data);
        if (problem) {
          const also = more.length
            ? ` (and ${more.length} more problem${more.length > 1 ? 's' : ''})`
            : '';
          throw new TokenTrayError(
            'config',
            `The account was not saved: ${fieldName(problem.path, parsed.data)}: ${problem.message}${also}.`,
          );
        }
        const doc = await readDocument();
        const i = doc.accounts.findIndex((a) => a.id === parsed.data.id);
        const accounts = [...doc.accounts];
        if (i >= 0) accounts[i] = parsed.data;
        else accounts.push(parsed.data);
        await writeDocument({ ...doc, accounts });
      }),

    deleteAccount: (accountId: string) =>
      serial(async () => {
        const doc = await readDocument();
        const tokenMeta = { ...doc.tokenMeta };
        delete tokenMeta[accountId];
        await writeDocument({
          ...doc,
          accounts: doc.accounts.filter((a) => a.id !== accountId),
          tokenMeta,
        });
      }),

    getPreferences: () => serial(async () => (await readDocument()).preferences),

    savePreferences: (preferences) =>
      serial(async () => {
        const parsed = preferencesSchema.safeParse(preferences);
        if (!parsed.success) {
          throw configError('The preferences were not saved', parsed.error, preferences);
        }
        const doc = await readDocument();
        await writeDocument({ ...doc, preferences: parsed.data });
      }),

    getTokenMeta: (accountId: string) =>
      serial(async () => {
        const { tokenMeta } = await readDocument();
        // Own entries only: an account id like "constructor" must not find Object.prototype's.
        return Object.hasOwn(tokenMeta, accountId) ? (tokenMeta[accountId] ?? null) : null;
      }),

    setTokenMeta: (accountId: string, meta: TokenMeta | null) =>
      serial(async () => {
        const doc = await readDocument();
        const tokenMeta = { ...doc.tokenMeta };
        if (meta === null) {
          delete tokenMeta[accountId];
        } else {
          const parsed = tokenMetaSchema.safeParse(meta);
          if (!parsed.success) {
            throw configError('The token details were not saved', parsed.error, meta);
          }
          if (!doc.accounts.some((a) => a.id === accountId)) {
            // The account was forgotten while a refresh was finishing: nothing to attach it to.
            logger.warn('settings: token details for an unknown account ignored', { accountId });
            return;
          }
          tokenMeta[accountId] = parsed.data;
        }
        await writeDocument({ ...doc, tokenMeta });
      }),

    reset: () =>
      serial(async () => {
        const stored = await backend.read().catch(() => null);
        if (stored?.kind === 'ok') await keepCopy((hash) => `reset-${hash}`, stored.value);
        await writeDocument(emptySettings());
        logger.warn('settings: reset to defaults', { path: backend.path });
      }),
  };
}
