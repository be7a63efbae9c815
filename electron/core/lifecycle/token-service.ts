/**
 * TokenService owns every account's state: it is the only writer (DESIGN.md: commands in, snapshots
 * out). Commands come from the renderer (through IPC), the tray and the scheduler; immutable snapshots
 * go out to subscribers (tray, notifier, renderer). Its I/O goes through ports, so the same code runs
 * with keytar/electron-store/BrowserWindow in the app and with loopback fakes in tests.
 *
 * The one rule above all: a failed attempt never loses the last good token. A new token replaces the
 * old one only after the broker has issued it and not rejected it on validation; until then the old
 * token stays in the keychain, in memory and in every .env file.
 */
import { BROKERS, renewalNeedsPin, type BrokerId } from '../../../shared/brokers';
import {
  accountConfigSchema,
  maskToken,
  type AccountConfig,
  type AccountError,
  type AccountInput,
  type AccountView,
  type ActivityEntry,
  type LoginQueue,
  type Preferences,
  type Snapshot,
} from '../../../shared/domain';
import { describeInstant } from '../../../shared/countdown';
import { deepFreeze } from '../../../shared/deep-freeze';
import { statusAt, type TokenStatus } from '../../../shared/status';
import {
  accessTokenExpiry,
  dailyCutoffFor,
  nextDailyCutoff,
  parseCutoff,
  refreshTokenExpiry,
  tokenIssuedAt,
} from '../../../shared/expiry';
import { ActivityLog } from '../app/activity-log';
import type { AppCredentials, BrokerAdapter, TokenContext, TokenSet } from '../brokers/types';
import { TokenTrayError, toTokenTrayError } from '../errors';
import type { PlannerAccount } from './event-planner';
import { runLoginNavigation, type LoginNavigator } from './login-flow';
import type { Clock, Exporter, Logger, SecretStore, SettingsStore, TokenMeta } from '../ports';
import { thresholdsMs } from './thresholds';
import { deliverRemoteTargets } from '../export/targets';
import { safeUserId, safeUserName } from './display-fields';
import { RenewalLimiter, type RenewalLimits } from './renewal-limiter';
import { isLastIssued, tokenFingerprint } from './token-fingerprint';

/**
 * A token that dies sooner than this after issue is not accepted (issue 9 item 8): a broker answer
 * whose JWT `exp` is already past, or minutes away, would otherwise replace the good token and make
 * the scheduler renew again at once — a refresh storm that gets a FYERS account blocked for the day.
 * A token that dies at its broker's own daily cutoff is real (a login at 03:25 gets one that dies at
 * 03:30) and is kept: renewing it sooner buys nothing, so it cannot start a storm.
 */
export const MIN_TOKEN_LIFE_MS = 10 * 60_000;

/**
 * The broker issued a new token and it is in use for this run (and exported where that worked), but
 * a later step failed. Not a success, but not a failed renewal either: the message says what was
 * done and what was not, and is shown as it is (no "Login failed:" in front).
 */
export class IssuedTokenError extends TokenTrayError {}

/**
 * The new token was issued, is in use for this run and was exported, but the keychain did not take
 * it. Not a success: the user must unlock the keychain; TokenTray retries by itself meanwhile.
 */
export class KeychainSaveError extends IssuedTokenError {}

/** The new token is in use (and in the keychain where it took it) but the settings did not take it. */
export class SettingsSaveError extends IssuedTokenError {}

/** The keychain holds an older token than the last one issued (a failed keychain save, then a restart). */
export class StaleKeychainError extends TokenTrayError {}

/** An automatic renewal refused by the per-account limiter (renewal-limiter.ts). */
export class RenewalPausedError extends TokenTrayError {}

interface PendingSave {
  readonly accessToken: string;
  readonly refreshToken?: string;
}

type BusyKind = NonNullable<AccountView['busy']>;

interface ExportRecord {
  readonly path: string;
  readonly ok: boolean;
  readonly at: string;
  readonly message?: string;
}

interface AccountRuntime {
  config: AccountConfig;
  meta: TokenMeta | null;
  busy: BusyKind | null;
  lastError: AccountError | null;
  lastExport: ExportRecord[];
  hasPin: boolean;
  /** The access token in memory, so a keychain hiccup does not stop exports or copying. */
  accessToken: string | null;
  /** An automatic renewal the limiter refused waits until then (the planner re-plans it). */
  renewalDeferredUntil: Date | null;
  /** Tokens issued and in use that the keychain has not taken yet (retried; never on disk). */
  pendingSave: PendingSave | null;
  /** The settings have not taken `meta` (the new token's details and fingerprint): retried too. */
  metaOwed: boolean;
  /** Keychain writes of this account's tokens, one at a time, in order: an older never lands last. */
  keychainQueue: Promise<void>;
}

/** Things that happened that the notifier may want to tell the user about. */
export interface ServiceNotice {
  readonly kind: 'logged-in' | 'refreshed' | 'refresh-failed' | 'revoked' | 'export-failed';
  readonly accountId: string;
  readonly message: string;
}

export interface TokenServiceDeps {
  readonly clock: Clock;
  readonly settings: SettingsStore;
  readonly secrets: SecretStore;
  readonly brokers: Readonly<Record<BrokerId, BrokerAdapter>>;
  readonly exporter: Exporter;
  readonly logger: Logger;
  readonly activity?: ActivityLog;
  readonly loginTimeoutMs?: number;
  /** The user's time zone, for messages that show local time beside IST. */
  readonly localZone?: string;
  /** Bounds on automatic renewals (default AUTO_RENEWAL_LIMITS). */
  readonly renewalLimits?: RenewalLimits;
}

