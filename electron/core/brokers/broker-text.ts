/**
 * Every string a broker sends (error codes and messages, profile names and ids, redirect
 * parameters) passes through here before it can reach a message, a detail, the log, the renderer or
 * the settings file: shared/untrusted-text.ts makes it one bounded line of a known shape, and this
 * module redacts the secrets of the request it answers (API secret, grant, checksum/appIdHash,
 * access and refresh tokens, PIN) — a broker, proxy or WAF may echo the request back — plus anything
 * long enough to be a token we were never told about.
 */
import {
  MAX_UNTRUSTED_INPUT_CHARS,
  UNREADABLE_BROKER_TEXT,
  isReadable,
  untrustedCode,
  untrustedText,
} from '../../../shared/untrusted-text';

export { UNREADABLE_BROKER_TEXT, isReadable };

/** The secrets a request carried (undefined entries are skipped). */
export type RequestSecrets = readonly (string | undefined)[];

const REDACTED = '[redacted]';

/** Secrets shorter than this are not searched for (they would blank ordinary words). A PIN is 4. */
const MIN_SECRET_CHARS = 4;

/** A run of token characters this long is masked even when it is no secret we know of. */
const TOKEN_LIKE = /[A-Za-z0-9_\-+/=.]{20,}/g;

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The forms a secret takes when echoed: as is, URL-encoded, form-encoded, JSON-escaped. */
function variants(secret: string): string[] {
  const forms = new Set([
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
  ]);
  return [...forms].filter((v) => v.length >= MIN_SECRET_CHARS);
}

/** Replaces every (case-insensitive) occurrence of each secret, in each echoed form. */
export function redactSecrets(text: string, secrets: RequestSecrets): string {
  const forms = secrets
    .filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_CHARS)
    .flatMap(variants)
    // Longest first, so a secret containing another is replaced whole.
    .sort((a, b) => b.length - a.length);
  if (forms.length === 0) return text;
  return text.replace(new RegExp(forms.map(escapeRegExp).join('|'), 'gi'), REDACTED);
}

/** Secrets, then anything token-like. */
export function redactBrokerText(text: string, secrets: RequestSecrets): string {
  return redactSecrets(text, secrets).replace(TOKEN_LIKE, REDACTED);
}

/**
 * A broker's free text (error `message`, a redirect's `error_description`), safe to show:
 * undefined when absent, UNREADABLE_BROKER_TEXT when not readable, otherwise one redacted line of at
 * most `maxChars`.
 */
export function brokerMessage(
  value: unknown,
  secrets: RequestSecrets = [],
  maxChars?: number,
): string | undefined {
  return untrustedText(value, {
    redact: (t) => redactBrokerText(t, secrets),
    ...(maxChars !== undefined ? { maxChars } : {}),
  });
}

/**
 * A broker's error code (UDAPI100016, TokenException, -16): the code itself when it has a code's
 * shape and is none of the request's secrets, UNREADABLE_BROKER_TEXT when present but not, undefined
 * when absent. Adapters branch only on readable codes.
 */
export function brokerCode(value: unknown, secrets: RequestSecrets = []): string | undefined {
  return untrustedCode(value, { redact: (t) => redactSecrets(t, secrets) });
}

/** Profile names are bounded well under the settings file's 200-character limit. */
export const MAX_PROFILE_NAME_CHARS = 100;

/** A broker user id (AB1234, XS00001): an identifier, nothing else. */
const USER_ID_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;

/**
 * A profile's display name: one line of at most MAX_PROFILE_NAME_CHARS, or undefined when it is
 * absent, unreadable, or had to be redacted (a name that is — or contains — a token is not shown at
 * all). Never throws: a display field is no reason for a login to fail.
 */
export function profileName(value: unknown, secrets: RequestSecrets): string | undefined {
  // Whole first (bounded only by MAX_UNTRUSTED_INPUT_CHARS): a token must be found before any cut.
  const text = untrustedText(value, { maxChars: MAX_UNTRUSTED_INPUT_CHARS });
  if (!isReadable(text)) return undefined;
  if (redactBrokerText(text, secrets) !== text) return undefined;
  return untrustedText(text, { maxChars: MAX_PROFILE_NAME_CHARS });
}

/**
 * A profile's user id: shown and exported (USER_ID in .env) only when it looks like an id and is
 * none of the secrets; undefined otherwise. Never throws.
 */
export function profileUserId(value: unknown, secrets: RequestSecrets): string | undefined {
  if (typeof value !== 'string' || !USER_ID_PATTERN.test(value)) return undefined;
  return redactSecrets(value, secrets) === value ? value : undefined;
}
