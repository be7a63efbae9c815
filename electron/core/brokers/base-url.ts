/**
 * Where each broker lives, and the one override point for tests and demos (the broker simulator).
 * An override must be https, or plain http only to this computer: anything else would send the API
 * secret, grants and tokens in clear text over a network.
 */
import { BROKERS, type BrokerId } from '../../../shared/brokers';
import { TokenTrayError } from '../errors';

export interface BrokerEndpoints {
  /** Token, profile, refresh and logout endpoints. No trailing slash. */
  readonly api: string;
  /** The login (authorize) page. No trailing slash. */
  readonly login: string;
}

/** The real hosts, from brokers.md §1 ("Login URL", "Exchange", "Cheap validity check"). */
export const DEFAULT_ENDPOINTS: Readonly<Record<BrokerId, BrokerEndpoints>> = {
  upstox: { api: 'https://api.upstox.com', login: 'https://api.upstox.com' },
  kite: { api: 'https://api.kite.trade', login: 'https://kite.zerodha.com' },
  fyers: { api: 'https://api-t1.fyers.in', login: 'https://api-t1.fyers.in' },
  // brokers-more.md §2.1: SmartAPI REST host and the Publisher login page.
  angelone: { api: 'https://apiconnect.angelone.in', login: 'https://smartapi.angelone.in' },
  // brokers-more.md §2.2: consent calls and page on auth.dhan.co (the login base), API on api.dhan.co.
  dhan: { api: 'https://api.dhan.co', login: 'https://auth.dhan.co' },
  // §2.3: GetAccessToken on Openapi.5paisa.com, the vendor login page on dev-openapi.5paisa.com.
  fivepaisa: { api: 'https://openapi.5paisa.com', login: 'https://dev-openapi.5paisa.com' },
  // §2.4: OAuth page and NorenWClientAPI on the same host.
  shoonya: { api: 'https://api.shoonya.com', login: 'https://api.shoonya.com' },
  // §2.5: login page and getUserDetails on ant., the trading API on a3.
  aliceblue: { api: 'https://a3.aliceblueonline.com', login: 'https://ant.aliceblueonline.com' },
  // §2.7: login page and the Breeze API on the same host.
  breeze: { api: 'https://api.icicidirect.com', login: 'https://api.icicidirect.com' },
  // §2.8 (a): login page on markets., getusersession on api.
  iifl: { api: 'https://api.iiflcapital.com', login: 'https://markets.iiflcapital.com' },
};

/**
 * True for names that can only mean this computer: 127.0.0.0/8, ::1 and `localhost`.
 * Takes WHATWG URL hostnames, which are already normalised (`127.1` → `127.0.0.1`, `[::1]`).
 */
export function isLoopbackHostname(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(hostname);
  return m !== null && m.slice(1).every((octet) => Number(octet) <= 255);
}

/**
 * Checks one base URL override and returns it without a trailing slash.
 * Throws TokenTrayError 'config' with the fix when it is not https or loopback http.
 */
export function checkBaseUrl(value: string, broker: BrokerId, which: 'api' | 'login'): string {
  const label = BROKERS[broker].label;
  const fix = `use https://…, or http:// only to this computer (127.0.0.1, ::1 or localhost)`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TokenTrayError(
      'config',
      `The ${label} ${which} base URL override is not a valid URL: ${fix}.`,
    );
  }
  // Echo only scheme and host: an override with user:password@ must not put a password in a message.
  const shown = `${url.protocol}//${url.host}`;
  if (url.username !== '' || url.password !== '') {
    throw new TokenTrayError(
      'config',
      `The ${label} ${which} base URL override (${shown}) must not contain a user name or password.`,
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw new TokenTrayError(
      'config',
      `The ${label} ${which} base URL override (${shown}) must not contain a query or fragment.`,
    );
  }
  const ok =
    url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHostname(url.hostname));
  if (!ok) {
    throw new TokenTrayError(
      'config',
      `The ${label} ${which} base URL override (${shown}) is not allowed: ${fix}.`,
    );
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** The endpoints for one broker: the real hosts, with any (checked) overrides applied. */
export function resolveEndpoints(
  broker: BrokerId,
  override?: { readonly api?: string | undefined; readonly login?: string | undefined },
): BrokerEndpoints {
  const defaults = DEFAULT_ENDPOINTS[broker];
  return {
    api: override?.api !== undefined ? checkBaseUrl(override.api, broker, 'api') : defaults.api,
    login:
      override?.login !== undefined
        ? checkBaseUrl(override.login, broker, 'login')
        : defaults.login,
  };
}

/** `base` + an absolute path (`/v2/user/profile`), keeping any path prefix the base has. */
export function endpointUrl(base: string, path: string): URL {
  return new URL(`${base}${path}`);
}
