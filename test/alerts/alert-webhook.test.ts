/**
 * The alert webhook against a loopback HTTPS receiver with its own CA (test/helpers/https-receiver.ts):
 * the body is signed with the export webhook's scheme and the receiver's check (verifySignature)
 * accepts it; a redirect or a 4xx is final; a 5xx or no answer is retryable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  postAlertWebhook,
  type AlertWebhookPayload,
} from '../../electron/core/alerts/alert-webhook';
import {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  verifySignature,
} from '../../electron/core/export/webhook-signature';
import {
  makeTestCa,
  startHttpsReceiver,
  type HttpsReceiver,
  type TestCa,
} from '../helpers/https-receiver';

const SECRET = 'fake-alert-webhook-secret-123';
const alert: AlertWebhookPayload = {
  kind: 'failure',
  title: 'Upstox · main: export failed',
  text: 'Could not write /home/me/bot/.env. Bots keep reading the previous token.',
  accountId: 'upstox-main',
  at: new Date('2026-12-01T03:15:00Z'),
  late: false,
};

let ca: TestCa;
let rx: HttpsReceiver;
beforeAll(async () => {
  ca = makeTestCa();
  rx = await startHttpsReceiver(ca);
});
afterAll(async () => {
  await rx.close();
  ca.remove();
});

describe('postAlertWebhook', () => {
  it('POSTs the alert as JSON, signed so the receiver verifies it, with the given delivery id', async () => {
    rx.script([200]);
    const r = await postAlertWebhook(rx.url, SECRET, 'delivery-1', alert, { ca: ca.caPem });
    expect(r).toEqual({ ok: true });
    const req = rx.requests.at(-1);
    expect(req?.method).toBe('POST');
    const sig = req?.headers[SIGNATURE_HEADER.toLowerCase()];
    expect(typeof sig).toBe('string');
    expect(verifySignature(SECRET, req?.body ?? '', sig as string)).toBe(true);
    expect(verifySignature('another-secret', req?.body ?? '', sig as string)).toBe(false);
    expect(req?.headers[DELIVERY_HEADER.toLowerCase()]).toBe('delivery-1');
    expect(JSON.parse(req?.body.toString('utf8') ?? '')).toEqual({
      type: 'tokentray.alert',
      kind: 'failure',
      title: alert.title,
      text: alert.text,
      account: 'upstox-main',
      at: '2026-12-01T03:15:00.000Z',
      late: false,
    });
  });

  it('a 5xx or a hang is retryable; a 4xx or a redirect is final and names only origin + path', async () => {
    rx.script([503]);
    expect(await postAlertWebhook(rx.url, SECRET, 'd', alert, { ca: ca.caPem })).toMatchObject({
      ok: false,
      retryable: true,
    });
    rx.script(['hang']);
    expect(
      await postAlertWebhook(rx.url, SECRET, 'd', alert, { ca: ca.caPem, timeoutMs: 200 }),
    ).toMatchObject({ ok: false, retryable: true });
    for (const status of [401, 302]) {
      rx.script([status]);
      const r = await postAlertWebhook(`${rx.url}?key=fake-query-secret`, SECRET, 'd', alert, {
        ca: ca.caPem,
      });
      expect(r).toMatchObject({ ok: false, retryable: false });
      expect(r.ok ? '' : r.message).not.toContain('fake-query-secret');
    }
  });

  it('refuses an untrusted certificate (not retried) and plain http off loopback', async () => {
    const r = await postAlertWebhook(rx.url, SECRET, 'd', alert);
    expect(r).toMatchObject({ ok: false, retryable: false });
    expect(r.ok ? '' : r.message).toMatch(/certificate/);
    expect(await postAlertWebhook('http://example.com/x', SECRET, 'd', alert)).toMatchObject({
      ok: false,
      retryable: false,
    });
  });
});
