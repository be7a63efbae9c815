/**
 * The alert dispatcher (issue 13): one decision, many channels. The app hands it what happened
 * (TokenService notices, automatic refresh failures, the morning summary); it words the alert once
 * and queues it for every enabled channel that subscribed to that kind (Settings → Alert channels).
 *
 * - Each channel has its own queue: a slow or failing channel never holds up another, the desktop,
 *   or the caller (publish() returns at once; nothing is awaited by TokenService or the notifier).
 * - A failed delivery is retried with backoff (30 s, 1, 2, 4, 8 min; Telegram's 429
 *   `parameters.retry_after` honoured instead) through the injected Clock, in timers of ≤ 60 s; a
 *   refusal that cannot heal (bad token, chat not found, 4xx) is not retried. After the last try the
 *   alert is dropped and the channel shows the error.
 * - Each channel records its last success and last error (shown in Settings).
 * - Alerts hold no token, secret or link carrying one: their words come from account names,
 *   readiness and TokenTray's own error messages (which never carry secrets), bounded to one line,
 *   with any URL cut to its origin and path.
 * - Calendar: failures, revocations and refresh-token warnings go on any day (a bot may run over a
 *   holiday); the summary only on trading days (morning-summary.ts). The same alert (kind, account,
 *   words) is sent at most once in 6 hours: an export that fails on every retry is one message.
 */
import {
  ALERT_CHANNEL_IDS,
  type AlertChannelId,
  type AlertChannelStatus,
  type AlertKind,
} from '../../../shared/alert-settings';
import type { AccountView, Preferences, Snapshot } from '../../../shared/domain';
import { untrustedText } from '../../../shared/untrusted-text';
import { accountName } from '../app/tray-presenter';
import { newDeliveryId } from '../export/webhook-signature';
import type { ServiceNotice } from '../lifecycle/token-service';
import type { Clock, Logger, SecretStore } from '../ports';
import { ALERTS_SECRET_ACCOUNT } from '../secrets/secret-names';
import { postAlertWebhook, type AlertWebhookOptions } from './alert-webhook';
import { MorningSummary, type SummaryText } from './morning-summary';
import {
  sendTelegramMessage,
  telegramBotTokenSchema,
  type SendResult,
  type TelegramOptions,
} from './telegram';
import { TokenTrayError } from '../errors';

const MINUTE = 60_000;
const DEDUPE_MS = 6 * 60 * MINUTE;
const MAX_QUEUE = 50;
/** Waits before retry n (1-based). */
export const DEFAULT_BACKOFF_MS: readonly number[] = [30_000, 60_000, 120_000, 240_000, 480_000];

export interface Alert {
  /** Also the webhook's delivery id (kept across retries). */
  readonly id: string;
  readonly kind: AlertKind | 'test';
  readonly title: string;
  readonly body: string;
  readonly accountId: string | null;
  readonly at: Date;
  readonly late: boolean;
}

/** One delivery attempt over one channel. */
export type ChannelSender = (alert: Alert) => Promise<SendResult>;

export interface AlertChannelsDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly secrets: SecretStore;
  readonly preferences: () => Preferences;
  readonly snapshot: () => Snapshot;
  readonly telegram?: TelegramOptions;
  readonly webhook?: AlertWebhookOptions;
  /** Waits before each retry (default DEFAULT_BACKOFF_MS); its length is the number of retries. */
  readonly backoffMs?: readonly number[];
  /** Replaces the real senders (the bench counts messages without a network). */
  readonly senders?: Partial<Record<AlertChannelId, ChannelSender>>;
}

interface Job {
  readonly alert: Alert;
  retries: number;
}

interface ChannelState {
  readonly queue: Job[];
  busy: boolean;
  lastSuccessAt: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
  /** Messages delivered, for the bench. */
  delivered: number;
  timer: unknown;
}

