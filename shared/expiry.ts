/**
 * Expiry math. Everything is an absolute instant (a Date); broker rules are evaluated in IST with Luxon.
 * Rules and sources: ../shared/brokers.md. Never throws on a malformed token.
 */
import { DateTime } from 'luxon';
import { BROKERS, type BrokerId, type DailyCutoff } from './brokers';

export const IST_ZONE = 'Asia/Kolkata';

/**
 * The first instant strictly after `after` at which the IST wall clock reads `cutoff`.
 * Upstox: made 20:00 Tue → 03:30 Wed; made 02:30 Wed → 03:30 Wed (brokers.md §2, [U2]).
 * A token made exactly at the cutoff lives until the next day's cutoff.
 */
export function nextDailyCutoff(after: Date, cutoff: DailyCutoff): Date {
  const ist = DateTime.fromJSDate(after, { zone: IST_ZONE });
  let candidate = ist.set({ hour: cutoff.hour, minute: cutoff.minute, second: 0, millisecond: 0 });
  if (candidate.toMillis() <= ist.toMillis()) candidate = candidate.plus({ days: 1 });
  return candidate.toJSDate();
}

/**
 * Reads the `exp` claim of a JWT without verifying it (we are not the audience; we only want to know
 * when the broker will stop honouring it). Returns undefined for anything that is not a well-formed
 * JWT with a sane numeric `exp`.
 */
export function jwtExpiry(token: string | undefined | null): Date | undefined {
  if (typeof token !== 'string') return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const payload = parts[1];
  if (!payload || !/^[A-Za-z0-9_-]+={0,2}$/.test(payload)) return undefined;
  try {
    const json = decodeBase64Url(payload);
    const claims: unknown = JSON.parse(json);
    if (typeof claims !== 'object' || claims === null) return undefined;
    const exp = (claims as Record<string, unknown>).exp;
    // Seconds since the epoch; reject values no real token carries (negative, NaN, beyond year 9999).
    if (typeof exp !== 'number' || !Number.isFinite(exp) || exp <= 0 || exp > 253402300799) {
      return undefined;
    }
    return new Date(Math.round(exp * 1000));
  } catch {
    return undefined;
  }
}

function decodeBase64Url(segment: string): string {
  const b64 = segment.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
  // atob exists in browsers and in Node ≥ 16; shared/ must run in both.
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

function earlier(a: Date, b: Date | undefined): Date {
  return b !== undefined && b.getTime() < a.getTime() ? b : a;
}

/**
 * When an access token issued at `issuedAt` dies: the broker's daily IST cutoff after issue, or the
 * token's own JWT `exp` if that is earlier (DESIGN.md: "the earlier of the two wins").
 */
export function accessTokenExpiry(broker: BrokerId, issuedAt: Date, accessToken?: string): Date {
  const rule = nextDailyCutoff(issuedAt, BROKERS[broker].accessTokenCutoff);
  return earlier(rule, jwtExpiry(accessToken));
}

/**
 * When a refresh token issued at `issuedAt` dies, for brokers that have one (FYERS: 15 days, or its JWT
 * `exp` if earlier). Undefined for brokers whose tokens can only be renewed by logging in.
 */
export function refreshTokenExpiry(
  broker: BrokerId,
  issuedAt: Date,
  refreshToken?: string,
): Date | undefined {
  const renewal = BROKERS[broker].renewal;
  if (renewal.kind !== 'refresh-token') return undefined;
  const rule = new Date(issuedAt.getTime() + renewal.refreshTokenLifetimeDays * 86_400_000);
  return earlier(rule, jwtExpiry(refreshToken));
}