export class TokenService {
  private readonly accounts = new Map<string, AccountRuntime>();
  private preferences!: Preferences;
  private readonly snapshotListeners = new Set<(snapshot: Snapshot) => void>();
  private readonly noticeListeners = new Set<(notice: ServiceNotice) => void>();
  private lastPublished = '';
  private notificationsPausedUntil: string | null = null;
  /** "Log in all" progress (the app's login queue owns it); null when none runs. */
  private loginQueue: LoginQueue | null = null;
  readonly activity: ActivityLog;
  private readonly localZone: string;
  private readonly limiter: RenewalLimiter;

  constructor(private readonly deps: TokenServiceDeps) {
    this.activity = deps.activity ?? new ActivityLog();
    this.localZone = deps.localZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.limiter = new RenewalLimiter(deps.renewalLimits);
  }

  /** Loads accounts, preferences and token facts. Secrets stay in the keychain until needed. */
  async init(): Promise<void> {
    this.preferences = await this.deps.settings.getPreferences();
    for (const config of await this.deps.settings.listAccounts()) {
      // One account's unreadable token facts must not stop the others from loading.
      let meta: TokenMeta | null = null;
      try {
        meta = usableMeta(await this.deps.settings.getTokenMeta(config.id));
      } catch (e) {
        this.deps.logger.error('token details of an account could not be read', {
          accountId: config.id,
          kind: toTokenTrayError(e).kind,
        });
      }
      this.accounts.set(config.id, newRuntime(config, meta, config.storePin));
    }
    this.publish(true);
  }

  // ---------------------------------------------------------------- views

  /** The current state of every account, deeply frozen: subscribers share it and cannot edit it. */
  snapshot(): Snapshot {
    const now = this.deps.clock.now();
    return deepFreeze({
      at: now.toISOString(),
      accounts: [...this.accounts.values()].map((a) => this.view(a, now)),
      notificationsPausedUntil: this.notificationsPausedUntil,
      ...(this.loginQueue ? { loginQueue: this.loginQueue } : {}),
    });
  }

  statusOf(accountId: string): TokenStatus {
    const a = this.require(accountId);
    return this.status(a, this.deps.clock.now());
  }

  getPreferences(): Preferences {
    return this.preferences;
  }

  getAccount(accountId: string): AccountConfig | undefined {
    return this.accounts.get(accountId)?.config;
  }

  /** The planner's view of every account (for the Scheduler). */
  plannerAccounts(): PlannerAccount[] {
    return [...this.accounts.values()].map((a) => ({
      config: a.config,
      expiresAt: a.meta ? new Date(a.meta.expiresAt) : null,
      revoked: a.meta?.revoked ?? false,
      refreshExpiresAt: a.meta?.refreshExpiresAt ? new Date(a.meta.refreshExpiresAt) : null,
      autoRefreshNotBefore: a.renewalDeferredUntil,
    }));
  }

  listActivity(accountId?: string, limit?: number): ActivityEntry[] {
    return this.activity.list(accountId, limit);
  }

  /** Calls `listener` now and on every change; returns the unsubscribe function. */
  subscribe(listener: (snapshot: Snapshot) => void): () => void {
    this.snapshotListeners.add(listener);
    listener(this.snapshot());
    return () => this.snapshotListeners.delete(listener);
  }

  onNotice(listener: (notice: ServiceNotice) => void): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  /**
   * Re-evaluates statuses against the clock and publishes if anything a user can see changed. The
   * scheduler calls this when it wakes at a threshold.
   */
  tick(): void {
    this.publish();
  }

  // ---------------------------------------------------------------- commands

  /**
   * Records the notifier's pause (the notifier owns the policy) so the tray and the dashboard show
   * it in the same snapshot as everything else.
   */
  setNotificationsPausedUntil(until: Date | null): void {
    const value = until ? until.toISOString() : null;
    if (value === this.notificationsPausedUntil) return;
    this.notificationsPausedUntil = value;
    this.publish(true);
  }

  /** Records "Log in all" progress so the dashboard and tray show it in the same snapshot. */
  setLoginQueue(queue: LoginQueue | null): void {
    if (JSON.stringify(queue) === JSON.stringify(this.loginQueue)) return;
    this.loginQueue = queue;
    this.publish(true);
  }

  async savePreferences(preferences: Preferences): Promise<void> {
    await this.deps.settings.savePreferences(preferences);
    this.preferences = preferences;
    this.note(null, 'info', 'Settings saved');
    this.publish(true);
  }

