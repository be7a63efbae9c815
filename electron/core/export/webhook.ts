/**
 * Webhook export target: an HTTPS POST (plain http only to loopback) of
 *
 *   {"account":"…","broker":"…","expires_at":"…Z","issued_at":"…Z"}  (+ "access_token" when ticked)
 *
 * signed with HMAC-SHA256 (webhook-signature.ts) with a secret kept in the keychain. One delivery has
 * one `X-TokenTray-Delivery` id, kept across its retries so the receiver can drop duplicates. Each
 * attempt has a deadline (5 s); 5xx answers, timeouts and connection failures are retried 3 times with
 * backoff; a 4xx is the receiver saying no, so it is not retried; a redirect is not followed (it would
 * send the body somewhere the user did not name) and counts as a refusal. The receiver's answer body is
 * never read into a message: it might echo the token.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { exportTargetLabel, type WebhookExportTarget } from '../../../shared/remote-targets';
import { TokenTrayError } from '../errors';
import { silentLogger, type ExportPayload, type Logger } from '../ports';
import { DELIVERY_HEADER, newDeliveryId, SIGNATURE_HEADER, signBody } from './webhook-signature';

export interface WebhookOptions {
  /** Per-attempt deadline (default 5 s). */
  readonly timeoutMs?: number;
  /** Retries after the first attempt on 5xx/timeout/connection failure (default 3). */
  readonly retries?: number;
  /** Wait before retry `n` (1-based); default 1 s, 2 s, 4 s. */
  readonly backoffMs?: (retry: number) => number;
  /** Extra CA certificates (PEM) to trust besides the system ones: a self-hosted receiver, tests. */
  readonly ca?: string | Buffer;
  readonly logger?: Logger;
}

export interface WebhookResult {
  readonly status: number;
  readonly attempts: number;
  readonly deliveryId: string;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const DEFAULT_RETRIES = 3;

/** The exact body sent (the signature covers these bytes). */
export function webhookBody(target: WebhookExportTarget, payload: ExportPayload): string {
  const body: Record<string, string> = {
    account: payload.accountId,
    broker: payload.broker,
    expires_at: payload.expiresAt.toISOString(),
    issued_at: payload.issuedAt.toISOString(),
  };
  if (target.includeToken) body.access_token = payload.accessToken;
  return JSON.stringify(body);
}

type Attempt =
  | { readonly kind: 'answered'; readonly status: number }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'network'; readonly code: string; readonly tls: boolean };

const TLS_CODES = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO|HOSTNAME|ERR_TLS/;

function errorCode(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') {
    return e.code.slice(0, 64);
  }
  return 'unknown';
}

function postOnce(
  url: URL,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  ca: string | Buffer | undefined,
): Promise<Attempt> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (attempt: Attempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(attempt);
    };
    const options = {
      method: 'POST',
      headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
      agent: false as const,
    };
    const onResponse = (res: IncomingMessage) => {
      // Drain (bounded) and drop: the body is never shown, it might echo what we sent.
      let seen = 0;
      res.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > 64 * 1024) res.destroy();
      });
      res.on('error', () => undefined);
      finish({ kind: 'answered', status: res.statusCode ?? 0 });
      res.resume();
    };
    const req =
      url.protocol === 'https:'
        ? httpsRequest(url, { ...options, ...(ca ? { ca } : {}) }, onResponse)
        : httpRequest(url, options, onResponse);
    const deadline = setTimeout(() => {
      finish({ kind: 'timeout' });
      req.destroy();
    }, timeoutMs);
    req.on('error', (e) => {
      const code = errorCode(e);
      finish({ kind: 'network', code, tls: TLS_CODES.test(code) });
    });
    req.end(body);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Delivers one token to one webhook. Resolves on a 2xx; otherwise throws TokenTrayError('export')
 * naming the URL (without credentials or query) and what to do.
 */
export async function deliverWebhook(
  target: WebhookExportTarget,
  payload: ExportPayload,
  secret: string,
  options: WebhookOptions = {},
): Promise<WebhookResult> {
  const logger = options.logger ?? silentLogger;
  const label = exportTargetLabel(target);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retries = options.retries ?? DEFAULT_RETRIES;
  const backoff = options.backoffMs ?? ((n: number) => 1000 * 2 ** (n - 1));
  const url = new URL(target.url);
  const body = webhookBody(target, payload);
  const deliveryId = newDeliveryId();
  const headers = {
    'Content-Type': 'application/json',
    'User-Agent': 'TokenTray',
    [SIGNATURE_HEADER]: signBody(secret, body),
    [DELIVERY_HEADER]: deliveryId,
  };

  let last: Attempt | null = null;
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    if (attempt > 1) await sleep(backoff(attempt - 1));
    last = await postOnce(url, headers, body, timeoutMs, options.ca);
    if (last.kind === 'answered' && last.status >= 200 && last.status < 300) {
      logger.info('export: webhook delivered', {
        target: label,
        status: last.status,
        attempts: attempt,
        deliveryId,
      });
      return { status: last.status, attempts: attempt, deliveryId };
    }
    const retryable =
      last.kind === 'timeout' ||
      (last.kind === 'network' && !last.tls) ||
      (last.kind === 'answered' && last.status >= 500);
    logger.warn('export: webhook attempt failed', {
      target: label,
      attempt,
      result:
        last.kind === 'answered' ? last.status : last.kind === 'network' ? last.code : 'timeout',
      retry: retryable && attempt <= retries,
    });
    if (!retryable) break;
  }
  throw new TokenTrayError('export', `Webhook ${label}: ${describe(last, timeoutMs, retries)}`);
}

function describe(last: Attempt | null, timeoutMs: number, retries: number): string {
  if (!last) return 'nothing was sent.';
  if (last.kind === 'timeout') {
    return `no answer within ${timeoutMs / 1000} s (tried ${retries + 1} times). Check that the receiver is up and answers quickly.`;
  }
  if (last.kind === 'network') {
    return last.tls
      ? `the TLS certificate was not accepted (${last.code}); nothing was sent. Use a certificate your system trusts.`
      : `could not connect (${last.code}; tried ${retries + 1} times). Check the URL and that the receiver is running.`;
  }
  if (last.status >= 500) {
    return `the receiver failed with HTTP ${last.status} (tried ${retries + 1} times). Check the receiver's log.`;
  }
  if (last.status >= 300 && last.status < 400) {
    return `the receiver answered with a redirect (HTTP ${last.status}), which TokenTray does not follow. Enter the final URL.`;
  }
  return `the receiver refused the delivery with HTTP ${last.status} (not retried). Check the URL and that the receiver has the same secret.`;
}
