/**
 * The strict half of the login flow that all brokers share: is this URL our redirect URI, and what
 * single-valued parameters does it carry. Brokers redirect to the registered URI exactly (brokers.md
 * §2 "Redirect URI must exactly match", §4 "must equal the registered one"), so anything else —
 * another scheme, host, port or path, a user name, a fragment, a repeated parameter — is not a login
 * TokenTray started and yields no grant.
 */
import { timingSafeEqual } from 'node:crypto';
import { TokenTrayError } from '../errors';
import { scrubText } from './broker-errors';
import type { LoginGrant } from './types';

function tryUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** Scheme, host, port and path equal (WHATWG-normalised: default ports and host case fold). */
function sameTarget(a: URL, b: URL): boolean {
  return (
    a.protocol === b.protocol &&
    a.hostname === b.hostname &&
    a.port === b.port &&
    a.pathname === b.pathname
  );
}

/**
 * True when `url` points at the redirect URI, query ignored. Deliberately a little wider than
 * parseRedirect (it also says yes to a URL with a user name or fragment): the login window cancels
 * whatever this matches, so such a URL is stopped before it loads and then rejected by the parser.
 */
export function isRedirectTo(url: string, redirectUri: string): boolean {
  const u = tryUrl(url);
  const r = tryUrl(redirectUri);
  return u !== undefined && r !== undefined && sameTarget(u, r);
}

export function loginFailed(label: string, reason: string, advice?: string): TokenTrayError {
  return new TokenTrayError(
    'login-failed',
    `${label} login failed: ${reason}. ${advice ?? 'Start the login again from TokenTray.'}`,
  );
}

export function loginCancelled(label: string, reason?: string): TokenTrayError {
  return new TokenTrayError(
    'cancelled',
    `${label} login cancelled${reason ? `: ${reason}` : ''}. Click Log in to try again.`,
  );
}

/**
 * Checks that `url` is exactly the redirect URI (parameters the configured URI itself carries must
 * come back unchanged) and returns the broker's parameters. Every parameter must appear at most once:
 * a repeated one is ambiguous (which `state`? which `code`?) and is rejected outright.
 */
export function readRedirect(
  url: string,
  redirectUri: string,
  label: string,
): ReadonlyMap<string, string> {
  const r = tryUrl(redirectUri);
  if (!r) {
    throw loginFailed(
      label,
      'the redirect URI in the account settings is not a valid URL',
      'Fix it in the account settings (e.g. http://127.0.0.1:5055/callback).',
    );
  }
  const u = tryUrl(url);
  const expected = `${r.protocol}//${r.host}${r.pathname}`;
  if (!u || !sameTarget(u, r)) {
    throw loginFailed(
      label,
      `the login page returned to an address other than the redirect URI ${expected}`,
      `Check that the redirect URI registered with ${label} matches the one in TokenTray exactly, then log in again.`,
    );
  }
  if (u.username !== '' || u.password !== '') {
    throw loginFailed(
      label,
      'the return address carried a user name, which a real login never does',
    );
  }
  if (u.hash !== '') {
    throw loginFailed(
      label,
      'the return address carried a #fragment, which a real login never does',
    );
  }
  const params = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(u.search)) {
    if (params.has(key)) {
      throw loginFailed(
        label,
        `the return address repeated the parameter "${scrubText(key) ?? '?'}"`,
      );
    }
    params.set(key, value);
  }
  for (const [key, value] of new URLSearchParams(r.search)) {
    if (params.get(key) !== value) {
      throw loginFailed(
        label,
        `the return address lost the redirect URI's own parameter "${scrubText(key) ?? '?'}"`,
      );
    }
    params.delete(key);
  }
  return params;
}

function equalSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Values a redirect carries that must never be echoed into a message: the grant (under the broker's
 * name for it — FYERS' `code` is only a status) and the state. Free text from the same redirect is
 * scrubbed of them.
 */
export function redirectSecrets(params: ReadonlyMap<string, string>, grantName: string): string[] {
  return [grantName, 'state'].map((k) => params.get(k)).filter((v): v is string => v !== undefined);
}

/** The `state` that came back must be the one this login sent (CSRF / mix-up protection). */
export function checkState(
  params: ReadonlyMap<string, string>,
  expected: string,
  label: string,
  name = 'state',
): void {
  if (expected === '') {
    throw loginFailed(label, 'TokenTray started the login without a state value (a bug)');
  }
  const got = params.get(name);
  if (got === undefined || got === '') {
    throw loginFailed(label, `the return address carried no ${name}, so it cannot be trusted`);
  }
  if (!equalSecret(got, expected)) {
    throw loginFailed(
      label,
      'the return address belongs to a different login than the one TokenTray started (state mismatch)',
    );
  }
}

/** A grant is printable ASCII without spaces, of sane length; anything else is not one. */
const GRANT_PATTERN = /^[\x21-\x7e]{1,4096}$/;

export function requireGrant(
  params: ReadonlyMap<string, string>,
  name: string,
  label: string,
): string {
  const value = params.get(name);
  if (value === undefined || value === '') {
    throw loginFailed(label, `the return address carried no ${name}`);
  }
  if (!GRANT_PATTERN.test(value)) {
    throw loginFailed(label, `the ${name} in the return address is malformed`);
  }
  return value;
}

/** Checks the `state` we are about to send: non-empty, URL-safe, so it round-trips unchanged. */
export function checkOutgoingState(state: string, label: string): void {
  if (!/^[A-Za-z0-9_\-.~]{8,512}$/.test(state)) {
    throw new TokenTrayError(
      'login-failed',
      `${label} login could not start: the state value is not 8–512 URL-safe characters (a bug).`,
    );
  }
}

export interface GrantRedirect {
  readonly url: string;
  readonly expected: { readonly redirectUri: string; readonly state: string };
  readonly label: string;
  /** The broker's name for the single-use grant: Upstox `code`, Kite `request_token`, FYERS `auth_code`. */
  readonly grantName: string;
  /** Registers values with the redactor before anything can echo them. */
  readonly registerSecrets: (...values: readonly string[]) => void;
  /**
   * The broker's own success/error/cancel form. Throws loginCancelled/loginFailed for anything but
   * success; `hide` holds the grant and state, to scrub from any text it quotes.
   */
  readonly checkStatus: (params: ReadonlyMap<string, string>, hide: readonly string[]) => void;
}

/**
 * Every broker's redirect check, in the one order that keeps it safe: exactly our redirect URI with
 * single-valued parameters; grant and state registered as secrets first, whatever happens next; a
 * state that came back must match before the broker's status is believed (another login's error
 * redirect is not ours to report); then the broker's status; then a state is required and the grant
 * must be well formed.
 */
export function parseGrantRedirect(input: GrantRedirect): LoginGrant {
  const { expected, label, grantName } = input;
  const params = readRedirect(input.url, expected.redirectUri, label);
  const hide = redirectSecrets(params, grantName);
  input.registerSecrets(...hide);
  const state = params.get('state');
  if (state !== undefined && state !== '') checkState(params, expected.state, label);
  input.checkStatus(params, hide);
  checkState(params, expected.state, label);
  return { code: requireGrant(params, grantName, label) };
}

/**
 * The start of every redirect check for a broker that does not echo `state` (Dhan, Shoonya, Alice
 * Blue, ICICI Breeze, IIFL): exactly our redirect URI with single-valued parameters; the grant-like
 * values (`secrets(params)`) and any `state` registered as secrets before anything can echo them; and
 * a `state` that comes back anyway must be ours (another login's redirect is not this one's to use or
 * to report). Returns the parameters and the values to scrub from any text the redirect quotes.
 */
export function readStatelessRedirect(input: {
  readonly url: string;
  readonly expected: { readonly redirectUri: string; readonly state: string };
  readonly label: string;
  readonly secrets: (params: ReadonlyMap<string, string>) => readonly (string | undefined)[];
  readonly registerSecrets: (...values: readonly string[]) => void;
}): { readonly params: ReadonlyMap<string, string>; readonly hide: readonly string[] } {
  const { expected, label } = input;
  if (expected.state === '') {
    throw loginFailed(label, 'TokenTray started the login without a state value (a bug)');
  }
  const params = readRedirect(input.url, expected.redirectUri, label);
  const hide = [...input.secrets(params), params.get('state')].filter(
    (v): v is string => v !== undefined && v !== '',
  );
  input.registerSecrets(...hide);
  if (params.has('state')) checkState(params, expected.state, label);
  return { params, hide };
}

/**
 * An OAuth-style `error` on the redirect — Guess for every broker that documents no error redirect:
 * the user backing out when it says "denied"/"cancel" ('cancelled'), a failed login otherwise. Its
 * words (`error_description`, else `error`) are scrubbed of `hide` and of every other value of 8 or
 * more characters the redirect carries (a grant under a name this broker does not use is still a
 * secret), and bounded.
 */
export function rejectErrorRedirect(
  params: ReadonlyMap<string, string>,
  hide: readonly string[],
  label: string,
): void {
  const error = params.get('error');
  if (error === undefined) return;
  const others = [...params]
    .filter(([k, v]) => k !== 'error' && k !== 'error_description' && v.length >= 8)
    .map(([, v]) => v);
  const words = scrubText(params.get('error_description') ?? error, [...hide, ...others]);
  if (/denied|cancel/i.test(error)) throw loginCancelled(label, words);
  throw loginFailed(label, `${label} said "${words ?? 'error'}"`);
}