  async saveAccount(input: AccountInput): Promise<void> {
    const config = accountConfigSchema.parse(input.config);
    const existing = this.accounts.get(config.id);
    if (existing && existing.config.broker !== config.broker) {
      throw new TokenTrayError(
        'config',
        `Account "${existing.config.label}" is a ${BROKERS[existing.config.broker].label} account; add a new account for ${BROKERS[config.broker].label} instead.`,
      );
    }
    if (!existing && !input.apiSecret) {
      throw new TokenTrayError(
        'config',
        `Paste the ${BROKERS[config.broker].apiSecretLabel} of your ${BROKERS[config.broker].label} app: TokenTray needs it to exchange the login for a token.`,
      );
    }
    if (config.storePin && !renewalNeedsPin(config.broker)) {
      throw new TokenTrayError('config', `${BROKERS[config.broker].label} does not use a PIN.`);
    }
    const clientIdLabel = BROKERS[config.broker].clientIdLabel;
    if (clientIdLabel !== undefined && config.clientId === undefined) {
      throw new TokenTrayError(
        'config',
        `Enter the ${clientIdLabel}: ${BROKERS[config.broker].label} needs it to log in.`,
      );
    }
    if (clientIdLabel === undefined && config.clientId !== undefined) {
      throw new TokenTrayError(
        'config',
        `${BROKERS[config.broker].label} has no client ID field: leave it empty.`,
      );
    }
    if (config.cutoffOverride !== undefined && !BROKERS[config.broker].cutoffIsGuess) {
      throw new TokenTrayError(
        'config',
        `${BROKERS[config.broker].label} documents when its tokens die: the daily cutoff cannot be overridden.`,
      );
    }
    if (input.apiSecret) {
      this.deps.logger.registerSecret(input.apiSecret);
      await this.deps.secrets.set(config.id, 'api-secret', input.apiSecret);
    }
    let hasPin = existing?.hasPin ?? false;
    if (config.storePin && input.pin) {
      this.deps.logger.registerSecret(input.pin);
      await this.deps.secrets.set(config.id, 'pin', input.pin);
      hasPin = true;
    } else if (!config.storePin) {
      await this.deps.secrets.delete(config.id, 'pin');
      hasPin = false;
    }
    await this.deps.settings.saveAccount(config);
    if (existing) {
      existing.config = config;
      existing.hasPin = hasPin;
    } else {
      this.accounts.set(config.id, newRuntime(config, null, hasPin));
    }
    this.note(config.id, 'info', existing ? 'Account settings saved' : 'Account added');
    this.publish(true);
  }

  /** The whole "click to log in": broker page → redirect → exchange → validate → keychain → .env. */
  async login(accountId: string, navigator: LoginNavigator): Promise<void> {
    // Already logging in: show that window again rather than answer "busy" to a second click.
    if (this.accounts.get(accountId)?.busy === 'login' && navigator.focus?.(accountId)) return;
    await this.command(accountId, 'login', async (a) => {
      const adapter = this.adapter(a);
      const apiSecret = await this.apiSecret(a);
      const credentials = this.credentials(a, apiSecret);
      const grant = await runLoginNavigation({
        accountId,
        adapter,
        apiKey: a.config.apiKey,
        redirectUri: a.config.redirectUri,
        credentials,
        navigator,
        ...(this.deps.loginTimeoutMs !== undefined ? { timeoutMs: this.deps.loginTimeoutMs } : {}),
      });
      this.deps.logger.registerSecret(grant.code);
      const tokens = await adapter.exchange(credentials, grant);
      await this.accept(a, tokens, 'login', undefined, [apiSecret, grant.code]);
    });
  }

  /** Renews without the login page where the broker allows it (FYERS: refresh token + PIN). */
  async refresh(
    accountId: string,
    options: { pin?: string; silent?: boolean } = {},
  ): Promise<void> {
    if (options.silent) this.admitAutomaticRenewal(accountId);
    try {
      await this.command(accountId, 'refresh', async (a) => {
        const adapter = this.adapter(a);
        const label = BROKERS[a.config.broker].label;
        if (BROKERS[a.config.broker].renewal.kind === 'renew-token') {
          await this.renewWithToken(a);
          return;
        }
        if (!adapter.refresh || BROKERS[a.config.broker].renewal.kind !== 'refresh-token') {
          throw new TokenTrayError(
            'config',
            `${label} tokens can only be renewed by logging in: click Log in.`,
          );
        }
        const refreshExpiresAt = a.meta?.refreshExpiresAt
          ? new Date(a.meta.refreshExpiresAt)
          : null;
        // A refresh token the keychain has not taken yet is the current one.
        const refreshToken =
          a.pendingSave?.refreshToken ?? (await this.deps.secrets.get(accountId, 'refresh-token'));
        if (!refreshToken || !refreshExpiresAt || refreshExpiresAt <= this.deps.clock.now()) {
          throw new TokenTrayError(
            'expired',
            `The ${label} refresh token has run out (it lasts 15 days): click Log in to start a new one.`,
          );
        }
        this.deps.logger.registerSecret(refreshToken);
        const pin =
          options.pin ?? (a.config.storePin ? await this.deps.secrets.get(accountId, 'pin') : null);
        if (!pin) {
          throw new TokenTrayError(
            'config',
            `Enter your ${label} PIN to refresh, or turn on "Remember PIN" in the account settings for automatic refresh.`,
          );
        }
        this.deps.logger.registerSecret(pin);
        const apiSecret = await this.apiSecret(a);
        let tokens: TokenSet;
        try {
          tokens = await adapter.refresh(this.credentials(a, apiSecret), refreshToken, pin);
        } catch (e) {
          const err = toTokenTrayError(e);
          if ((err.kind === 'expired' || err.kind === 'revoked') && a.meta) {
            // The broker refused the refresh token itself: stop trying it; the access token stays.
            a.meta = { ...a.meta, refreshExpiresAt: null };
            await this.deps.settings.setTokenMeta(accountId, a.meta);
          }
          throw err;
        }
        await this.accept(a, tokens, 'refresh', { refreshToken, refreshExpiresAt }, [
          apiSecret,
          pin,
        ]);
      });
      if (options.silent) this.limiter.succeeded(accountId);
    } catch (e) {
      const err = toTokenTrayError(e);
      if (options.silent) {
        // The broker renewed it; only the keychain lagged: not a failed renewal to back off from.
        if (err instanceof IssuedTokenError) this.limiter.succeeded(accountId);
        else if (!(err instanceof RenewalPausedError)) this.limiter.failed(accountId);
      }
      // A token in use but not yet in the keychain is no failed refresh (the error says what it is).
      if (err.kind !== 'busy' && !(err instanceof KeychainSaveError)) {
        this.emit({
          kind: 'refresh-failed',
          accountId,
          message:
            err instanceof IssuedTokenError
              ? err.message
              : `${options.silent ? 'Automatic refresh' : 'Refresh'} failed: ${err.message}`,
        });
      }
      throw err;
    }
  }

