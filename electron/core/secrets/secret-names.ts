/**
 * How TokenTray's secrets are named in the OS keychain (docs/keychain.md):
 *
 *   service  "TokenTray"
 *   account  "<accountId>/<kind>"   e.g. "upstox-main/access-token"
 *
 * kind ∈ api-secret | access-token | refresh-token | pin | ssh-passphrase | redis-password |
 * webhook-secret (the last three for remote export targets, one each per account). Account ids are 1–63 lowercase letters,
 * digits and dashes (accountIdSchema), so "<id>/<kind>" is unambiguous, and a user can find or delete
 * our items by hand: `secret-tool search service TokenTray` (Linux; keytar stores attributes
 * `service` and `account`), Keychain Access → "TokenTray" (macOS), Credential Manager →
 * "TokenTray/…" (Windows).
 */
import { z } from 'zod';
import type { SecretKind } from '../ports';

export const SECRET_SERVICE = 'TokenTray';

export const SECRET_KINDS = [
  'api-secret',
  'access-token',
  'refresh-token',
  'pin',
  'ssh-passphrase',
  'redis-password',
  'webhook-secret',
  'telegram-bot-token',
  'alert-webhook-secret',
] as const;
export const secretKindSchema = z.enum(SECRET_KINDS);

// Compile-time check that this list and the port's SecretKind union are the same set.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _kindsMatch: Same<SecretKind, (typeof SECRET_KINDS)[number]> = true;

/**
 * An item we write and delete to tell a locked keyring from an empty one (keytar's reads return null
 * for both). Cannot collide with "<id>/<kind>": it starts with a dot, which no account id does.
 */
export const PROBE_ACCOUNT = '.tokentray-probe';

/**
 * The keychain "account" under which the app-wide alert channel secrets (Telegram bot token, alert
 * webhook secret) are kept: "tokentray-alerts/telegram-bot-token". Their kinds are used with no other
 * account, so they cannot clash with a broker account's secrets.
 */
export const ALERTS_SECRET_ACCOUNT = 'tokentray-alerts';

export function secretAccount(accountId: string, kind: SecretKind): string {
  return `${accountId}/${kind}`;
}

/** For messages: "API secret", "access token" … */
export function secretLabel(kind: SecretKind): string {
  switch (kind) {
    case 'api-secret':
      return 'API secret';
    case 'access-token':
      return 'access token';
    case 'refresh-token':
      return 'refresh token';
    case 'pin':
      return 'PIN';
    case 'ssh-passphrase':
      return 'SSH key passphrase';
    case 'redis-password':
      return 'Redis password';
    case 'webhook-secret':
      return 'webhook secret';
    case 'telegram-bot-token':
      return 'Telegram bot token';
    case 'alert-webhook-secret':
      return 'alert webhook secret';
  }
}
