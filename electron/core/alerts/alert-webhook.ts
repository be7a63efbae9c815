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
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AlertKind } from '../../../shared/alert-settings';
import { isLoopbackHost } from '../../../shared/remote-targets';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signBody } from '../export/webhook-signature';
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

export function postAlertWebhook(
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
    return Promise.resolve({ ok: false, retryable: false, message: 'The webhook URL is invalid.' });
  }
  if (!(
    target.protocol === 'https:' ||
    (target.protocol === 'http:' && isLoopbackHost(target.hostname))
  )) {
    return Promise.resolve({
      ok: false,
      retryable: false,
      message: 'Use an https:// webhook URL (plain http only to 127.0.0.1 / localhost).',
    });
  }
  const body = alertWebhookBody(alert);
  const timeoutMs = options.timeoutMs ?? 5_000;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(r);
    };
    const reqOptions = {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Content-Length': String(Buffer.byteLength(body)),
        'User-Agent': 'TokenTray',
        [SIGNATURE_HEADER]: signBody(secret, body),
        [DELIVERY_HEADER]: deliveryId,
      },
      agent: false as const,
    };
    const onResponse = (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      res.on('error', () => undefined);
      res.resume(); // drained and dropped: it might echo what we sent
      if (status >= 200 && status < 300) return finish({ ok: true });
      if (status >= 300 && status < 400) {
        return finish({
          ok: false,
          retryable: false,
          message: `Webhook ${label} answered with a redirect (HTTP ${status}), which TokenTray does not follow. Enter the final URL.`,
        });
      }
      if (status === 429 || status >= 500) {
        return finish({
          ok: false,
          retryable: true,
          message: `Webhook ${label} failed with HTTP ${status}.`,
        });
      }
      finish({
        ok: false,
        retryable: false,
        message: `Webhook ${label} refused the alert with HTTP ${status}. Check the URL and that the receiver has the same secret.`,
      });
    };
    const req =
      target.protocol === 'https:'
        ? httpsRequest(
            target,
            { ...reqOptions, ...(options.ca ? { ca: options.ca } : {}) },
            onResponse,
          )
        : httpRequest(target, reqOptions, onResponse);
    const deadline = setTimeout(() => {
      finish({
        ok: false,
        retryable: true,
        message: `Webhook ${label}: no answer within ${Math.round(timeoutMs / 1000)} s.`,
      });
      req.destroy();
    }, timeoutMs);
    req.on('error', (e: unknown) => {
      const code =
        typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string'
          ? e.code.slice(0, 40)
          : 'unknown';
      const tls = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO|HOSTNAME/.test(code);
      finish({
        ok: false,
        retryable: !tls,
        message: tls
          ? `Webhook ${label}: the TLS certificate was not accepted (${code}). Use a certificate your system trusts.`
          : `Webhook ${label}: could not connect (${code}). Check the URL and that the receiver is running.`,
      });
    });
    req.end(body);
  });
}
