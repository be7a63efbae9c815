/**
 * Bounded retries for the two error classes that a later attempt can fix: 'broker-down' (5xx,
 * network) and 'rate-limited' (429). Exponential backoff with jitter, Retry-After honoured.
 *
 * The rule that overrides everything: a request carrying a single-use grant (Upstox code, Kite
 * request_token, FYERS auth_code) is never sent again once the broker may have seen it — the grant
 * dies on first use even when the exchange fails (brokers.md §2 [U2], §3 [K4]). Only a failure that
 * provably happened before sending (`details.notSent`) allows a second try.
 */
import type { Logger } from '../ports';
import { isTokenTrayError, type TokenTrayError } from '../errors';

export interface RetryPolicy {
  /** Total attempts, the first included. */
  readonly attempts: number;
  /** Backoff before the second attempt; doubles after each failure. */
  readonly baseDelayMs: number;
  /** Cap for one backoff delay. */
  readonly maxDelayMs: number;
  /** A Retry-After longer than this is not waited out: the error goes to the user instead. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

export interface RetryDeps {
  readonly sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1); injectable so tests can pin the jitter. */
  readonly random: () => number;
  readonly logger: Logger;
}

export interface RetryOptions {
  /** Operation name for the log. */
  readonly op: string;
  readonly broker: string;
  /** The request carries a single-use grant. */
  readonly singleUseGrant: boolean;
  /**
   * Whether a 429 without Retry-After may be retried after the usual backoff. FYERS blocks the user
   * for the day after repeated excess (brokers.md §4), so its adapter turns this off.
   */
  readonly retryRateLimitWithoutHint: boolean;
}

/**
 * "Equal jitter": half of the exponential step fixed, half random, so delays stay within
 * [step/2, step] and concurrent clients do not retry in lockstep.
 */
export function backoffDelayMs(failedAttempt: number, policy: RetryPolicy, random: number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1));
  return Math.round(step / 2 + (random * step) / 2);
}

/** How long to wait before trying again, or undefined when this error must not be retried. */
export function retryDelayMs(
  error: TokenTrayError,
  failedAttempt: number,
  policy: RetryPolicy,
  options: Pick<RetryOptions, 'singleUseGrant' | 'retryRateLimitWithoutHint'>,
  random: number,
): number | undefined {
  if (error.kind !== 'broker-down' && error.kind !== 'rate-limited') return undefined;
  if (options.singleUseGrant && error.details.notSent !== true) return undefined;
  if (failedAttempt >= policy.attempts) return undefined;
  if (error.kind === 'rate-limited') {
    const hint = error.details.retryAfterMs;
    if (hint !== undefined) return hint <= policy.maxRetryAfterMs ? hint : undefined;
    if (!options.retryRateLimitWithoutHint) return undefined;
  }
  return backoffDelayMs(failedAttempt, policy, random);
}

export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  policy: RetryPolicy,
  deps: RetryDeps,
  options: RetryOptions,
): Promise<T> {
  for (let n = 1; ; n += 1) {
    try {
      return await attempt(n);
    } catch (e) {
      if (!isTokenTrayError(e)) throw e;
      const delay = retryDelayMs(e, n, policy, options, deps.random());
      if (delay === undefined) throw e;
      deps.logger.warn('broker call failed; retrying', {
        broker: options.broker,
        op: options.op,
        kind: e.kind,
        status: e.details.status,
        brokerCode: e.details.brokerCode,
        attempt: n,
        delayMs: delay,
      });
      await deps.sleep(delay);
    }
  }
}
