/**
 * Profile fields a broker sends for display (user name, user id) made safe before they reach the
 * settings file, a message, the dashboard or an export. A display field is never a reason to fail a
 * login that already stored and exported its token (issue 9 item 9): anything unusable becomes null.
 * The broker adapters clean their answers too (brokers/broker-text.ts); this is the lifecycle's own
 * guarantee, whatever an adapter returns.
 */

/** Longest user name kept (the settings schema allows 200; a name is never near that). */
export const MAX_USER_NAME_CHARS = 80;

/** Broker user ids: Upstox "SIMUP1", Kite "AB1234", FYERS "XS00001" (brokers.md); some room kept. */
const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;

/** Secrets shorter than this are not searched for: they would blank ordinary names. */
const MIN_SECRET_CHARS = 8;

const INVISIBLE = /[\p{Cf}\p{Cs}\p{Co}]/gu;
const LINE_BREAKING = /[\p{Cc}\p{Zl}\p{Zp}]/gu;

function oneLine(text: string): string {
  return text.replace(INVISIBLE, '').replace(LINE_BREAKING, ' ').replace(/\s+/gu, ' ').trim();
}

/** True when `text` holds one of `secrets`, or is a long piece of one (a token cut short). */
function touchesSecret(text: string, secrets: readonly (string | null | undefined)[]): boolean {
  for (const s of secrets) {
    if (!s || s.length < MIN_SECRET_CHARS) continue;
    if (text.includes(s)) return true;
    if (text.length >= 16 && s.includes(text)) return true;
  }
  return false;
}

/**
 * A user name fit to show: one line, at most MAX_USER_NAME_CHARS characters (cut with "…"), or null
 * when absent, not text, huge, or holding one of `secrets` (a broker echoing the token as a name).
 */
export function safeUserName(
  value: unknown,
  secrets: readonly (string | null | undefined)[],
): string | null {
  if (typeof value !== 'string' || value.length > 65_536) return null;
  const line = oneLine(value);
  if (line === '' || touchesSecret(line, secrets)) return null;
  const chars = Array.from(line);
  if (chars.length <= MAX_USER_NAME_CHARS) return line;
  return `${chars
    .slice(0, MAX_USER_NAME_CHARS - 1)
    .join('')
    .trimEnd()}…`;
}

/**
 * A user id fit to store and export (a bot may read it as USER_ID): of a broker id's shape, or null.
 * Never cut: a shortened id would be a wrong id.
 */
export function safeUserId(
  value: unknown,
  secrets: readonly (string | null | undefined)[],
): string | null {
  if (typeof value !== 'string' || !USER_ID_PATTERN.test(value)) return null;
  return touchesSecret(value, secrets) ? null : value;
}
