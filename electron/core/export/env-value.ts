/**
 * How TokenTray writes a value into a .env file so that npm `dotenv` and Python `python-dotenv` read
 * back exactly the same string. The two disagree on escapes (python-dotenv decodes `\\`, `\'`, `\"`,
 * `\n` …; dotenv only turns `\n`/`\r` into newlines inside double quotes), on `#` in unquoted values
 * (dotenv cuts there, python-dotenv needs a space before it), on backticks (a quote only for dotenv)
 * and on `${VAR}` (python-dotenv expands it, dotenv does not). So we only write forms on which they
 * agree, and refuse — with words, never the value — what has no such form. Tokens, ISO instants, API
 * keys and user ids always have one.
 */

export type EnvQuote = '' | "'" | '"';

/** Unquoted only for plain token-like text: no spaces, quotes, `#`, `$` or backslashes. */
const UNQUOTED_SAFE = /^[A-Za-z0-9_.:/+=@%,~-]+$/;
/**
 * Printable characters only: no control characters (a newline would end the line for one reader and
 * not the other), no C1 controls (U+0085 is a line break to Python), no Unicode line separators.
 */
const PRINTABLE = /^[\u0020-\u007e\u00a0-\u2027\u202a-\uffff]*$/;

export class EnvValueError extends Error {
  override readonly name = 'EnvValueError';
}

/** Why `value` cannot be written so that every reader agrees, or null when it can. */
export function unwritableReason(value: string): string | null {
  if (!PRINTABLE.test(value)) return 'contains a line break or another control character';
  // A lone surrogate would be written as U+FFFD: the file would no longer hold this value.
  if (Buffer.from(value, 'utf8').toString('utf8') !== value) return 'is not valid Unicode text';
  if (value.includes('\\'))
    return 'contains a backslash, which dotenv readers unescape differently';
  if (value.includes('${')) return 'contains "${", which python-dotenv expands as a variable';
  if (value.includes("'") && value.includes('"')) return 'contains both kinds of quote';
  return null;
}

function fits(value: string, quote: EnvQuote): boolean {
  if (quote === '') return UNQUOTED_SAFE.test(value);
  return !value.includes(quote);
}

/**
 * The text to put after `KEY=`. Keeps `preferred` (the quoting the line already had) when the value
 * fits it, so an edited line looks like it did; otherwise single quotes, then double quotes.
 * Throws EnvValueError when no form is safe (check unwritableReason first to fail early).
 */
export function encodeEnvValue(value: string, preferred: EnvQuote = "'"): string {
  const reason = unwritableReason(value);
  if (reason) throw new EnvValueError(reason);
  for (const quote of [preferred, "'", '"'] as const) {
    if (fits(value, quote)) return `${quote}${value}${quote}`;
  }
  // unwritableReason rules out the only case left (both quotes present).
  throw new EnvValueError('contains both kinds of quote');
}
