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

/** The claims of a JWT, unverified; undefined for anything that is not a well-formed JWT. */
function jwtClaims(token: string | undefined | null): Record<string, unknown> | undefined {
  if (typeof token !== 'string') return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const payload = parts[1];
  if (!payload || !/^[A-Za-z0-9_-]+={0,2}$/.test(payload)) return undefined;
  try {
    const claims: unknown = JSON.parse(decodeBase64Url(payload));
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return undefined;
    return claims as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** A JWT NumericDate claim (seconds since the epoch) as an instant, if it is one a real token carries. */
function numericDateClaim(token: string | undefined | null, name: 'exp' | 'iat'): Date | undefined {
  const claims = jwtClaims(token);
  // Own properties only: a claim named like an Object.prototype member must not be inherited.
  if (!claims || !Object.hasOwn(claims, name)) return undefined;
  const value = claims[name];
  // Reject values no real token carries (negative, NaN, beyond year 9999).
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 253402300799) {
    return undefined;
  }
  return new Date(Math.round(value * 1000));
}

/**
 * Reads the `exp` claim of a JWT without verifying it (we are not the audience; we only want to know
 * when the broker will stop honouring it). Returns undefined for anything that is not a well-formed
 * JWT with a sane numeric `exp`.
 */
export function jwtExpiry(token: string | undefined | null): Date | undefined {
  return numericDateClaim(token, 'exp');
}

/** The `iat` claim of a JWT (unverified), like jwtExpiry. */
export function jwtIssuedAt(token: string | undefined | null): Date | undefined {
  return numericDateClaim(token, 'iat');
}

/**
 * How far a token's own `iat` may be from this machine's clock and still be believed. A synced clock
 * is within a second of the broker's; minutes cover an unsynced laptop, while a token claiming to be
 * hours old or from the future is not trusted over our own clock.
 */
export const PLAUSIBLE_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The instant a token was issued: its own `iat` (the broker's clock) when present and plausible, else
 * `localIssuedAt` (our clock, read before the request). Near a daily cutoff the difference decides
 * the day: a machine 2 s behind the broker that logs in at 06:00:01 broker time reads 05:59:59 and
 * would otherwise give the token a life of one second instead of one day (issue 9, item 15).
 */
export function tokenIssuedAt(localIssuedAt: Date, token?: string | null): Date {
  const iat = jwtIssuedAt(token);
  if (iat && Math.abs(iat.getTime() - localIssuedAt.getTime()) <= PLAUSIBLE_CLOCK_SKEW_MS) {
    return iat;
  }
  return localIssuedAt;
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

/** What else is known about one token's end, beyond the broker's catalogue rule. */
export interface ExpiryFacts {
  /**
   * An instant the broker returned with the token (Shoonya `expires_in`, Dhan `expiryTime`), already
   * read as an absolute instant. Ignored when it is not a valid Date.
   */
  readonly brokerExpiresAt?: Date | undefined;
  /** The account's override of the daily IST cutoff (only offered where the cutoff is a Guess). */
  readonly cutoffOverride?: DailyCutoff | undefined;
}

/**
 * The daily IST cutoff in force for a broker: the account's override, else the catalogue's; null for
 * a broker with only a rolling life (Dhan) and no override.
 */
export function dailyCutoffFor(broker: BrokerId, override?: DailyCutoff): DailyCutoff | null {
  return override ?? BROKERS[broker].accessTokenCutoff;
}

/** A token's rolling life from issue, if its broker has one (Dhan 24 h, ICICI Breeze). */
function rollingEnd(broker: BrokerId, issued: Date): Date | undefined {
  const hours = BROKERS[broker].accessTokenLifeHours;
  return hours === undefined ? undefined : new Date(issued.getTime() + hours * 3_600_000);
}

/**
 * The catalogue rule alone for a token issued at `issued`: the earlier of the next daily IST cutoff
 * (if the broker has one) and the broker's rolling life (if it has one). Every broker has at least
 * one of the two; a catalogue entry with neither dies in a day, never lives for ever.
 */
export function ruleExpiry(broker: BrokerId, issued: Date, cutoffOverride?: DailyCutoff): Date {
  const cutoff = dailyCutoffFor(broker, cutoffOverride);
  const rolling = rollingEnd(broker, issued);
  if (cutoff === null) return rolling ?? new Date(issued.getTime() + 86_400_000);
  return earlier(nextDailyCutoff(issued, cutoff), rolling);
}

/**
 * When an access token issued at `issuedAt` dies: the earliest known instant of the broker's daily
 * IST cutoff after issue (if any), its rolling life (if any), the instant the broker returned with
 * the token (`facts.brokerExpiresAt`, if any) and the token's own JWT `exp` (DESIGN.md: "the earlier
 * wins"). The issue instant is the token's own `iat` where plausible (tokenIssuedAt). Without a
 * usable `iat`, a local issue instant within PLAUSIBLE_CLOCK_SKEW_MS before the daily cutoff is
 * ambiguous (the broker's clock may already be past it); a plausible `exp` or broker instant beyond
 * that cutoff then says the broker issued it after.
 */
export function accessTokenExpiry(
  broker: BrokerId,
  issuedAt: Date,
  accessToken?: string,
  facts: ExpiryFacts = {},
): Date {
  const cutoff = dailyCutoffFor(broker, facts.cutoffOverride);
  const issued = tokenIssuedAt(issuedAt, accessToken);
  const exp = jwtExpiry(accessToken);
  const fromBroker =
    facts.brokerExpiresAt instanceof Date && Number.isFinite(facts.brokerExpiresAt.getTime())
      ? facts.brokerExpiresAt
      : undefined;
  let rule: Date;
  if (cutoff === null) {
    rule = ruleExpiry(broker, issued);
  } else {
    let daily = nextDailyCutoff(issued, cutoff);
    const later = [exp, fromBroker].filter((d): d is Date => d !== undefined);
    if (
      later.length > 0 &&
      issued === issuedAt &&
      daily.getTime() - issuedAt.getTime() <= PLAUSIBLE_CLOCK_SKEW_MS &&
      later.every((d) => d.getTime() > daily.getTime() + PLAUSIBLE_CLOCK_SKEW_MS)
    ) {
      daily = nextDailyCutoff(daily, cutoff);
    }
    rule = earlier(daily, rollingEnd(broker, issued));
  }
  return earlier(earlier(rule, fromBroker), exp);
}

/** 'HH:MM' (24-hour) → a DailyCutoff; undefined for anything else. The account override's format. */
export function parseCutoff(text: string | undefined | null): DailyCutoff | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return m ? { hour: Number(m[1]), minute: Number(m[2]) } : undefined;
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
  const issued = tokenIssuedAt(issuedAt, refreshToken);
  const rule = new Date(issued.getTime() + renewal.refreshTokenLifetimeDays * 86_400_000);
  return earlier(rule, jwtExpiry(refreshToken));
}
