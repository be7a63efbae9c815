/**
 * A non-reversible fingerprint of the last issued access token, kept in the settings file so that a
 * restart can tell "the keychain holds the token we last received" from "the keychain holds an older
 * one" (a keychain save that failed, issue 9 item 1) — without the token ever leaving the keychain.
 *
 * Why a plain, domain-separated SHA-256 (truncated to 128 bits) and not an HMAC keyed from the
 * keychain:
 * - The fingerprint exists for the moment the keychain fails. Its key could not be created or read
 *   exactly then (a locked or missing keyring), so a keyed fingerprint would be missing in the one case
 *   it is for.
 * - The input is a bearer token with ≥ 128 bits of randomness (Kite: 32 random characters; Upstox and
 *   FYERS: JWTs with a random signature). Nobody can search that space backwards, keyed or not. What
 *   an unkeyed hash allows is confirming a token one already holds — which gives nothing new.
 * - 128 bits keep accidental collisions out of reach; the prefix and the account id keep this hash
 *   from matching any other use of SHA-256 over the same token.
 */
import { createHash } from 'node:crypto';

const DOMAIN = 'tokentray/access-token-fingerprint/v1';

/** The form stored in settings: "v1:" and 32 hex digits. */
export const TOKEN_FINGERPRINT_PATTERN = /^v1:[0-9a-f]{32}$/;

export function tokenFingerprint(accountId: string, token: string): string {
  const digest = createHash('sha256')
    .update(DOMAIN)
    .update('\0')
    .update(accountId)
    .update('\0')
    .update(token)
    .digest('hex');
  return `v1:${digest.slice(0, 32)}`;
}

/**
 * Whether a token read from the keychain is the last one TokenTray received for this account. True
 * when nothing was recorded (settings from before fingerprints existed): no evidence against it.
 */
export function isLastIssued(
  accountId: string,
  token: string,
  fingerprint: string | null | undefined,
): boolean {
  if (!fingerprint) return true;
  return tokenFingerprint(accountId, token) === fingerprint;
}
