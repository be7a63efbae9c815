/**
 * The ports through which the core reaches the outside world (after Leapp's i-keychain-service.ts):
 * TokenService and the scheduler depend only on these; electron/platform/ and the tests plug in the
 * real ones (keytar, electron-store, BrowserWindow) or loopback fakes.
 */
import type { BrokerId } from '../../shared/brokers';
import type { AccountConfig, ExportTarget, Preferences } from '../../shared/domain';
import type { RemoteExportTarget } from '../../shared/remote-targets';

/** Time and timers, injectable so tests and the bench can simulate days, suspends and clock jumps. */
export interface Clock {
  /** Wall-clock now. */
  now(): Date;
  /**
   * Runs `callback` after `ms` of *awake* time (like setTimeout: it does not advance while the
   * machine is suspended). Returns a handle for cancelTimer.
   */
  setTimer(ms: number, callback: () => void): unknown;
  cancelTimer(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  setTimer: (ms, callback) => {
    const handle = setTimeout(callback, Math.max(0, ms));
    // The scheduler's timer must not keep a CLI or a test process alive on its own.
    if (typeof handle === 'object' && handle !== null && 'unref' in handle) handle.unref();
    return handle;
  },
  cancelTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The kinds of secret kept per account in the OS keychain. */
export type SecretKind =
  | 'api-secret'
  | 'access-token'
  | 'refresh-token'
  | 'pin'
  // Remote export targets (shared/remote-targets.ts REMOTE_SECRET_KIND): one of each per account.
  | 'ssh-passphrase'
  | 'redis-password'
  | 'webhook-secret'
  // Alert channels (issue 13), app-wide: kept under ALERTS_SECRET_ACCOUNT (secrets/secret-names.ts).
  | 'telegram-bot-token'
  | 'alert-webhook-secret';

/** OS keychain (keytar in production). Every method may throw a TokenTrayError of kind 'keychain'. */
export interface SecretStore {
  get(accountId: string, kind: SecretKind): Promise<string | null>;
  set(accountId: string, kind: SecretKind, value: string): Promise<void>;
  delete(accountId: string, kind: SecretKind): Promise<void>;
  /** Deletes every secret of an account (Forget account). */
  deleteAll(accountId: string): Promise<void>;
}

/** Non-secret facts about an account's current token, persisted so a restart knows the expiry. */
export interface TokenMeta {
  readonly issuedAt: string;
  readonly expiresAt: string;
  readonly refreshExpiresAt: string | null;
  readonly lastRefreshAt: string | null;
  readonly lastValidatedAt: string | null;
  readonly revoked: boolean;
  readonly userId: string | null;
  readonly userName: string | null;
  readonly tokenMasked: string | null;
  /**
   * A non-reversible fingerprint of the last issued access token (lifecycle/token-fingerprint.ts),
   * never the token: a restart tells from it that the keychain holds an older token. Absent in
   * settings written before it existed.
   */
  readonly tokenFingerprint?: string | null;
}

/** Settings (electron-store in production). Never holds a secret. */
export interface SettingsStore {
  listAccounts(): Promise<AccountConfig[]>;
  saveAccount(account: AccountConfig): Promise<void>;
  deleteAccount(accountId: string): Promise<void>;
  getPreferences(): Promise<Preferences>;
  savePreferences(preferences: Preferences): Promise<void>;
  getTokenMeta(accountId: string): Promise<TokenMeta | null>;
  setTokenMeta(accountId: string, meta: TokenMeta | null): Promise<void>;
}

/** What an exporter writes for one account. */
export interface ExportPayload {
  readonly accountId: string;
  readonly broker: BrokerId;
  readonly accessToken: string;
  /** When the broker issued this token: exports to one target apply in issue order (newest wins). */
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  readonly apiKey: string;
  readonly userId: string | null;
}

export interface ExportOutcome {
  readonly path: string;
  readonly ok: boolean;
  /** Why it failed, in words (never the token). */
  readonly message?: string;
}

/** Writes tokens where bots read them (.env / JSON). Atomic; never partially written. */
export interface Exporter {
  /** Local targets go to the file exporter; remote ones (issue 10) through export/targets.ts. */
  export(target: ExportTarget | RemoteExportTarget, payload: ExportPayload): Promise<void>;
}

/** Logging port; the real one redacts registered secrets before anything reaches a file. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Every later log line has this value replaced by a mask. */
  registerSecret(value: string): void;
}

export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  registerSecret: () => undefined,
};
