/**
 * An account's token status from its expiry and the time now.
 *   valid     more than `expiringMs` left (default 3 h)
 *   expiring  from `criticalMs` up to `expiringMs` left (default 1–3 h, both ends included)
 *   critical  less than `criticalMs` left (default 1 h)
 *   expired   nothing left (at the expiry instant the token is dead)
 *   revoked   the broker rejected the token, whatever the clock says
 *   none      never logged in
 */

export const TOKEN_STATUSES = [
  'none',
  'valid',
  'expiring',
  'critical',
  'expired',
  'revoked',
] as const;
export type TokenStatus = (typeof TOKEN_STATUSES)[number];

export interface StatusThresholds {
  /** At or below this much time left the token is `expiring`. */
  readonly expiringMs: number;
  /** Below this much time left the token is `critical`. */
  readonly criticalMs: number;
}

export const DEFAULT_THRESHOLDS: StatusThresholds = {
  expiringMs: 3 * 3_600_000,
  criticalMs: 1 * 3_600_000,
};

export interface TokenTiming {
  /** When the access token dies; undefined if the account has never logged in. */
  readonly expiresAt?: Date | undefined;
  /** True once the broker has rejected the token. */
  readonly revoked?: boolean | undefined;
}

export function statusAt(
  token: TokenTiming,
  now: Date,
  thresholds: StatusThresholds = DEFAULT_THRESHOLDS,
): TokenStatus {
  if (token.revoked) return 'revoked';
  if (!token.expiresAt) return 'none';
  const left = token.expiresAt.getTime() - now.getTime();
  if (left <= 0) return 'expired';
  if (left < thresholds.criticalMs) return 'critical';
  if (left <= thresholds.expiringMs) return 'expiring';
  return 'valid';
}

/**
 * The next instant strictly after `now` at which `statusAt` gives a different answer, or undefined if
 * it never will by the clock alone (none, revoked, expired). The scheduler wakes exactly then.
 */
export function nextStatusChange(
  token: TokenTiming,
  now: Date,
  thresholds: StatusThresholds = DEFAULT_THRESHOLDS,
): Date | undefined {
  if (token.revoked || !token.expiresAt) return undefined;
  const exp = token.expiresAt.getTime();
  const t = now.getTime();
  const candidates = [
    exp - thresholds.expiringMs, // valid → expiring (exactly `expiringMs` left is expiring)
    exp - thresholds.criticalMs + 1, // expiring → critical (exactly `criticalMs` left is still expiring)
    exp, // → expired
  ].filter((c) => c > t);
  if (candidates.length === 0) return undefined;
  return new Date(Math.min(...candidates));
}

/** How bad a status is, for the tray colour: the worst account wins. */
export const STATUS_SEVERITY: Readonly<Record<TokenStatus, number>> = {
  valid: 0,
  none: 1,
  expiring: 2,
  critical: 3,
  expired: 4,
  revoked: 4,
};

export function worstStatus(statuses: readonly TokenStatus[]): TokenStatus | undefined {
  let worst: TokenStatus | undefined;
  for (const s of statuses) {
    if (worst === undefined || STATUS_SEVERITY[s] > STATUS_SEVERITY[worst]) worst = s;
  }
  return worst;
}

/** True when a bot reading this token right now would succeed (as far as we know). */
export function isUsable(status: TokenStatus): boolean {
  return status === 'valid' || status === 'expiring' || status === 'critical';
}