  /** Asks the broker whether the token still works; a rejection marks it revoked at once. */
  async validate(accountId: string): Promise<void> {
    await this.command(accountId, 'validate', async (a) => {
      const token = await this.accessToken(a);
      if (!token || !a.meta) {
        throw new TokenTrayError('config', 'This account has no token yet: click Log in.');
      }
      const adapter = this.adapter(a);
      try {
        const profile = await adapter.validate(a.config.apiKey, token, this.tokenContext(a));
        a.meta = {
          ...a.meta,
          revoked: false,
          lastValidatedAt: this.deps.clock.now().toISOString(),
          userId: safeUserId(profile.userId, [token]) ?? a.meta.userId,
          userName: safeUserName(profile.userName, [token]) ?? a.meta.userName,
        };
        await this.deps.settings.setTokenMeta(accountId, a.meta);
        this.note(accountId, 'info', 'Token checked with the broker: valid');
      } catch (e) {
        const err = toTokenTrayError(e);
        if ((err.kind === 'expired' || err.kind === 'revoked') && a.meta) {
          const now = this.deps.clock.now();
          if (new Date(a.meta.expiresAt) > now) {
            a.meta = { ...a.meta, revoked: true, lastValidatedAt: now.toISOString() };
            await this.deps.settings.setTokenMeta(accountId, a.meta);
            const message = `${BROKERS[a.config.broker].label} rejected the token of "${a.config.label}" before its expiry (logged out elsewhere, or a new session replaced it). Click Log in to get a new one.`;
            this.emit({ kind: 'revoked', accountId, message });
            throw new TokenTrayError('revoked', message, err.details);
          }
        }
        throw err;
      }
    });
  }

  /** Validates every account that has a live token (after resume/unlock). Errors stay per account. */
  async validateAll(): Promise<void> {
    const now = this.deps.clock.now();
    const ids = [...this.accounts.values()]
      .filter((a) => a.meta && !a.meta.revoked && new Date(a.meta.expiresAt) > now && !a.busy)
      .map((a) => a.config.id);
    await Promise.all(ids.map((id) => this.validate(id).catch(() => undefined)));
  }

  /** Logs out at the broker (best effort), deletes every secret and the account. */
  async forget(accountId: string): Promise<void> {
    await this.command(accountId, 'forget', async (a) => {
      const adapter = this.adapter(a);
      const token = await this.accessToken(a).catch(() => null);
      if (token && adapter.logout && a.meta && new Date(a.meta.expiresAt) > this.deps.clock.now()) {
        try {
          await adapter.logout(a.config.apiKey, token, this.tokenContext(a));
        } catch (e) {
          this.deps.logger.warn('logout at broker failed; forgetting locally anyway', {
            accountId,
            kind: toTokenTrayError(e).kind,
          });
        }
      }
      // Queued behind any keychain save still running, so no save can bring a secret back after it.
      const pending = a.pendingSave;
      a.pendingSave = null;
      try {
        await this.inKeychainQueue(a, () => this.deps.secrets.deleteAll(accountId));
      } catch (e) {
        a.pendingSave ??= pending; // not forgotten after all: the token in use is still owed
        throw e;
      }
      this.limiter.forget(accountId);
      await this.deps.settings.setTokenMeta(accountId, null);
      await this.deps.settings.deleteAccount(accountId);
      // Gone before the command's closing snapshot: published with `busy: null`, the account would
      // look usable again for a moment, and a scheduler wake or a click in that moment would act on
      // an account whose secrets are already deleted (a "refresh failed" for a forgotten account).
      this.accounts.delete(accountId);
    });
    this.note(accountId, 'info', 'Account forgotten: secrets removed from the keychain');
    this.publish(true);
  }

  /** The live access token, for "Copy token" (the caller clears the clipboard later). */
  async readAccessToken(accountId: string): Promise<string> {
    const a = this.require(accountId);
    const token = await this.accessToken(a);
    if (!token) throw new TokenTrayError('config', 'This account has no token yet: click Log in.');
    return token;
  }

  /** True while some account has a token in use that the keychain has not taken yet. */
  hasPendingSaves(): boolean {
    return [...this.accounts.values()].some((a) => a.pendingSave !== null || a.metaOwed);
  }

  /**
   * Retries every owed keychain save (the app calls this each minute and on unlock/resume). A
   * failure stays quiet: the account already says what is wrong.
   */
  async retryPendingSaves(): Promise<void> {
    for (const a of [...this.accounts.values()]) {
      if (a.metaOwed && a.meta && !a.busy) {
        try {
          await this.deps.settings.setTokenMeta(a.config.id, a.meta);
          a.metaOwed = false;
          if (a.lastError?.kind === 'config') a.lastError = null;
          this.note(a.config.id, 'info', 'The new token is now recorded in the settings');
          this.publish(true);
        } catch (e) {
          this.deps.logger.warn('settings retry failed', {
            accountId: a.config.id,
            kind: toTokenTrayError(e).kind,
          });
        }
      }
      if (!a.pendingSave) continue;
      try {
        await this.flushPendingSave(a);
      } catch (e) {
        this.deps.logger.warn('keychain retry failed', {
          accountId: a.config.id,
          kind: toTokenTrayError(e).kind,
        });
      }
    }
  }

