/**
 * The one way an adapter talks to its broker: send (with timeout), classify the answers every broker
 * shares (429 → rate-limited, 5xx → broker-down, 3xx → unexpected), hand the rest to the adapter's
 * own interpreter, and retry under the rules of retry.ts. Each attempt is logged by method, host and
 * path only — never the query (Kite's logout carries the access token there) or a body.
 */
import type { BrokerId } from '../../../shared/brokers';
import { BROKERS } from '../../../shared/brokers';
import type { Logger } from '../ports';
import { isTokenTrayError, TokenTrayError } from '../errors';
import type { BrokerEndpoints } from './base-url';
import { endpointUrl } from './base-url';
import {
  badResponseError,
  brokerDownError,
  rateLimitedError,
  retryAfterMs,
  type Operation,
} from './broker-errors';
import { brokerCode as safeBrokerCode, isReadable, type RequestSecrets } from './broker-text';
import { sendHttp, type HttpRequest, type HttpResponse } from './http';
import { withRetry, type RetryPolicy } from './retry';

export interface CallSpec<T> {
  readonly op: Operation;
  readonly request: HttpRequest;
  /** The request carries a single-use grant: never resend once the broker may have seen it. */
  readonly singleUseGrant?: boolean;
  /**
   * The secrets this request carries (API secret, grant, checksum/appIdHash, tokens, PIN): anything
   * the broker answers is redacted against them before it is shown (broker-text.ts).
   */
  readonly secrets?: RequestSecrets;
  /**
   * Turns an answer that is not 429/5xx/3xx into a result, or throws a classified TokenTrayError.
   * Brokers that report errors in a 200 body (FYERS `s: "error"`) are handled here too.
   */
  readonly interpret: (res: HttpResponse) => T;
}

export interface AdapterContext {
  readonly broker: BrokerId;
  readonly label: string;
  readonly endpoints: BrokerEndpoints;
  readonly now: () => Date;
  readonly logger: Logger;
  /** `${endpoints.api}${path}` */
  apiUrl(path: string): URL;
  /** `${endpoints.login}${path}` */
  loginUrl(path: string): URL;
  call<T>(spec: CallSpec<T>): Promise<T>;
  /** Hands secrets to the logger's redactor before anything else could log them. */
  registerSecrets(...values: readonly (string | undefined)[]): void;
}

export interface ContextDeps {
  readonly broker: BrokerId;
  readonly endpoints: BrokerEndpoints;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly now: () => Date;
  readonly logger: Logger;
  /** The broker's own error code in an error body, raw (call.ts makes it safe), for 429/5xx details. */
  readonly brokerCodeOf: (json: unknown) => unknown;
  /** See RetryOptions.retryRateLimitWithoutHint. */
  readonly retryRateLimitWithoutHint: boolean;
  /** Extra words for a rate-limit message (FYERS: the day-long block). */
  readonly rateLimitAdvice?: string;
}

/**
 * A failed exchange cannot be "tried again" with the same grant (it died on first use): the user
 * must log in again, and the message has to say so instead of "try again".
 */
function withGrantAdvice(e: unknown): unknown {
  const kinds = ['broker-down', 'rate-limited', 'bad-response'];
  if (!isTokenTrayError(e) || !kinds.includes(e.kind)) return e;
  return new TokenTrayError(
    e.kind,
    `${e.message} The login code from the broker works only once, so click Log in again${e.kind === 'rate-limited' ? ' after the wait' : ''}.`,
    e.details,
  );
}

export function createAdapterContext(deps: ContextDeps): AdapterContext {
  const label = BROKERS[deps.broker].label;

  function classifyShared(res: HttpResponse, op: Operation, secrets: RequestSecrets): void {
    const codeOf = () => {
      const code = safeBrokerCode(deps.brokerCodeOf(res.json), secrets);
      return isReadable(code) ? code : undefined;
    };
    if (res.status === 429) {
      const brokerCode = codeOf();
      const wait = retryAfterMs(res.headers, deps.now());
      throw rateLimitedError(label, {
        status: 429,
        ...(brokerCode !== undefined ? { brokerCode } : {}),
        ...(wait !== undefined ? { retryAfterMs: wait } : {}),
        ...(deps.rateLimitAdvice !== undefined ? { advice: deps.rateLimitAdvice } : {}),
      });
    }
    if (res.status >= 500) {
      const brokerCode = codeOf();
      throw brokerDownError(label, op, {
        status: res.status,
        ...(brokerCode !== undefined ? { brokerCode } : {}),
      });
    }
    if (res.status >= 300 && res.status < 400) {
      throw badResponseError(label, op, `a redirect, HTTP ${res.status}`, res.status);
    }
    // Every broker reports errors as a JSON object (brokers.md §2, §3, §4). A 4xx with an HTML or
    // text body came from something in between (a WAF, proxy or captive portal): it says nothing
    // about the token, so it must not be read as the broker rejecting it ("revoked at once").
    const isObject = typeof res.json === 'object' && res.json !== null;
    if (res.status >= 400 && !isObject && res.text.trim() !== '') {
      throw badResponseError(label, op, `HTTP ${res.status}, not JSON`, res.status);
    }
  }

  async function attempt<T>(spec: CallSpec<T>, n: number): Promise<T> {
    const started = Date.now();
    const { method, url } = spec.request;
    const where = { broker: deps.broker, op: spec.op, method, host: url.host, path: url.pathname };
    let res: HttpResponse;
    try {
      res = await sendHttp(spec.request, { fetch: deps.fetch, timeoutMs: deps.timeoutMs, label });
    } catch (e) {
      deps.logger.warn('broker call did not complete', {
        ...where,
        attempt: n,
        ms: Date.now() - started,
        kind: isTokenTrayError(e) ? e.kind : 'unknown',
        notSent: isTokenTrayError(e) ? e.details.notSent === true : false,
      });
      throw e;
    }
    deps.logger.info('broker call', {
      ...where,
      attempt: n,
      status: res.status,
      ms: Date.now() - started,
    });
    classifyShared(res, spec.op, spec.secrets ?? []);
    return spec.interpret(res);
  }

  return {
    broker: deps.broker,
    label,
    endpoints: deps.endpoints,
    now: deps.now,
    logger: deps.logger,
    apiUrl: (path) => endpointUrl(deps.endpoints.api, path),
    loginUrl: (path) => endpointUrl(deps.endpoints.login, path),
    registerSecrets: (...values) => {
      for (const v of values) if (v) deps.logger.registerSecret(v);
    },
    call: async (spec) => {
      try {
        return await withRetry(
          (n) => attempt(spec, n),
          deps.retry,
          { sleep: deps.sleep, random: deps.random, logger: deps.logger },
          {
            op: spec.op,
            broker: deps.broker,
            singleUseGrant: spec.singleUseGrant === true,
            retryRateLimitWithoutHint: deps.retryRateLimitWithoutHint,
          },
        );
      } catch (e) {
        throw spec.singleUseGrant === true ? withGrantAdvice(e) : e;
      }
    },
  };
}
