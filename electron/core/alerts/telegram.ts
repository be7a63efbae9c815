/**
 * Telegram channel: one Bot API `sendMessage` call (https://core.telegram.org/bots/api#sendmessage).
 *
 *   POST <base>/bot<token>/sendMessage   {"chat_id": "...", "text": "...", "parse_mode": "HTML",
 *                                         "link_preview_options": {"is_disabled": true}}
 *
 * - parse_mode HTML: the only markup is the <b>title</b>; everything else is escaped (&, <, >), the
 *   three characters the Bot API's HTML mode requires escaped ("All <, > and & symbols that are not
 *   a part of a tag or an HTML entity must be replaced"). MarkdownV2 would need 18 characters escaped
 *   and breaks on any miss.
 * - The text is at most 4096 characters after entity parsing (Bot API limit); we bound the *escaped*
 *   string to 4096 UTF-16 units, which is stricter, and never cut through an entity or a surrogate pair.
 * - The bot token is part of the URL path, so no URL ever reaches a message or a log line: errors are
 *   described by HTTP status and Telegram's `description` (bounded, single-line, with the token masked).
 * - One attempt here; the dispatcher (channels.ts) retries, honouring `parameters.retry_after` on 429.
 */
import { z } from 'zod';
import { isLoopbackHost } from '../../../shared/remote-targets';
import { untrustedText } from '../../../shared/untrusted-text';
import { postJson } from './post-json';

export const TELEGRAM_API_BASE = 'https://api.telegram.org';
export const TELEGRAM_MAX_TEXT = 4096;
const MAX_ANSWER_BYTES = 64 * 1024;

/** Bot tokens look like "123456789:AA…" (digits, colon, 30+ URL-safe characters). */
export const telegramBotTokenSchema = z
  .string()
  .trim()
  .regex(
    /^\d{3,20}:[A-Za-z0-9_-]{20,100}$/,
    'a bot token looks like 123456789:AAE… — copy it from @BotFather without spaces',
  );

export interface TelegramOptions {
  /** Bot API base (default https://api.telegram.org); tests point it at a loopback fake. */
  readonly baseUrl?: string;
  /** Per-attempt deadline (default 10 s). */
  readonly timeoutMs?: number;
}

export interface TelegramMessage {
  readonly title: string;
  readonly body: string;
}

/** What one attempt came to. Messages never hold the token or the URL. */
export type SendResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** Worth trying again (429, 5xx, timeout, connection trouble). */
      readonly retryable: boolean;
      /** Telegram asked us to wait this long (429 parameters.retry_after). */
      readonly retryAfterMs?: number;
      readonly message: string;
    };

/** Escapes text for parse_mode HTML. */
export function escapeTelegramHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The HTML text sent for a message, at most TELEGRAM_MAX_TEXT units: the escaped body is cut at a
 * character boundary (never inside an entity or a surrogate pair) and ends with "…" when cut.
 */
export function telegramText(message: TelegramMessage): string {
  const head = `<b>${escapeTelegramHtml(message.title.slice(0, 200))}</b>\n`;
  const room = TELEGRAM_MAX_TEXT - head.length;
  let out = '';
  const chars = Array.from(message.body); // code points: a pair is never split
  for (let i = 0; i < chars.length; i++) {
    const piece = escapeTelegramHtml(chars[i] ?? '');
    const needsEllipsis = i < chars.length - 1;
    if (out.length + piece.length + (needsEllipsis ? 1 : 0) > room) {
      out += '…';
      break;
    }
    out += piece;
  }
  return head + out;
}

const answerSchema = z.object({
  ok: z.boolean(),
  error_code: z.number().int().optional(),
  description: z.unknown().optional(),
  parameters: z.object({ retry_after: z.number().int().min(0).optional() }).optional(),
});

function baseUrlProblem(base: URL): string | null {
  if (base.protocol === 'https:') return null;
  if (base.protocol === 'http:' && isLoopbackHost(base.hostname)) return null;
  return 'the Bot API address must be https (plain http only to 127.0.0.1)';
}

function mask(text: string, token: string): string {
  return token ? text.split(token).join('•••') : text;
}

/** Sends one message. Never throws; never puts the token in what it returns. */
export async function sendTelegramMessage(
  botToken: string,
  chatId: string,
  message: TelegramMessage,
  options: TelegramOptions = {},
): Promise<SendResult> {
  const parsedToken = telegramBotTokenSchema.safeParse(botToken);
  if (!parsedToken.success) {
    return {
      ok: false,
      retryable: false,
      message:
        'The stored bot token does not look like a Telegram bot token. Paste it again from @BotFather.',
    };
  }
  const token = parsedToken.data;
  let base: URL;
  try {
    base = new URL(options.baseUrl ?? TELEGRAM_API_BASE);
  } catch {
    return { ok: false, retryable: false, message: 'The Bot API address is not a URL.' };
  }
  const problem = baseUrlProblem(base);
  if (problem) return { ok: false, retryable: false, message: `Telegram: ${problem}.` };
  const url = new URL(`${base.pathname.replace(/\/$/, '')}/bot${token}/sendMessage`, base);
  const body = JSON.stringify({
    chat_id: chatId,
    text: telegramText(message),
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
  });
  const timeoutMs = options.timeoutMs ?? 10_000;
  const outcome = await postJson(url, body, { timeoutMs, maxAnswerBytes: MAX_ANSWER_BYTES });
  if (outcome.kind === 'timeout') {
    return {
      ok: false,
      retryable: true,
      message: `Telegram did not answer within ${Math.round(timeoutMs / 1000)} s.`,
    };
  }
  if (outcome.kind === 'network') {
    return {
      ok: false,
      retryable: true,
      message: `Could not reach Telegram (${outcome.code}). Check the internet connection.`,
    };
  }
  const { status, body: raw } = outcome;
  let parsed: z.infer<typeof answerSchema> | null;
  try {
    const r = answerSchema.safeParse(JSON.parse(raw));
    parsed = r.success ? r.data : null;
  } catch {
    parsed = null;
  }
  if (status >= 200 && status < 300 && parsed?.ok === true) return { ok: true };
  const description =
    untrustedText(parsed?.description, { maxChars: 160, redact: (t) => mask(t, token) }) ??
    `HTTP ${status}`;
  const code = parsed?.error_code ?? status;
  if (code === 429) {
    const after = parsed?.parameters?.retry_after;
    return {
      ok: false,
      retryable: true,
      ...(after !== undefined ? { retryAfterMs: Math.min(after, 3600) * 1000 } : {}),
      message: `Telegram asked to slow down (${description}); retrying${after !== undefined ? ` in ${after} s` : ''}.`,
    };
  }
  if (code === 401 || code === 404) {
    // Telegram answers 401 Unauthorized for a wrong/revoked token (404 for a malformed one).
    return {
      ok: false,
      retryable: false,
      message:
        'Telegram rejected the bot token (Unauthorized). Create a new token with @BotFather (/token) and paste it in Settings → Alert channels.',
    };
  }
  if (code === 400 && /chat not found/i.test(description)) {
    return {
      ok: false,
      retryable: false,
      message:
        'Telegram: chat not found. Check the chat id, and send your bot a message first (a bot cannot start a chat).',
    };
  }
  if (code === 403) {
    return {
      ok: false,
      retryable: false,
      message: `Telegram refused to deliver (${description}). Unblock the bot or add it to the group again.`,
    };
  }
  if (status >= 500 || code >= 500) {
    return { ok: false, retryable: true, message: `Telegram failed (${description}).` };
  }
  return { ok: false, retryable: false, message: `Telegram refused the message (${description}).` };
}
