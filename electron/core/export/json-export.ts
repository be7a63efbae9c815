/**
 * Pure merge for the JSON export target, for bots that would rather `json.load` than parse .env:
 *
 *   {
 *     "upstox": { "access_token": "…", "expires_at": "2026-…Z", "api_key": "…", "user_id": "…",
 *                 "account_id": "main" },
 *     "accounts": { "main": { "broker": "upstox", "access_token": "…", "expires_at": "…", … } }
 *   }
 *
 * Keyed by broker, as bots expect (`data["upstox"]["access_token"]`). Two accounts of the same broker
 * exported into one file would fight over that key: the broker key holds whichever exported last (its
 * `account_id` says which), and every account also has its own entry under `accounts.<id>`, so neither
 * is lost; a bot that trades two accounts of one broker reads `accounts.<id>` (or uses one file per
 * account). Everything else in the file — other keys, fields a user added inside ours — is kept; the
 * text is re-serialised with the file's own indentation, line ending and final newline.
 */
import type { BrokerId } from '../../../shared/brokers';
import { jsonErrorPosition } from './json-error-position';

export interface JsonExportEntry {
  readonly accountId: string;
  readonly broker: BrokerId;
  readonly accessToken: string;
  /** ISO instant (UTC). */
  readonly expiresAt: string;
  readonly apiKey: string;
  readonly userId: string | null;
}

/** A file TokenTray will not rewrite. The message says why and never quotes the file. */
export class JsonExportError extends Error {
  override readonly name = 'JsonExportError';
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON.parse with a message that points at the spot but never echoes the file's content. */
function parseObject(text: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new JsonExportError(`is not valid JSON (near ${jsonErrorPosition(text)})`);
  }
  if (!isObject(parsed)) throw new JsonExportError('does not hold a JSON object at the top level');
  return parsed;
}

/**
 * A number JavaScript cannot hold exactly (a 19-digit id, say) would silently change when we write
 * the file back: refuse instead.
 */
function assertNumbersSurvive(text: string): void {
  const tokens = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
  for (const [token] of text.matchAll(tokens)) {
    if (token.startsWith('"')) continue;
    const mantissa = token.replace(/^-/, '').replace(/[eE].*$/, '');
    const digits = mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
    if (digits.length <= 15) continue;
    const back = Number(token)
      .toPrecision(digits.length)
      .replace(/[eE].*$/, '')
      .replace('.', '')
      .replace(/^-?0*/, '')
      .replace(/0+$/, '');
    if (back !== digits) {
      throw new JsonExportError(
        'holds a number with more digits than JSON tools keep exactly; TokenTray would change it by rewriting the file. Use a separate file for TokenTray',
      );
    }
  }
}

function slot(root: JsonObject, key: string, where: string): JsonObject {
  const value = root[key];
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
  const raw = original ?? '';
  const bom = raw.startsWith('\uFEFF') ? '\uFEFF' : '';
  const text = raw.slice(bom.length);
  const blank = text.trim() === '';
  let root: JsonObject = {};
  if (!blank) {
    root = parseObject(text);
    assertNumbersSurvive(text);
  }
  const accounts = slot(root, 'accounts', 'a key');
  // A user id not known this time (the profile call after a refresh failed) keeps the one an
  // earlier export of this account wrote, as the .env export leaves such a line alone.
  const known = slot(accounts, entry.accountId, 'an account').user_id;
  const fields = {
    access_token: entry.accessToken,
    expires_at: entry.expiresAt,
    api_key: entry.apiKey,
    user_id: entry.userId ?? (typeof known === 'string' ? known : null),
  };
  const merged: JsonObject = {
    ...root,
    [entry.broker]: {
      ...slot(root, entry.broker, 'a key'),
      ...fields,
      account_id: entry.accountId,
    },
    accounts: {
      ...accounts,
      [entry.accountId]: {
        ...slot(accounts, entry.accountId, 'an account'),
        broker: entry.broker,
        ...fields,
      },
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
  return bom + (eol === '\n' ? body : body.replace(/\n/g, eol)) + finalNewline;
}
