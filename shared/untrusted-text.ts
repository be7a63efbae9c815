/**
 * Text that came from outside TokenTray (a broker's error body, a profile field, a redirect
 * parameter) made safe to show: one line, no control or invisible characters, bounded, and — for
 * codes — of a known shape. Anything that cannot be made readable becomes UNREADABLE_BROKER_TEXT
 * instead of being shown raw. Pure and platform-free: the main process uses it before text enters a
 * message, and the renderer may use it again before display.
 *
 * Redaction of secrets is a caller's hook (`redact`), run on the single-line text before it is cut
 * to length, so a secret is never half-shown by the cut. The main process supplies it
 * (electron/core/brokers/broker-text.ts) with the request's own secrets.
 */

/** What is shown in place of broker text that is missing its shape or cannot be made readable. */
export const UNREADABLE_BROKER_TEXT = '(unreadable broker message)';

/** Default bound for free text (a broker's `message`), in characters (code points). */
export const MAX_UNTRUSTED_TEXT_CHARS = 160;

/** Broker error codes: UDAPI100016, TokenException, -16 … (issue 9: `^[A-Za-z0-9_.-]{1,64}$`). */
export const BROKER_CODE_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Inputs longer than this are not looked at at all (no broker sends a 64 KB message or name); they
 * are unreadable. Keeps the work per field bounded whatever arrives.
 */
export const MAX_UNTRUSTED_INPUT_CHARS = 65_536;

/**
 * Invisible or layout-changing characters, removed outright: format characters (zero-width
 * space/joiners, bidi overrides and isolates, BOM, soft hyphen), lone surrogates and private-use.
 * Removing (not spacing) them means a secret split by a zero-width space is whole again for the
 * redactor.
 */
const INVISIBLE = /[\p{Cf}\p{Cs}\p{Co}]/gu;
/** Anything that breaks a line or is a control character: C0/C1 (incl. \r \n \t), U+2028, U+2029. */
const LINE_BREAKING = /[\p{Cc}\p{Zl}\p{Zp}]/gu;

export interface UntrustedTextOptions {
  /** Maximum length in characters (code points); longer text is cut and ends with "…". */
  readonly maxChars?: number;
  /** Applied to the single-line text before it is cut (the main process redacts secrets here). */
  readonly redact?: (text: string) => string;
}

/** The text as one trimmed line: invisible characters removed, breaks and runs of space as one space. */
export function singleLine(text: string): string {
  return text.replace(INVISIBLE, '').replace(LINE_BREAKING, ' ').replace(/\s+/gu, ' ').trim();
}

/** Cuts to `maxChars` code points (never inside a surrogate pair), ending with "…" when cut. */
export function boundText(text: string, maxChars: number): string {
  const chars = Array.from(text);
  if (chars.length <= maxChars) return text;
  return `${chars
    .slice(0, Math.max(0, maxChars - 1))
    .join('')
    .trimEnd()}…`;
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/**
 * Free text from outside, safe to show. undefined when there was nothing (absent, null, ""),
 * UNREADABLE_BROKER_TEXT when there was something that is not readable text (an object, a huge
 * string, only control characters), otherwise one bounded, redacted line.
 */
export function untrustedText(
  value: unknown,
  options: UntrustedTextOptions = {},
): string | undefined {
  if (isAbsent(value)) return undefined;
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value);
  else return UNREADABLE_BROKER_TEXT;
  if (text.length > MAX_UNTRUSTED_INPUT_CHARS) return UNREADABLE_BROKER_TEXT;
  let line = singleLine(text);
  if (options.redact) line = singleLine(options.redact(line));
  if (line === '') return UNREADABLE_BROKER_TEXT;
  return boundText(line, Math.max(1, options.maxChars ?? MAX_UNTRUSTED_TEXT_CHARS));
}

/**
 * A broker's error code, shown only when it has a code's shape (BROKER_CODE_PATTERN; whole numbers
 * such as FYERS' -16 too) and `redact` leaves it unchanged (a "code" that is really an echoed secret
 * is not shown). undefined when absent, UNREADABLE_BROKER_TEXT otherwise.
 */
export function untrustedCode(
  value: unknown,
  options: Pick<UntrustedTextOptions, 'redact'> = {},
): string | undefined {
  if (isAbsent(value)) return undefined;
  let code: string;
  if (typeof value === 'string') code = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) code = String(value);
  else return UNREADABLE_BROKER_TEXT;
  if (!BROKER_CODE_PATTERN.test(code)) return UNREADABLE_BROKER_TEXT;
  if (options.redact && options.redact(code) !== code) return UNREADABLE_BROKER_TEXT;
  return code;
}

/** True for a value untrustedText/untrustedCode produced from something readable. */
export function isReadable(value: string | undefined): value is string {
  return value !== undefined && value !== UNREADABLE_BROKER_TEXT;
}