  /**
   * The outcome of a remote delivery made after the token was accepted (a retry, automatic or
   * "Retry delivery": export/remote-retry.ts) replaces the account's record for that target.
   */
  recordDelivery(accountId: string, record: ExportRecord): void {
    const a = this.accounts.get(accountId);
    if (!a) return;
    a.lastExport = [...a.lastExport.filter((x) => x.path !== record.path), record];
    if (a.lastError?.kind === 'export' && a.lastExport.every((x) => x.ok)) a.lastError = null;
    this.note(
      accountId,
      record.ok ? 'info' : 'error',
      record.ok
        ? `Delivered to ${record.path}`
        : `Delivery to ${record.path} failed: ${record.message ?? ''}`,
    );
    this.publish(true);
  }

  // ---------------------------------------------------------------- internals

  private async command(
    accountId: string,
    kind: BusyKind,
    body: (a: AccountRuntime) => Promise<void>,
  ): Promise<void> {
    const a = this.require(accountId);
    if (a.busy) {
      throw new TokenTrayError(
        'busy',
        a.busy === 'login'
          ? `A login for "${a.config.label}" is already open: finish it in the login window.`
          : `"${a.config.label}" is busy (${a.busy}); try again in a moment.`,
      );
    }
    a.busy = kind;
    this.publish(true);
    try {
      // Any click on the account is also a retry of a keychain save that is still owed.
      if (kind !== 'forget' && a.pendingSave) await this.flushPendingSave(a);
      await body(a);
      // Errors of other commands are stale now; an export failure or an unsaved token is not.
      if (a.lastError && a.lastError.kind !== 'export' && !a.pendingSave) a.lastError = null;
    } catch (e) {
      const err = toTokenTrayError(e);
      if (err.kind !== 'cancelled') {
        a.lastError = {
          kind: err.kind,
          message: err.message,
          at: this.deps.clock.now().toISOString(),
        };
      }
      this.note(
        accountId,
        err.kind === 'cancelled' ? 'info' : 'error',
        err instanceof IssuedTokenError
          ? err.message
          : `${capitalise(kind)} ${err.kind === 'cancelled' ? 'cancelled' : `failed: ${err.message}`}`,
      );
      this.deps.logger.warn(`${kind} failed`, { accountId, kind: err.kind });
      throw err;
    } finally {
      a.busy = null;
      this.publish(true);
    }
  }

  /**
   * Refuses an automatic renewal the limiter does not admit now. Says so once on the account (not
   * on every refused attempt) and throws RenewalPausedError, which the app does not notify about.
   */
  private admitAutomaticRenewal(accountId: string): void {
    const a = this.require(accountId);
    const now = this.deps.clock.now();
    const until = this.limiter.blockedUntil(accountId, now);
    if (!until) {
      a.renewalDeferredUntil = null;
      this.limiter.started(accountId, now);
      return;
    }
    // The planner plans the attempt again for then, once (its key names the instant).
    a.renewalDeferredUntil = until;
    const when = describeInstant(until, this.localZone).ist;
    const message = `Automatic renewal of "${a.config.label}" is paused until ${when} after repeated attempts (brokers block accounts that call too often). Your current token and files are unchanged; click Refresh or Log in to try now.`;
    if (a.lastError?.message !== message) {
      a.lastError = { kind: 'rate-limited', message, at: now.toISOString() };
      this.note(accountId, 'warn', message);
      this.deps.logger.warn('automatic renewal paused', { accountId, until: until.toISOString() });
      this.publish(true);
    }
    throw new RenewalPausedError('rate-limited', message);
  }

  /**
   * Refuses a token that is already expired, or dies within MIN_TOKEN_LIFE_MS, by its own `exp` or
   * an expiry the adapter could not make sense of, before it touches the keychain or a file.
   */
  private refuseShortLived(a: AccountRuntime, tokens: TokenSet): void {
    const now = this.deps.clock.now();
    const left = tokens.expiresAt.getTime() - now.getTime();
    if (Number.isFinite(left) && left > MIN_TOKEN_LIFE_MS) return;
    const daily = dailyCutoffFor(a.config.broker, parseCutoff(a.config.cutoffOverride));
    const cutoff =
      daily === null
        ? undefined
        : nextDailyCutoff(tokenIssuedAt(tokens.issuedAt, tokens.accessToken), daily);
    if (
      left > 0 &&
      cutoff !== undefined &&
      Math.abs(tokens.expiresAt.getTime() - cutoff.getTime()) < 60_000
    ) {
      return;
    }
    const label = BROKERS[a.config.broker].label;
    const when = Number.isFinite(left)
      ? describeInstant(tokens.expiresAt, this.localZone).ist
      : 'an unreadable time';
    throw new TokenTrayError(
      'bad-response',
      left > 0
        ? `${label} issued a token that would stop working within ${Math.ceil(left / 60_000)} minutes (at ${when}). TokenTray did not use it: your previous token and files are unchanged. Try again later; if it keeps happening, ${label} is answering wrongly.`
        : `${label} issued a token that had already expired (at ${when}). TokenTray did not use it: your previous token and files are unchanged. Try again later; if it keeps happening, ${label} is answering wrongly.`,
    );
  }

