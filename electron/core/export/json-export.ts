/**
 * Pure merge for the JSON export target, for bots that would rather `json.load` than parse .env:
 *
 *   {
 *     "upstox": { "access_token": "…", "expires_at": "2026-…Z", "issued_at": "2026-…Z",
 *                 "api_key": "…", "user_id": "…", "account_id": "main" },
 *     "accounts": { "main": { "broker": "upstox", "access_token": "…", "expires_at": "…", … } }
 *   }
 *
 * Keyed by broker, as bots expect (`data["upstox"]["access_token"]`). Two accounts of the same broker
 * exported into one file would fight over that key: the broker key holds the token issued last (its
 * `account_id` says which), and every account also has its own entry under `accounts.<id>`, so
 * neither is lost; a bot that trades two accounts of one broker reads `accounts.<id>` (or uses one file per
 * account). Everything else in the file — other keys, fields a user added inside ours — is kept; the
 * text is re-serialised with the file's own indentation, line ending and final newline.
 */
import type { BrokerId } from '../../../shared/brokers';
import { judgeRecord } from './issue-order';
import { jsonErrorPosition } from './json-error-position';

export interface JsonExportEntry {
  readonly accountId: string;
  readonly broker: BrokerId;
  readonly accessToken: string;
  /** ISO instant (UTC). */
  readonly expiresAt: string;
  readonly apiKey: string;
  readonly userId: string | null;
  /** ISO instant (UTC) the broker issued the token: recorded as `issued_at`, ordering exports. */
  readonly issuedAt?: string;
}

/** A file TokenTray will not rewrite. The message says why and never quotes the file. */
export class JsonExportError extends Error {
  override readonly name = 'JsonExportError';
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deeper than this, JSON.stringify (recursive) would overflow the stack while writing the file
 * back; no token file needs more than a few levels.
 */
export const MAX_JSON_DEPTH = 1000;

/** JSON.parse with a message that points at the spot but never echoes the file's content. */
function parseObject(text: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    if (e instanceof RangeError) throw new JsonExportError(tooDeep);
    let near: string;
    try {
      near = ` (near ${jsonErrorPosition(text)})`;
    } catch {
      near = ''; // the locator gave up (a pathological file): the message stays without a spot
    }
    throw new JsonExportError(`is not valid JSON${near}`);
  }
  if (!isObject(parsed)) throw new JsonExportError('does not hold a JSON object at the top level');
  return parsed;
}

const tooDeep = `nests objects or arrays more than ${MAX_JSON_DEPTH} levels deep; TokenTray will not rewrite it. Use a separate file for TokenTray`;

const QUOTE = 34;
const BACKSLASH = 92;
const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * One linear pass over valid JSON text (no regular expression, no recursion: a 10 MB string or a
 * deeply nested file cannot overflow the stack): refuses nesting deeper than MAX_JSON_DEPTH, and a
 * number JavaScript cannot hold exactly (a 19-digit id, say), which would silently change when we
 * write the file back.
 */
function assertSurvivesRewrite(text: string): void {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Skip the string: find the closing quote not escaped by a backslash.
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > MAX_JSON_DEPTH) throw new JsonExportError(tooDeep);
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
    } else if (c === 45 /* - */ || isDigit(c)) {
      const start = i;
      if (c === 45) i++;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) === 46 /* . */) {
        i++;
        while (i < n && isDigit(text.charCodeAt(i))) i++;
      }
      const mantissaEnd = i;
      if (text.charCodeAt(i) === 101 || text.charCodeAt(i) === 69 /* e E */) {
        i++;
        if (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45) i++;
        while (i < n && isDigit(text.charCodeAt(i))) i++;
      }
      checkNumber(text.slice(start, i), text.slice(start, mantissaEnd));
      i--; // the loop's i++ moves to the character after the number
    }
  }
}

/** The significant digits of a mantissa ("-0012.50" → "125"), without regular expressions. */
function significantDigits(mantissa: string): string {
  const all = mantissa.replace('-', '').replace('.', '');
  let from = 0;
  let to = all.length;
  while (from < to && all.charCodeAt(from) === 48) from++;
  while (to > from && all.charCodeAt(to - 1) === 48) to--;
  return all.slice(from, to);
}

function checkNumber(token: string, mantissaText: string): void {
  const digits = significantDigits(mantissaText);
  if (digits.length <= 15) return;
  const back = Number(token)
    .toPrecision(Math.min(digits.length, 100))
    .replace(/[eE].*$/, '');
  if (significantDigits(back) !== digits) {
    throw new JsonExportError(
      'holds a number with more digits than JSON tools keep exactly; TokenTray would change it by rewriting the file. Use a separate file for TokenTray',
    );
  }
}

