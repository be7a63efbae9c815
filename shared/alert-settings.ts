/**
 * Settings → Alert channels (issue 13): where alerts go besides the desktop (Telegram, a signed
 * webhook), which kinds each channel receives, and when the morning summary is sent. Nothing here is
 * secret: the Telegram bot token and the webhook's signing secret live in the OS keychain.
 */
import { z } from 'zod';
import { webhookExportTargetSchema } from './remote-targets';

/**
 * What a channel can subscribe to: the morning summary (trading days), failures (automatic refresh,
 * export/delivery, login), revocations, and a refresh token (FYERS) running out soon.
 */
export const ALERT_KINDS = ['morning-summary', 'failure', 'revoked', 'refresh-token'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const alertKindSchema = z.enum(ALERT_KINDS);

export const ALERT_KIND_LABELS: Readonly<Record<AlertKind, string>> = {
  'morning-summary': 'Morning summary',
  failure: 'Failures (refresh, login, export)',
  revoked: 'Revoked tokens',
  'refresh-token': 'Refresh token running out',
};

export const ALERT_CHANNEL_IDS = ['telegram', 'webhook'] as const;
export type AlertChannelId = (typeof ALERT_CHANNEL_IDS)[number];
export const alertChannelIdSchema = z.enum(ALERT_CHANNEL_IDS);

/**
 * A Telegram chat id: a number (negative for groups and channels, e.g. -1001234567890) or a public
 * channel's @username (Bot API sendMessage `chat_id`).
 */
export const telegramChatIdSchema = z
  .string()
  .trim()
  .regex(
    /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/,
    'a chat id is a number such as 123456789 or -1001234567890, or a channel name such as @my_alerts',
  );

const kindsSchema = z
  .array(alertKindSchema)
  .max(ALERT_KINDS.length)
  .transform((kinds) => [...new Set(kinds)])
  .default([...ALERT_KINDS]);

export const telegramChannelSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  chatId: telegramChatIdSchema,
  kinds: kindsSchema,
});
export type TelegramChannelSettings = z.infer<typeof telegramChannelSettingsSchema>;

export const alertWebhookSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  /** Same rules as the export webhook: https (plain http only to loopback), no user:password. */
  url: webhookExportTargetSchema.shape.url,
  kinds: kindsSchema,
});
export type AlertWebhookSettings = z.infer<typeof alertWebhookSettingsSchema>;

export const DEFAULT_MORNING_SUMMARY = '08:45';

export const alertSettingsSchema = z.object({
  /** IST HH:MM on trading days. */
  morningSummary: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use a 24-hour time such as 08:45')
    .default(DEFAULT_MORNING_SUMMARY),
  telegram: telegramChannelSettingsSchema.optional(),
  webhook: alertWebhookSettingsSchema.optional(),
});
export type AlertSettings = z.infer<typeof alertSettingsSchema>;

/** A channel's health as Settings shows it (never a secret, never the receiver's answer body). */
export const alertChannelStatusSchema = z.object({
  channel: alertChannelIdSchema,
  enabled: z.boolean(),
  /** A bot token / signing secret is stored in the keychain. */
  hasSecret: z.boolean(),
  lastSuccessAt: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  lastError: z.string().nullable(),
  /** Alerts waiting for a retry. */
  pending: z.number().int().min(0),
});
export type AlertChannelStatus = z.infer<typeof alertChannelStatusSchema>;
