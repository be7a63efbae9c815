/**
 * The newest token wins. Every export records, beside the token in the same file, the instant the
 * broker issued it: `<TOKEN_KEY>_ISSUED_AT` in a .env file, `issued_at` in a JSON entry. Under the
 * file's lock (file-lock.ts: in-process chain + cross-process lock file, which the CLI shares) the
 * exporter reads that record and leaves the token alone when the file already holds one issued
 * later — whichever process wrote it. The record lives in the file itself, so it changes in the same
 * atomic rename as the token: a bot and any second process see token and instant together, never one
 * without the other (a sidecar file could not be renamed in the same step).
 *
 * A recorded instant that is unreadable, or implausibly far in the future (a hand edit, a clock that
 * was wrong), is not trusted: the export writes over it and says so in the log.
 */

/** Margin for a broker clock ahead of ours (the issue instant may come from the token's `iat`). */
export const FUTURE_TOLERANCE_MS = 10 * 60_000;

/** The key that records when the token of `tokenKey` was issued. */
export const issuedAtKeyFor = (tokenKey: string) => `${tokenKey}_ISSUED_AT`;

export type RecordVerdict =
  /** No usable record, or one not later than ours: write. */
  | { readonly write: true; readonly distrusted?: string }
  /** The file holds a token issued later than ours: leave it. */
  | { readonly write: false; readonly recordedAt: string };

/**
 * Whether a token issued at `issuedAt` may replace the one whose record is `recorded` (the raw value
 * from the file; undefined/null when there is none). Equal instants write (a re-export).
 */
export function judgeRecord(
  recorded: unknown,
  issuedAt: Date,
  now: number = Date.now(),
): RecordVerdict {
  if (recorded === undefined || recorded === null || recorded === '') return { write: true };
  if (typeof recorded !== 'string' || !/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(recorded)) {
    return { write: true, distrusted: 'is not an ISO instant' };
  }
  const at = Date.parse(recorded);
  if (Number.isNaN(at)) return { write: true, distrusted: 'is not an ISO instant' };
  if (at > Math.max(now, issuedAt.getTime()) + FUTURE_TOLERANCE_MS) {
    return { write: true, distrusted: 'lies in the future' };
  }
  return at > issuedAt.getTime() ? { write: false, recordedAt: recorded } : { write: true };
}

const chains = new Map<string, Promise<unknown>>();

/**
 * Runs exports of one configured path one after another, in the order they were called. Called
 * synchronously at the start of an export, before any await, so the order is the caller's even
 * though resolving the path takes a variable time (that variable time let `u-18` overtake `u-19`).
 */
export function inCallOrder<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = chains.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(fn);
  const tail = run.catch(() => undefined);
  chains.set(key, tail);
  void tail.then(() => {
    if (chains.get(key) === tail) chains.delete(key);
  });
  return run;
}