function slot(root: JsonObject, key: string, where: string): JsonObject {
  // Own keys only: an account named `constructor` must not find Object.prototype.constructor.
  const value = Object.hasOwn(root, key) ? root[key] : undefined;
  if (value === undefined) return {};
  if (!isObject(value)) {
    throw new JsonExportError(
      `has ${where} "${key}" that is not an object; TokenTray will not replace it. Rename that key or choose another file`,
    );
  }
  return value;
}

/** The new file text: `original` (null or blank: a new file) with `entry` merged in. */
export function mergeJsonExport(original: string | null, entry: JsonExportEntry): string {
  return mergeJsonExportInOrder(original, entry).text;
}

export interface JsonMergeResult {
  readonly text: string;
  /** Slots left alone because they hold a token issued later than the entry's (issue-order.ts). */
  readonly keptNewer: readonly ('account' | 'broker')[];
  /** Recorded instants not trusted (unreadable or in the future), written over. */
  readonly distrusted: readonly string[];
}

/**
 * As mergeJsonExport, in issue order: the account's entry and the broker key each keep a token
 * whose `issued_at` is later than `entry.issuedAt` (so a late export of an older token changes
 * nothing there). Without `entry.issuedAt` every slot is written, as before.
 */
export function mergeJsonExportInOrder(
  original: string | null,
  entry: JsonExportEntry,
  now: number = Date.now(),
): JsonMergeResult {
  const raw = original ?? '';
  const bom = raw.startsWith('\uFEFF') ? '\uFEFF' : '';
  const text = raw.slice(bom.length);
  const blank = text.trim() === '';
  let root: JsonObject = {};
  if (!blank) {
    root = parseObject(text);
    assertSurvivesRewrite(text);
  }
  const accounts = slot(root, 'accounts', 'a key');
  // A user id not known this time (the profile call after a refresh failed) keeps the one an
  // earlier export of this account wrote, as the .env export leaves such a line alone.
  const known = slot(accounts, entry.accountId, 'an account').user_id;
  const fields = {
    access_token: entry.accessToken,
    expires_at: entry.expiresAt,
    ...(entry.issuedAt === undefined ? {} : { issued_at: entry.issuedAt }),
    api_key: entry.apiKey,
    user_id: entry.userId ?? (typeof known === 'string' ? known : null),
  };
  const accountSlot = slot(accounts, entry.accountId, 'an account');
  const brokerSlot = slot(root, entry.broker, 'a key');
  const keptNewer: ('account' | 'broker')[] = [];
  const distrusted: string[] = [];
  const mayWrite = (existing: JsonObject, name: 'account' | 'broker') => {
    if (entry.issuedAt === undefined) return true;
    let verdict = judgeRecord(existing.issued_at, new Date(entry.issuedAt), now);
    // A later record beside no token (emptied by hand) protects nothing: the bot would have none.
    if (!verdict.write && (typeof existing.access_token !== 'string' || !existing.access_token)) {
      verdict = { write: true, distrusted: 'belongs to no token (access_token is empty)' };
    }
    if (!verdict.write) keptNewer.push(name);
    else if (verdict.distrusted) distrusted.push(`${name} issued_at ${verdict.distrusted}`);
    return verdict.write;
  };
  const writeAccount = mayWrite(accountSlot, 'account');
  const writeBroker = mayWrite(brokerSlot, 'broker');
  if (!writeAccount && !writeBroker) return { text: raw, keptNewer, distrusted };
  const merged: JsonObject = {
    ...root,
    [entry.broker]: writeBroker
      ? { ...brokerSlot, ...fields, account_id: entry.accountId }
      : brokerSlot,
    accounts: {
      ...accounts,
      [entry.accountId]: writeAccount
        ? { ...accountSlot, broker: entry.broker, ...fields }
        : accountSlot,
    },
  };

  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indentMatch = /^[[{][^\n]*\n([ \t]+)\S/.exec(text);
  // An existing one-line (minified) file stays on one line; a bare `{}` (`echo '{}' > tokens.json`)
  // shows no style, so it gets the 2-space default like a new file.
  const empty = Object.keys(root).length === 0;
  const indent = indentMatch
    ? indentMatch[1]!
    : blank || empty || text.trim().includes('\n')
      ? 2
      : 0;
  const finalNewline = blank || /\r?\n\s*$/.test(text) ? eol : '';
  const body = JSON.stringify(merged, null, indent);
  return {
    text: bom + (eol === '\n' ? body : body.replace(/\n/g, eol)) + finalNewline,
    keptNewer,
    distrusted,
  };
}
