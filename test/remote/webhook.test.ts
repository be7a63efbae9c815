/**
 * Webhook target against a real loopback HTTPS receiver with a test CA: the receiver checks the
 * signature as a receiver would (HMAC over the raw body), retries keep one delivery id, a 4xx is not
 * retried, a receiver that never answers meets the (injected, short) deadline.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliverWebhook, webhookBody } from '../../electron/core/export/webhook';
import {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  verifySignature,
} from '../../electron/core/export/webhook-signature';
import { TokenTrayError } from '../../electron/core/errors';
import type { ExportPayload } from '../../electron/core/ports';
import { webhookExportTargetSchema } from '../../shared/remote-targets';
import {
  makeTestCa,
  startHttpsReceiver,
  type HttpsReceiver,
  type TestCa,
} from '../helpers/https-receiver';
import { RecordingLogger } from '../helpers/recording-logger';

const SECRET = 'fake-webhook-secret-for-tests-0001';
const TOKEN = 'fake-access-token-WEBHOOK-0123456789abcdef';

const payload: ExportPayload = {
  accountId: 'upstox-main',
  broker: 'upstox',
  accessToken: TOKEN,
  issuedAt: new Date('2026-12-01T03:00:00.000Z'),
  expiresAt: new Date('2026-12-01T22:00:00.000Z'),
  apiKey: 'fake-api-key',
  userId: 'AB1234',
};

let ca: TestCa;
let receiver: HttpsReceiver;
const fast = { backoffMs: () => 1, timeoutMs: 2_000 };

beforeAll(async () => {
  ca = makeTestCa();
  receiver = await startHttpsReceiver(ca);
});
afterAll(async () => {
  await receiver?.close();
  ca?.remove();
});
beforeEach(() => {
  receiver.requests.length = 0;
  receiver.script([]);
});

function target(includeToken = false) {
  return webhookExportTargetSchema.parse({ kind: 'webhook', url: receiver.url, includeToken });
}

function header(i: number, name: string): string {
  const v = receiver.requests[i]?.headers[name.toLowerCase()];
  return typeof v === 'string' ? v : '';
}

describe('webhook target', () => {
  it('POSTs the account, broker and instants signed with the secret; no token unless ticked', async () => {
    const result = await deliverWebhook(target(), payload, SECRET, { ca: ca.caPem, ...fast });
    expect(result.status).toBe(200);
    expect(receiver.requests).toHaveLength(1);
    const req = receiver.requests[0]!;
    expect(req.method).toBe('POST');
    expect(verifySignature(SECRET, req.body, header(0, SIGNATURE_HEADER))).toBe(true);
    expect(verifySignature('another-secret', req.body, header(0, SIGNATURE_HEADER))).toBe(false);
    expect(JSON.parse(req.body.toString('utf8'))).toEqual({
      account: 'upstox-main',
      broker: 'upstox',
      expires_at: '2026-12-01T22:00:00.000Z',
      issued_at: '2026-12-01T03:00:00.000Z',
    });
    expect(req.body.toString('utf8')).not.toContain(TOKEN);
    expect(header(0, DELIVERY_HEADER)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('includes the access token only when the user ticked it', async () => {
    await deliverWebhook(target(true), payload, SECRET, { ca: ca.caPem, ...fast });
    const body = JSON.parse(receiver.requests[0]!.body.toString('utf8')) as Record<string, string>;
    expect(body.access_token).toBe(TOKEN);
    expect(verifySignature(SECRET, receiver.requests[0]!.body, header(0, SIGNATURE_HEADER))).toBe(
      true,
    );
  });

  it('retries a 500 and succeeds on the 200 with the same delivery id', async () => {
    receiver.script([500, 200]);
    const result = await deliverWebhook(target(), payload, SECRET, { ca: ca.caPem, ...fast });
    expect(result.attempts).toBe(2);
    expect(receiver.requests).toHaveLength(2);
    expect(header(0, DELIVERY_HEADER)).toBe(header(1, DELIVERY_HEADER));
    expect(header(1, DELIVERY_HEADER)).toBe(result.deliveryId);
    expect(receiver.requests[1]!.body.equals(receiver.requests[0]!.body)).toBe(true);
  });

  it('gives up after 3 retries of 5xx and says so', async () => {
    receiver.script([], 503);
    const err = await deliverWebhook(target(), payload, SECRET, { ca: ca.caPem, ...fast }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TokenTrayError);
    expect((err as TokenTrayError).message).toMatch(/HTTP 503 \(tried 4 times\)/);
    expect(receiver.requests).toHaveLength(4);
    expect(new Set(receiver.requests.map((_, i) => header(i, DELIVERY_HEADER))).size).toBe(1);
  });

  it('does not retry a 400 and names the refusal', async () => {
    receiver.script([400, 200]);
    const err = await deliverWebhook(target(), payload, SECRET, { ca: ca.caPem, ...fast }).catch(
      (e: unknown) => e,
    );
    expect((err as TokenTrayError).kind).toBe('export');
    expect((err as TokenTrayError).message).toMatch(
      /refused the delivery with HTTP 400 \(not retried\)/,
    );
    expect(receiver.requests).toHaveLength(1);
  });

  it('ends an attempt to a receiver that never answers at the deadline, and retries it', async () => {
    receiver.script(['hang', 'hang'], 'hang');
    const logger = new RecordingLogger();
    const err = await deliverWebhook(target(true), payload, SECRET, {
      ca: ca.caPem,
      timeoutMs: 150,
      retries: 1,
      backoffMs: () => 1,
      logger,
    }).catch((e: unknown) => e);
    expect((err as TokenTrayError).message).toMatch(/no answer within 0.15 s \(tried 2 times\)/);
    expect(receiver.requests).toHaveLength(2);
    expect(header(0, DELIVERY_HEADER)).toBe(header(1, DELIVERY_HEADER));
    expect(logger.text()).not.toContain(TOKEN);
    expect(logger.text()).not.toContain(SECRET);
  });

  it('refuses a receiver whose certificate the system does not trust, without retrying', async () => {
    const err = await deliverWebhook(target(true), payload, SECRET, fast).catch((e: unknown) => e);
    expect((err as TokenTrayError).message).toMatch(/TLS certificate was not accepted/);
    expect(receiver.requests).toHaveLength(0);
  });

  it('accepts plain http only to loopback, and no credentials in the URL', () => {
    const parse = (url: string) => webhookExportTargetSchema.safeParse({ kind: 'webhook', url });
    expect(parse('http://127.0.0.1:8080/hook').success).toBe(true);
    expect(parse('http://bots.example.com/hook').success).toBe(false);
    expect(parse('https://user:pw@bots.example.com/hook').success).toBe(false);
    expect(parse('ftp://bots.example.com/hook').success).toBe(false);
  });

  it('signs exactly the bytes it sends', () => {
    const body = webhookBody(target(), payload);
    expect(body).toBe(
      '{"account":"upstox-main","broker":"upstox","expires_at":"2026-12-01T22:00:00.000Z","issued_at":"2026-12-01T03:00:00.000Z"}',
    );
  });
});
