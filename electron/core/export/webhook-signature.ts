/**
 * How TokenTray signs what it POSTs (the export webhook; the alerts webhook can reuse it):
 *
 *   X-TokenTray-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes, keyed with the secret>
 *   X-TokenTray-Delivery:  <uuid>  — the same on every retry of one delivery, for idempotency
 *
 * The format follows GitHub's `X-Hub-Signature-256`, so receivers can reuse the code they have.
 * A receiver recomputes the HMAC over the raw body (before any JSON parsing) and compares in constant
 * time; `verifySignature` is that check, used by the tests as a receiver would.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-TokenTray-Signature';
export const DELIVERY_HEADER = 'X-TokenTray-Delivery';

/** `sha256=<64 hex digits>` for `body` (the bytes sent, exactly). */
export function signBody(secret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Constant-time check of a received signature header against the body. */
export function verifySignature(
  secret: string,
  body: string | Uint8Array,
  header: string | undefined | null,
): boolean {
  if (typeof header !== 'string' || !/^sha256=[0-9a-f]{64}$/.test(header)) return false;
  const expected = Buffer.from(signBody(secret, body));
  const got = Buffer.from(header);
  return expected.length === got.length && timingSafeEqual(expected, got);
}

/** A fresh delivery id (random UUID). */
export function newDeliveryId(): string {
  return randomUUID();
}