  /**
   * Takes a freshly issued token set: checks it with the broker, then stores and exports it. Only a
   * token the broker did not reject replaces the old one. `known` are the request's other secrets
   * (API secret, grant, PIN): a display field holding one of them is dropped.
   */
  private async accept(
    a: AccountRuntime,
    issued: TokenSet,
    how: 'login' | 'refresh',
    keep: { refreshToken: string; refreshExpiresAt: Date } | undefined,
    known: readonly string[],
  ): Promise<void> {
    const { logger, settings, exporter, clock } = this.deps;
    logger.registerSecret(issued.accessToken);
    if (issued.refreshToken) logger.registerSecret(issued.refreshToken);
    const id = a.config.id;
    const adapter = this.adapter(a);
    const tokens = this.withCutoffOverride(a, issued);
    this.refuseShortLived(a, tokens);

    // Display fields never fail a login (issue 9 item 9): unusable ones become null.
    const secrets = [tokens.accessToken, tokens.refreshToken, keep?.refreshToken, ...known];
    let userId = safeUserId(tokens.userId, secrets);
    let userName = safeUserName(tokens.userName, secrets);
    try {
      const profile = await adapter.validate(a.config.apiKey, tokens.accessToken, {
        userId: tokens.userId ?? undefined,
        clientId: a.config.clientId,
      });
      userId = safeUserId(profile.userId, secrets) ?? userId;
      userName = safeUserName(profile.userName, secrets) ?? userName;
    } catch (e) {
      const err = toTokenTrayError(e);
      if (err.kind === 'expired' || err.kind === 'revoked' || err.kind === 'bad-credentials') {
        throw new TokenTrayError(
          err.kind,
          `The broker issued a token but then rejected it (${err.message}). Your previous token and files are unchanged; try again.`,
          err.details,
        );
      }
      // The broker just issued this token; a flaky profile call does not make it bad.
      logger.warn('profile check after token issue failed; keeping the new token', {
        accountId: id,
        kind: err.kind,
      });
    }

    const now = clock.now();
    const refreshToken = tokens.refreshToken ?? keep?.refreshToken;
    const refreshExpiresAt =
      tokens.refreshExpiresAt ??
      (tokens.refreshToken
        ? refreshTokenExpiry(a.config.broker, tokens.issuedAt, tokens.refreshToken)
        : keep?.refreshExpiresAt);

    // Files first: the bot is what the user cares about. Each target is atomic on its own.
    const exports: ExportRecord[] = [];
    for (const target of a.config.exportTargets) {
      try {
        await exporter.export(target, {
          accountId: id,
          broker: a.config.broker,
          accessToken: tokens.accessToken,
          issuedAt: tokens.issuedAt,
          expiresAt: tokens.expiresAt,
          apiKey: a.config.apiKey,
          userId,
        });
        exports.push({ path: target.path, ok: true, at: now.toISOString() });
        this.note(id, 'info', `Exported to ${target.path}`);
      } catch (e) {
        const err = toTokenTrayError(e, 'export');
        exports.push({ path: target.path, ok: false, at: now.toISOString(), message: err.message });
        this.note(id, 'error', `Export to ${target.path} failed: ${err.message}`);
      }
    }
    // Bots on other machines (issue 10) after the local files, in parallel; each fails on its own.
    exports.push(
      ...(await deliverRemoteTargets(
        exporter,
        a.config.remoteTargets ?? [],
        {
          accountId: id,
          broker: a.config.broker,
          accessToken: tokens.accessToken,
          issuedAt: tokens.issuedAt,
          expiresAt: tokens.expiresAt,
          apiKey: a.config.apiKey,
          userId,
        },
        now,
        (level, message) => this.note(id, level, message),
      )),
    );

    // From here on the new token is the one in use (the files may hold it already).
    a.accessToken = tokens.accessToken;
    a.lastExport = exports;
    a.meta = {
      issuedAt: tokens.issuedAt.toISOString(),
      expiresAt: tokens.expiresAt.toISOString(),
      refreshExpiresAt: refreshToken && refreshExpiresAt ? refreshExpiresAt.toISOString() : null,
      lastRefreshAt: now.toISOString(),
      lastValidatedAt: now.toISOString(),
      revoked: false,
      userId,
      userName,
      tokenMasked: maskToken(tokens.accessToken),
      // Written before the keychain: after a crash in between, the keychain is "older", never newer.
      tokenFingerprint: tokenFingerprint(id, tokens.accessToken),
    };
    // The token is issued and in the files: whatever fails from here on, the keychain still gets
    // it (the broker may have ended the previous session, so the keychain's old token is dead).
    a.pendingSave = {
      accessToken: tokens.accessToken,
      ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}),
    };
    let settingsError: TokenTrayError | null = null;
    try {
      await settings.setTokenMeta(id, a.meta);
      a.metaOwed = false;
    } catch (e) {
      a.metaOwed = true;
      settingsError = toTokenTrayError(e, 'config');
      logger.warn('the settings did not take the new token details; the token stays in use', {
        accountId: id,
      });
    }
    const saved = await this.savePending(a);

    const until = describeInstant(tokens.expiresAt, this.localZone);
    const verb = how === 'login' ? 'Logged in' : 'Refreshed';
    this.note(
      id,
      'info',
      `${verb}${userName ? ` as ${userName}` : ''}; token valid until ${until.ist}`,
    );
    this.emit({
      kind: how === 'login' ? 'logged-in' : 'refreshed',
      accountId: id,
      message: `${verb}: "${a.config.label}" is good until ${until.ist}.`,
    });

    const failed = exports.filter((x) => !x.ok);
    if (failed.length > 0) {
      const message = `${verb}, but writing ${failed.map((f) => f.path).join(', ')} failed: ${failed[0]?.message ?? ''}`;
      a.lastError = { kind: 'export', message, at: now.toISOString() };
      this.emit({ kind: 'export-failed', accountId: id, message });
    } else {
      a.lastError = null;
    }
    if (settingsError) {
      const where = saved.error ? 'is in use for this run' : 'is saved to the keychain';
      throw new SettingsSaveError(
        'config',
        `${verb}: the new token ${where}${failed.length < exports.length ? ' and your files' : ''}, but TokenTray could not record it in its settings, so after a restart it may not recognise it. ${settingsError.message}${saved.error ? ` The keychain did not take it either — unlock it. ${saved.error.message}` : ''}`,
      );
    }
    if (saved.error) {
      const written = exports.length - failed.length;
      const where =
        written === 0
          ? 'is in use for this run'
          : written === exports.length
            ? 'is saved to your files'
            : `is saved to ${written} of your ${exports.length} files`;
      logger.warn('the keychain did not take the new token; it stays in use and is retried', {
        accountId: id,
      });
      throw new KeychainSaveError(
        'keychain',
        `${verb}: the new token ${where} but not to the keychain — unlock it. TokenTray keeps using the new token and saves it to the keychain as soon as it can (every minute, when you unlock, or when you click the account). ${saved.error.message}`,
      );
    }
  }

  /** Runs `fn` after every earlier keychain write of this account. */
  private inKeychainQueue<T>(a: AccountRuntime, fn: () => Promise<T>): Promise<T> {
    const run = a.keychainQueue.then(fn);
    a.keychainQueue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /**
   * Writes the tokens still owed to the keychain, in the account's keychain queue: whatever runs
   * later saw the newest pending tokens, so an older token never lands after a newer one.
   */
  private savePending(
    a: AccountRuntime,
  ): Promise<{ saved: boolean; error: TokenTrayError | null }> {
    return this.inKeychainQueue(a, async () => {
      const pending = a.pendingSave;
      if (!pending) return { saved: false, error: null };
      try {
        await this.deps.secrets.set(a.config.id, 'access-token', pending.accessToken);
        if (pending.refreshToken) {
          await this.deps.secrets.set(a.config.id, 'refresh-token', pending.refreshToken);
        }
      } catch (e) {
        return { saved: false, error: toTokenTrayError(e, 'keychain') };
      }
      if (a.pendingSave === pending) a.pendingSave = null;
      return { saved: true, error: null };
    });
  }

  /** Retries an owed keychain save; on success clears the keychain error and says so. */
  private async flushPendingSave(a: AccountRuntime): Promise<boolean> {
    const { saved } = await this.savePending(a);
    if (!saved || a.pendingSave) return false;
    if (a.lastError?.kind === 'keychain') a.lastError = null;
    this.note(a.config.id, 'info', 'The new token is now saved in the keychain');
    this.deps.logger.info('owed keychain save done', { accountId: a.config.id });
    this.publish(true);
    return true;
  }

  private async accessToken(a: AccountRuntime): Promise<string | null> {
    if (a.accessToken) return a.accessToken;
    const token = await this.deps.secrets.get(a.config.id, 'access-token');
    if (token) {
      this.deps.logger.registerSecret(token);
      if (!isLastIssued(a.config.id, token, a.meta?.tokenFingerprint)) {
        throw this.staleKeychainError(a);
      }
      a.accessToken = token;
    }
    return token;
  }

  private staleKeychainError(a: AccountRuntime): StaleKeychainError {
    const issued = a.meta ? describeInstant(new Date(a.meta.issuedAt), this.localZone).ist : null;
    return new StaleKeychainError(
      'keychain',
      `The keychain holds an older token for "${a.config.label}" than the last one TokenTray received${issued ? ` (issued ${issued})` : ''}: saving that one to the keychain failed. TokenTray will not use or hand out the older token; your files keep the newer one. Click Log in to store a new token in the keychain.`,
    );
  }

  private async apiSecret(a: AccountRuntime): Promise<string> {
    const secret = await this.deps.secrets.get(a.config.id, 'api-secret');
    if (!secret) {
      throw new TokenTrayError(
        'config',
        `The ${BROKERS[a.config.broker].apiSecretLabel} for "${a.config.label}" is not in the keychain: open Edit account and paste it again.`,
      );
    }
    this.deps.logger.registerSecret(secret);
    return secret;
  }

  private adapter(a: AccountRuntime): BrokerAdapter {
    return this.deps.brokers[a.config.broker];
  }

  /**
   * What the adapter gets to log in, exchange or renew: key, secret, redirect URI and, where the
   * broker needs one (catalogue clientIdLabel: Dhan, 5paisa), the account's client ID.
   */
  private credentials(a: AccountRuntime, apiSecret: string): AppCredentials {
    const info = BROKERS[a.config.broker];
    if (info.clientIdLabel !== undefined && !a.config.clientId) {
      throw new TokenTrayError(
        'config',
        `${info.label} needs the ${info.clientIdLabel} of "${a.config.label}": open Edit account and enter it.`,
      );
    }
    return {
      apiKey: a.config.apiKey,
      apiSecret,
      redirectUri: a.config.redirectUri,
      ...(a.config.clientId !== undefined ? { clientId: a.config.clientId } : {}),
    };
  }

  /** What the broker's calls with a token may need besides it (Shoonya uid, Dhan client ID). */
  private tokenContext(a: AccountRuntime): TokenContext {
    return { userId: a.meta?.userId ?? undefined, clientId: a.config.clientId };
  }

  /**
   * The account's override of a guessed daily cutoff (Shoonya, Alice Blue, IIFL) decides the expiry
   * together with what the broker said (its own instant, the JWT `exp`): the earliest wins.
   */
  private withCutoffOverride(a: AccountRuntime, tokens: TokenSet): TokenSet {
    const cutoffOverride = parseCutoff(a.config.cutoffOverride);
    if (cutoffOverride === undefined) return tokens;
    const expiresAt = accessTokenExpiry(a.config.broker, tokens.issuedAt, tokens.accessToken, {
      brokerExpiresAt: tokens.brokerExpiresAt,
      cutoffOverride,
    });
    return { ...tokens, expiresAt };
  }

  /**
   * Dhan RenewToken: the live access token buys another 24 h, without the login page or a PIN. An
   * expired or rejected token cannot renew: the user logs in.
   */
  private async renewWithToken(a: AccountRuntime): Promise<void> {
    const adapter = this.adapter(a);
    const label = BROKERS[a.config.broker].label;
    if (!adapter.renew) {
      throw new TokenTrayError('config', `${label} tokens can only be renewed by logging in.`);
    }
    const now = this.deps.clock.now();
    const token = await this.accessToken(a);
    if (!token || !a.meta || a.meta.revoked || new Date(a.meta.expiresAt) <= now) {
      throw new TokenTrayError(
        'expired',
        `The ${label} token of "${a.config.label}" has run out or was rejected, so it cannot renew itself: click Log in.`,
      );
    }
    const apiSecret = await this.apiSecret(a);
    let tokens: TokenSet;
    try {
      tokens = await adapter.renew(this.credentials(a, apiSecret), token, this.tokenContext(a));
    } catch (e) {
      const err = toTokenTrayError(e);
      if ((err.kind === 'expired' || err.kind === 'revoked') && new Date(a.meta.expiresAt) > now) {
        // The broker refused a token that should still live: it was revoked (logged out elsewhere).
        a.meta = { ...a.meta, revoked: true, lastValidatedAt: now.toISOString() };
        await this.deps.settings.setTokenMeta(a.config.id, a.meta);
        const message = `${label} refused to renew the token of "${a.config.label}" before its expiry (logged out elsewhere, or a new login replaced it). Click Log in to get a new one.`;
        this.emit({ kind: 'revoked', accountId: a.config.id, message });
        throw new TokenTrayError('revoked', message, err.details);
      }
      throw err;
    }
    this.deps.logger.registerSecret(tokens.accessToken);
    await this.accept(a, tokens, 'refresh', undefined, [apiSecret, token]);
  }

  private require(accountId: string): AccountRuntime {
    const a = this.accounts.get(accountId);
    if (!a) {
      throw new TokenTrayError('config', `No account "${accountId}": it may have been removed.`);
    }
    return a;
  }

  private status(a: AccountRuntime, now: Date): TokenStatus {
    return statusAt(
      { expiresAt: a.meta ? new Date(a.meta.expiresAt) : undefined, revoked: a.meta?.revoked },
      now,
      thresholdsMs(a.config.thresholds),
    );
  }

  private view(a: AccountRuntime, now: Date): AccountView {
    const m = a.meta;
    const broker = BROKERS[a.config.broker];
    return {
      id: a.config.id,
      broker: a.config.broker,
      label: a.config.label,
      status: this.status(a, now),
      expiresAt: m?.expiresAt ?? null,
      issuedAt: m?.issuedAt ?? null,
      refreshExpiresAt: m?.refreshExpiresAt ?? null,
      lastRefreshAt: m?.lastRefreshAt ?? null,
      lastValidatedAt: m?.lastValidatedAt ?? null,
      tokenMasked: m?.tokenMasked ?? null,
      userName: m?.userName ?? null,
      busy: a.busy,
      lastError: a.lastError,
      exportTargets: a.config.exportTargets,
      remoteTargets: a.config.remoteTargets ?? [],
      lastExport: a.lastExport,
      autoRefresh: a.config.autoRefresh,
      canRefresh:
        broker.renewal.kind === 'refresh-token'
          ? m?.refreshExpiresAt !== null &&
            m?.refreshExpiresAt !== undefined &&
            new Date(m.refreshExpiresAt) > now
          : broker.renewal.kind === 'renew-token'
            ? m !== null && !m.revoked && new Date(m.expiresAt) > now
            : false,
      hasPin: a.hasPin,
      apiKey: a.config.apiKey,
      redirectUri: a.config.redirectUri,
      thresholds: a.config.thresholds,
      ...(a.config.clientId !== undefined ? { clientId: a.config.clientId } : {}),
      ...(a.config.cutoffOverride !== undefined ? { cutoffOverride: a.config.cutoffOverride } : {}),
    };
  }

  private publish(force = false): void {
    const snapshot = this.snapshot();
    // `at` changes every call; publish only when something a user can see changed.
    const key = JSON.stringify(snapshot.accounts);
    if (!force && key === this.lastPublished) return;
    this.lastPublished = key;
    for (const listener of this.snapshotListeners) listener(snapshot);
  }

  private emit(notice: ServiceNotice): void {
    for (const listener of this.noticeListeners) listener(notice);
  }

  private note(accountId: string | null, level: ActivityEntry['level'], message: string): void {
    this.activity.add({ at: this.deps.clock.now().toISOString(), accountId, level, message });
  }
}

function newRuntime(
  config: AccountConfig,
  meta: TokenMeta | null,
  hasPin: boolean,
): AccountRuntime {
  return {
    config,
    meta,
    busy: null,
    lastError: null,
    lastExport: [],
    hasPin,
    accessToken: null,
    pendingSave: null,
    metaOwed: false,
    keychainQueue: Promise.resolve(),
    renewalDeferredUntil: null,
  };
}

/** Token facts from settings, or null when they are not token facts at all (never throws). */
function usableMeta(meta: unknown): TokenMeta | null {
  if (typeof meta !== 'object' || meta === null) return null;
  const m = meta as Partial<TokenMeta>;
  if (typeof m.expiresAt !== 'string' || Number.isNaN(Date.parse(m.expiresAt))) return null;
  if (typeof m.issuedAt !== 'string' || Number.isNaN(Date.parse(m.issuedAt))) return null;
  return meta as TokenMeta;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
