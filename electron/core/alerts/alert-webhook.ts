/**
 * Webhook channel: an HTTPS POST (plain http only to loopback) of one alert as JSON,
 *
 *   {"type":"tokentray.alert","kind":"failure","title":"…","text":"…","account":"…"|null,
 *    "at":"…Z","late":false}
 *
 * signed exactly like the export webhook (export/webhook-signature.ts): `X-TokenTray-Signature:
 * sha256=<hex HMAC of the body>` and `X-TokenTray-Delivery: <id>`, the id kept across retries so a
 * receiver drops duplicates. One attempt here; channels.ts retries. A redirect is not followed and the
 * receiver's answer body is never read into a message.
 */
import type { AlertKind } from '../../../shared/alert-settings';
import { isLoopbackHost } from '../../../shared/remote-targets';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signBody } from '../export/webhook-signature';
import { postJson } from './post-json';
import type { SendResult } from './telegram';

export interface AlertWebhookPayload {
  readonly kind: AlertKind | 'test';
  readonly title: string;
  readonly text: string;
  readonly accountId: string | null;
  readonly at: Date;
  readonly late: boolean;
}

export interface AlertWebhookOptions {
  /** Per-attempt deadline (default 5 s). */
  readonly timeoutMs?: number;
  /** Extra CA certificates (PEM) to trust: a self-hosted receiver, tests. */
  readonly ca?: string | Buffer;
}

/** The exact bytes sent (the signature covers them). */
export function alertWebhookBody(alert: AlertWebhookPayload): string {
  return JSON.stringify({
    type: 'tokentray.alert',
    kind: alert.kind,
    title: alert.title,
    text: alert.text,
    account: alert.accountId,
    at: alert.at.toISOString(),
    late: alert.late,
  });
}

/** "https://host:port/path" without user, query or fragment: safe to show. */
export function alertWebhookLabel(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

export async function postAlertWebhook(
  url: string,
  secret: string,
  deliveryId: string,
  alert: AlertWebhookPayload,
  options: AlertWebhookOptions = {},
): Promise<SendResult> {
  const label = alertWebhookLabel(url);
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, retryable: false, message: 'The webhook URL is invalid.' };
  }
  if (!(
    target.protocol === 'https:' ||
    (target.protocol === 'http:' && isLoopbackHost(target.hostname))
  )) {
    return {
      ok: false,
      retryable: false,
      message: 'Use an https:// webhook URL (plain http only to 127.0.0.1 / localhost).',
    };
  }
  const body = alertWebhookBody(alert);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const outcome = await postJson(target, body, {
    timeoutMs,
    maxAnswerBytes: 0, // drained and dropped: it might echo what we sent
    headers: { [SIGNATURE_HEADER]: signBody(secret, body), [DELIVERY_HEADER]: deliveryId },
    ca: options.ca,
  });
  if (outcome.kind === 'timeout') {
    return {
      ok: false,
      retryable: true,
      message: `Webhook ${label}: no answer within ${Math.round(timeoutMs / 1000)} s.`,
    };
  }
  if (outcome.kind === 'network') {
    const { code } = outcome;
    const tls = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO|HOSTNAME/.test(code);
    return {
      ok: false,
      retryable: !tls,
      message: tls
        ? `Webhook ${label}: the TLS certificate was not accepted (${code}). Use a certificate your system trusts.`
        : `Webhook ${label}: could not connect (${code}). Check the URL and that the receiver is running.`,
    };
  }
  const { status } = outcome;
  if (status >= 200 && status < 300) return { ok: true };
  if (status >= 300 && status < 400) {
    return {
      ok: false,
      retryable: false,
      message: `Webhook ${label} answered with a redirect (HTTP ${status}), which TokenTray does not follow. Enter the final URL.`,
    };
  }
  if (status === 429 || status >= 500) {
    return { ok: false, retryable: true, message: `Webhook ${label} failed with HTTP ${status}.` };
  }
  return {
    ok: false,
    retryable: false,
    message: `Webhook ${label} refused the alert with HTTP ${status}. Check the URL and that the receiver has the same secret.`,
  };
}
