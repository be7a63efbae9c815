/**
 * One error type for everything the user may see. `message` says what went wrong and what to do, and
 * never contains a secret (callers build it from fixed words and non-secret fields only).
 */
import type { ErrorKind } from '../../shared/domain';

export class TokenTrayError extends Error {
  override readonly name = 'TokenTrayError';
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly details: {
      /** HTTP status, when a broker answered. */
      readonly status?: number;
      /** The broker's own error code (UDAPI100050, TokenException, -16 …). */
      readonly brokerCode?: string;
      /** For rate limits: how long the broker asked us to wait. */
      readonly retryAfterMs?: number;
      /** True when the request may never have reached the broker (safe to resend a single-use grant). */
      readonly notSent?: boolean;
    } = {},
  ) {
    super(message);
  }
}

export function isTokenTrayError(e: unknown): e is TokenTrayError {
  return e instanceof TokenTrayError;
}

/** Turns anything thrown into a user-facing error without leaking what we cannot vouch for. */
export function toTokenTrayError(
  e: unknown,
  fallbackKind: ErrorKind = 'bad-response',
): TokenTrayError {
  if (e instanceof TokenTrayError) return e;
  return new TokenTrayError(
    fallbackKind,
    'Something unexpected went wrong. Check the log file (Help → Open log folder) and try again.',
  );
}
