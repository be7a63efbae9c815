/**
 * Builds the broker adapters. The composition root calls createBrokerAdapters() with no options (real
 * hosts, global fetch, real timers); tests and demos point them at the broker simulator through
 * `baseUrls`, which accept only https or loopback http (base-url.ts).
 */
import { BROKER_IDS, type BrokerId } from '../../../shared/brokers';
import { silentLogger, type Logger } from '../ports';
import { createAliceBlueAdapter, aliceblueBrokerCode } from './aliceblue';
import { createAngelOneAdapter, angeloneBrokerCode } from './angelone';
import { createBreezeAdapter, breezeBrokerCode } from './breeze';
import { createDhanAdapter, dhanBrokerCode } from './dhan';
import { createFivePaisaAdapter, fivepaisaBrokerCode } from './fivepaisa';
import { createIiflAdapter, iiflBrokerCode } from './iifl';
import { createShoonyaAdapter, shoonyaBrokerCode } from './shoonya';
import { resolveEndpoints } from './base-url';
import { createAdapterContext, type AdapterContext } from './call';
import { createFyersAdapter, fyersBrokerCode, FYERS_RATE_LIMIT_ADVICE } from './fyers';
import { createKiteAdapter, kiteBrokerCode } from './kite';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry';
import type { BrokerAdapter } from './types';
import { createUpstoxAdapter, upstoxBrokerCode } from './upstox';

export type { BrokerAdapter } from './types';
export { DEFAULT_ENDPOINTS, checkBaseUrl, type BrokerEndpoints } from './base-url';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry';
export { kiteChecksum } from './kite';
export { fyersAppIdHash } from './fyers';

export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

export interface BrokerAdapterOptions {
  /** Overrides of the real hosts, per broker (tests, demos). https or loopback http only. */
  readonly baseUrls?: Partial<
    Record<BrokerId, { readonly api?: string | undefined; readonly login?: string | undefined }>
  >;
  /** Retry policy for 'broker-down' and 'rate-limited'; defaults: 3 attempts, 500 ms → 8 s. */
  readonly retry?: Partial<RetryPolicy>;
  readonly fetch?: typeof fetch;
  /** Per-request timeout (AbortSignal.timeout). */
  readonly timeoutMs?: number;
  readonly now?: () => Date;
  /** Waits between retries; tests pass a fake that records the delays. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1). */
  readonly random?: () => number;
  readonly logger?: Logger;
}

interface BrokerWiring {
  readonly create: (ctx: AdapterContext) => BrokerAdapter;
  readonly brokerCodeOf: (json: unknown) => unknown;
  readonly retryRateLimitWithoutHint: boolean;
  readonly rateLimitAdvice?: string;
}

const WIRING: Readonly<Record<BrokerId, BrokerWiring>> = {
  upstox: {
    create: createUpstoxAdapter,
    brokerCodeOf: upstoxBrokerCode,
    retryRateLimitWithoutHint: true,
  },
  kite: {
    create: createKiteAdapter,
    brokerCodeOf: kiteBrokerCode,
    retryRateLimitWithoutHint: true,
  },
  fyers: {
    create: createFyersAdapter,
    brokerCodeOf: fyersBrokerCode,
    // brokers.md §4: repeated excess blocks the user for the day; only a Retry-After is waited out.
    retryRateLimitWithoutHint: false,
    rateLimitAdvice: FYERS_RATE_LIMIT_ADVICE,
  },
  angelone: {
    create: createAngelOneAdapter,
    brokerCodeOf: angeloneBrokerCode,
    // Guess: SmartAPI's rate-limit behaviour beyond "~10 req/s" [3P] is not documented.
    retryRateLimitWithoutHint: true,
  },
  // Guess for the six below: their rate-limit behaviour at login is not documented; a 429 without a
  // Retry-After is retried under the shared policy (3 attempts), like Upstox and Kite.
  dhan: {
    create: createDhanAdapter,
    brokerCodeOf: dhanBrokerCode,
    retryRateLimitWithoutHint: true,
  },
  fivepaisa: {
    create: createFivePaisaAdapter,
    brokerCodeOf: fivepaisaBrokerCode,
    retryRateLimitWithoutHint: true,
  },
  shoonya: {
    create: createShoonyaAdapter,
    brokerCodeOf: shoonyaBrokerCode,
    retryRateLimitWithoutHint: true,
  },
  aliceblue: {
    create: createAliceBlueAdapter,
    brokerCodeOf: aliceblueBrokerCode,
    retryRateLimitWithoutHint: true,
  },
  // Breeze: 100 calls a minute, 5,000 a day (§2.7 [Doc]); a login is two calls.
  breeze: {
    create: createBreezeAdapter,
    brokerCodeOf: breezeBrokerCode,
    retryRateLimitWithoutHint: true,
  },
  iifl: {
    create: createIiflAdapter,
    brokerCodeOf: iiflBrokerCode,
    retryRateLimitWithoutHint: true,
  },
};

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One adapter. Throws TokenTrayError 'config' for a base URL override that is not allowed. */
export function createBrokerAdapter(
  broker: BrokerId,
  options: BrokerAdapterOptions = {},
): BrokerAdapter {
  const wiring = WIRING[broker];
  const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  if (!Number.isInteger(retry.attempts) || retry.attempts < 1) {
    throw new RangeError('retry.attempts must be a whole number ≥ 1');
  }
  const ctx = createAdapterContext({
    broker,
    endpoints: resolveEndpoints(broker, options.baseUrls?.[broker]),
    // Node 20's global fetch (undici), looked up at call time.
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    timeoutMs: options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    retry,
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
    now: options.now ?? (() => new Date()),
    logger: options.logger ?? silentLogger,
    brokerCodeOf: wiring.brokerCodeOf,
    retryRateLimitWithoutHint: wiring.retryRateLimitWithoutHint,
    ...(wiring.rateLimitAdvice !== undefined ? { rateLimitAdvice: wiring.rateLimitAdvice } : {}),
  });
  return wiring.create(ctx);
}

/** Every broker's adapter, keyed by broker id (what TokenService takes as `brokers`). */
export function createBrokerAdapters(
  options: BrokerAdapterOptions = {},
): Record<BrokerId, BrokerAdapter> {
  const entries = BROKER_IDS.map((id) => [id, createBrokerAdapter(id, options)] as const);
  return Object.fromEntries(entries) as Record<BrokerId, BrokerAdapter>;
}