/** Cuts any URL to origin + path (a query could carry a token) and bounds the text to one line. */
export function safeAlertText(text: string, maxChars = 300): string {
  const noQuery = text.replace(/\b(https?:\/\/[^\s?#]+)[?#]\S*/gi, '$1');
  return untrustedText(noQuery, { maxChars }) ?? '';
}

export class AlertChannels {
  private readonly state: Record<AlertChannelId, ChannelState>;
  private readonly recent = new Map<string, number>();
  private readonly senders: Record<AlertChannelId, ChannelSender>;
  readonly summary: MorningSummary;
  /** After stop() nothing more is sent (alerts published before start() are: a revocation found
   * by the first validation is news). */
  private stopped = false;

  constructor(private readonly deps: AlertChannelsDeps) {
    const fresh = (): ChannelState => ({
      queue: [],
      busy: false,
      lastSuccessAt: null,
      lastErrorAt: null,
      lastError: null,
      delivered: 0,
      timer: undefined,
    });
    this.state = { telegram: fresh(), webhook: fresh() };
    this.senders = {
      telegram: deps.senders?.telegram ?? ((a) => this.sendTelegram(a)),
      webhook: deps.senders?.webhook ?? ((a) => this.sendWebhook(a)),
    };
    this.summary = new MorningSummary({
      clock: deps.clock,
      snapshot: deps.snapshot,
      preferences: deps.preferences,
      active: () => ALERT_CHANNEL_IDS.some((c) => this.enabled(c)),
      sendSummary: (text, late) => this.publish('morning-summary', null, text, late),
      sendRefreshTokenWarning: (view, text) => this.publish('refresh-token', view.id, text),
    });
  }

  start(): void {
    this.stopped = false;
    this.summary.start();
  }

  stop(): void {
    this.stopped = true;
    this.summary.stop();
    for (const id of ALERT_CHANNEL_IDS) {
      const s = this.state[id];
      if (s.timer !== undefined) this.deps.clock.cancelTimer(s.timer);
      s.timer = undefined;
    }
  }

  /** Resume/unlock or settings saved: the summary looks again (sends late if it was missed). */
  wake(): void {
    this.summary.wake();
  }

  // ------------------------------------------------------------------ what happened

  handleNotice(notice: ServiceNotice): void {
    const view = this.view(notice.accountId);
    if (!view) return;
    const name = accountName(view);
    switch (notice.kind) {
      case 'revoked':
        this.publish('revoked', view.id, {
          title: `${name}: token revoked`,
          body: `The broker no longer accepts the token of ${name}. Log in again on your computer.`,
        });
        return;
      case 'export-failed':
        this.publish('failure', view.id, {
          title: `${name}: export failed`,
          body: `${safeAlertText(notice.message)} Bots keep reading the previous token.`,
        });
        return;
      default:
        // Logins and refreshes are good news; a manual refresh failure shows where the user clicked.
        return;
    }
  }

  /** An automatic (silent) refresh failed: nobody is watching, so this is worth a message. */
  autoRefreshFailed(accountId: string, reason: string): void {
    const view = this.view(accountId);
    if (!view) return;
    const name = accountName(view);
    this.publish('failure', accountId, {
      title: `${name}: automatic refresh failed`,
      body: `${safeAlertText(reason)} Log in on your computer if it does not recover.`,
    });
  }

  /** A login that failed without the user watching (e.g. a "Log in all" round). */
  loginFailed(accountId: string, reason: string): void {
    const view = this.view(accountId);
    if (!view) return;
    this.publish('failure', accountId, {
      title: `${accountName(view)}: login failed`,
      body: safeAlertText(reason),
    });
  }

  /** Queues an alert for every enabled channel subscribed to `kind`. Never blocks, never throws. */
  publish(kind: AlertKind, accountId: string | null, text: SummaryText, late = false): void {
    const now = this.deps.clock.now();
    const key = `${kind}|${accountId ?? ''}|${text.title}|${text.body}`;
    const seen = this.recent.get(key);
    if (kind !== 'morning-summary' && seen !== undefined && now.getTime() - seen < DEDUPE_MS) {
      return;
    }
    this.recent.set(key, now.getTime());
    for (const [k, at] of this.recent) if (now.getTime() - at >= DEDUPE_MS) this.recent.delete(k);
    const alert: Alert = {
      id: newDeliveryId(),
      kind,
      title: text.title,
      body: text.body,
      accountId,
      at: now,
      late,
    };
    for (const channel of ALERT_CHANNEL_IDS) {
      if (!this.enabled(channel) || !this.subscribed(channel, kind)) continue;
      this.enqueue(channel, alert);
    }
  }

  /** Settings → "Send test message": one attempt, now, answered to the caller. */
  async sendTest(channel: AlertChannelId): Promise<AlertChannelStatus> {
    const now = this.deps.clock.now();
    const alert: Alert = {
      id: newDeliveryId(),
      kind: 'test',
      title: 'TokenTray test message',
      body: 'Alerts from TokenTray will arrive here.',
      accountId: null,
      at: now,
      late: false,
    };
    const result = await this.attempt(channel, alert);
    this.record(channel, result);
    return this.channelStatus(channel, await this.hasSecret(channel));
  }

  async status(): Promise<AlertChannelStatus[]> {
    const out: AlertChannelStatus[] = [];
    for (const c of ALERT_CHANNEL_IDS) out.push(this.channelStatus(c, await this.hasSecret(c)));
    return out;
  }

  /**
   * Settings: stores the Telegram bot token or the webhook's signing secret in the keychain ('' deletes
   * it). Checked first; the value is never echoed, logged or put in an error.
   */
  async setSecret(channel: AlertChannelId, value: string): Promise<void> {
    const kind = channel === 'telegram' ? 'telegram-bot-token' : 'alert-webhook-secret';
    if (value === '') return this.deps.secrets.delete(ALERTS_SECRET_ACCOUNT, kind);
    let clean = value.trim();
    if (channel === 'telegram') {
      const parsed = telegramBotTokenSchema.safeParse(clean);
      if (!parsed.success) {
        throw new TokenTrayError(
          'config',
          'That does not look like a Telegram bot token (123456789:AAE…). Copy it again from @BotFather; nothing was saved.',
        );
      }
      clean = parsed.data;
    } else if (clean.length < 16 || clean.length > 4096) {
      throw new TokenTrayError(
        'config',
        'Use a webhook secret of 16 to 4096 characters (e.g. a random password); nothing was saved.',
      );
    }
    this.deps.logger.registerSecret(clean);
    await this.deps.secrets.set(ALERTS_SECRET_ACCOUNT, kind, clean);
  }

  /** Messages delivered per channel (bench). */
  deliveredCount(channel: AlertChannelId): number {
    return this.state[channel].delivered;
  }

  pendingCount(channel: AlertChannelId): number {
    return this.state[channel].queue.length;
  }

  /** A failed delivery is waiting for its retry time (a Clock timer is armed). */
  waitingForRetry(channel: AlertChannelId): boolean {
    return this.state[channel].timer !== undefined;
  }

  // ------------------------------------------------------------------ delivery

  private enabled(channel: AlertChannelId): boolean {
    const alerts = this.deps.preferences().alerts;
    return alerts?.[channel]?.enabled === true;
  }

  private subscribed(channel: AlertChannelId, kind: AlertKind): boolean {
    return this.deps.preferences().alerts?.[channel]?.kinds.includes(kind) === true;
  }

  private enqueue(channel: AlertChannelId, alert: Alert): void {
    const s = this.state[channel];
    if (s.queue.length >= MAX_QUEUE) {
      s.queue.shift();
      this.deps.logger.warn('alerts: queue full, oldest alert dropped', { channel });
    }
    s.queue.push({ alert, retries: 0 });
    this.pump(channel);
  }

  /** Sends the head of the queue unless a send or a retry wait is in progress. */
  private pump(channel: AlertChannelId): void {
    const s = this.state[channel];
    if (this.stopped || s.busy || s.timer !== undefined) return;
    const job = s.queue[0];
    if (!job) return;
    s.busy = true;
    void this.attempt(channel, job.alert).then((result) => {
      s.busy = false;
      this.record(channel, result);
      if (result.ok || !result.retryable || job.retries >= this.backoff().length) {
        if (!result.ok) {
          this.deps.logger.warn('alerts: alert dropped', { channel, kind: job.alert.kind });
        }
        s.queue.shift();
        this.pump(channel);
        return;
      }
      const wait = result.retryAfterMs ?? this.backoff()[job.retries] ?? MINUTE;
      job.retries += 1;
      this.waitThen(channel, this.deps.clock.now().getTime() + wait);
    });
  }

  /** Waits until the wall clock reaches `until`, in timers of ≤ 60 s, then pumps again. */
  private waitThen(channel: AlertChannelId, until: number): void {
    const s = this.state[channel];
    const left = until - this.deps.clock.now().getTime();
    if (left <= 0 || this.stopped) {
      s.timer = undefined;
      this.pump(channel);
      return;
    }
    s.timer = this.deps.clock.setTimer(Math.min(MINUTE, left), () => {
      s.timer = undefined;
      this.waitThen(channel, until);
    });
  }

  private backoff(): readonly number[] {
    return this.deps.backoffMs ?? DEFAULT_BACKOFF_MS;
  }

  private async attempt(channel: AlertChannelId, alert: Alert): Promise<SendResult> {
    try {
      return await this.senders[channel](alert);
    } catch (e) {
      // Keychain trouble and the like: the message is TokenTray's own (no secrets).
      const message = e instanceof Error ? safeAlertText(e.message) : 'unknown error';
      return { ok: false, retryable: true, message };
    }
  }

  private record(channel: AlertChannelId, result: SendResult): void {
    const s = this.state[channel];
    const at = this.deps.clock.now().toISOString();
    if (result.ok) {
      s.lastSuccessAt = at;
      s.delivered += 1;
    } else {
      s.lastErrorAt = at;
      s.lastError = result.message;
      this.deps.logger.warn('alerts: delivery failed', { channel, retryable: result.retryable });
    }
  }

  private async sendTelegram(alert: Alert): Promise<SendResult> {
    const chatId = this.deps.preferences().alerts?.telegram?.chatId;
    if (!chatId) {
      return { ok: false, retryable: false, message: 'Enter the Telegram chat id in Settings.' };
    }
    const token = await this.deps.secrets.get(ALERTS_SECRET_ACCOUNT, 'telegram-bot-token');
    if (!token) {
      return {
        ok: false,
        retryable: false,
        message: 'No Telegram bot token is stored. Paste it in Settings → Alert channels.',
      };
    }
    this.deps.logger.registerSecret(token);
    return sendTelegramMessage(
      token,
      chatId,
      { title: alert.title, body: alert.body },
      this.deps.telegram,
    );
  }

  private async sendWebhook(alert: Alert): Promise<SendResult> {
    const url = this.deps.preferences().alerts?.webhook?.url;
    if (!url) return { ok: false, retryable: false, message: 'Enter the webhook URL in Settings.' };
    const secret = await this.deps.secrets.get(ALERTS_SECRET_ACCOUNT, 'alert-webhook-secret');
    if (!secret) {
      return {
        ok: false,
        retryable: false,
        message: 'No webhook secret is stored. Enter one in Settings → Alert channels.',
      };
    }
    this.deps.logger.registerSecret(secret);
    return postAlertWebhook(
      url,
      secret,
      alert.id,
      {
        kind: alert.kind,
        title: alert.title,
        text: alert.body,
        accountId: alert.accountId,
        at: alert.at,
        late: alert.late,
      },
      this.deps.webhook,
    );
  }

  private async hasSecret(channel: AlertChannelId): Promise<boolean> {
    try {
      const kind = channel === 'telegram' ? 'telegram-bot-token' : 'alert-webhook-secret';
      return (await this.deps.secrets.get(ALERTS_SECRET_ACCOUNT, kind)) !== null;
    } catch {
      return false;
    }
  }

  private channelStatus(channel: AlertChannelId, hasSecret: boolean): AlertChannelStatus {
    const s = this.state[channel];
    return {
      channel,
      enabled: this.enabled(channel),
      hasSecret,
      lastSuccessAt: s.lastSuccessAt,
      lastErrorAt: s.lastErrorAt,
      lastError: s.lastError,
      pending: s.queue.length,
    };
  }

  private view(accountId: string): AccountView | undefined {
    return this.deps.snapshot().accounts.find((a) => a.id === accountId);
  }
}
