/**
 * The one decision every login navigator makes for every request a login page causes: is it our
 * redirect URI (capture it: cancel the load and hand the URL to the login flow), a page the window may
 * show, or something to block? The Electron login window (electron/platform/login-window.ts) and the
 * browser tests' Chromium driver (test/helpers/playwright-login-navigator.ts) both ask this function,
 * so the tests exercise the same rules the app enforces.
 *
 * Rules (DESIGN.md "Login flow"):
 * - The redirect URI is captured only as a top-level navigation. Anywhere else (an iframe, an image, a
 *   fetch) it is blocked: a real broker only ever sends the whole page there, and a page that tries to
 *   smuggle the grant to our redirect URI some other way is not one we trust.
 * - Top-level navigations go only to the broker's login origins (`allowedOrigins`: exact
 *   scheme://host:port). Everything else — another site, a downgrade to http, `file:`, `data:`,
 *   `javascript:`, a custom scheme — is blocked.
 * - Frames inside the login page may show https pages from anywhere (captcha and 2FA widgets live on
 *   other origins) plus about:blank/srcdoc, and never anything else.
 * - Other resources (scripts, styles, images, XHR) are the page's own business, within http(s), data:
 *   and blob:, plus secure WebSockets (`wss:`): broker login pages use them for live OTP/QR status,
 *   and Electron reports them as resources of type `webSocket`. Plain `ws:` stays blocked.
 */
import type { LoginNavigationRequest } from '../lifecycle/login-flow';

/** Where a request comes from, as both navigators can tell it. */
export type LoginRequestKind = 'main-frame' | 'sub-frame' | 'resource';

export type LoginNavigationDecision =
  | { readonly action: 'capture' }
  | { readonly action: 'allow' }
  | { readonly action: 'block'; readonly reason: string };

export type LoginPolicyInput = Pick<LoginNavigationRequest, 'allowedOrigins' | 'isRedirect'>;

const ALLOW: LoginNavigationDecision = { action: 'allow' };
const CAPTURE: LoginNavigationDecision = { action: 'capture' };

function block(reason: string): LoginNavigationDecision {
  return { action: 'block', reason };
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** "https://kite.zerodha.com" for logs and messages: scheme and host only, never a path or query. */
export function describeTarget(url: string): string {
  const u = parse(url);
  if (!u) return 'an invalid address';
  if (u.protocol === 'http:' || u.protocol === 'https:') return u.origin;
  return `a ${u.protocol} address`;
}

export function decideLoginNavigation(
  url: string,
  kind: LoginRequestKind,
  request: LoginPolicyInput,
): LoginNavigationDecision {
  const u = parse(url);
  if (!u) return block('not a valid address');

  if (request.isRedirect(url)) {
    return kind === 'main-frame'
      ? CAPTURE
      : block('the redirect URI may only be reached by the login page itself, not from inside it');
  }

  switch (kind) {
    case 'main-frame': {
      // blob: and filesystem: URLs carry the origin of the page that made them
      // (`new URL('blob:https://kite.zerodha.com/…').origin` is the broker's), but their content is
      // whatever that page put in them: a top-level page must be a real http(s) page of the broker.
      if (u.protocol !== 'https:' && u.protocol !== 'http:') {
        return block(`${describeTarget(url)} is not one of the broker's login pages`);
      }
      // Origins compare after WHATWG normalisation (host case, default ports), both sides.
      const allowed = request.allowedOrigins.some((o) => parse(o)?.origin === u.origin);
      if (!allowed || u.origin === 'null') {
        return block(`${describeTarget(url)} is not one of the broker's login pages`);
      }
      if (u.username !== '' || u.password !== '') {
        return block('the address carries a user name or password');
      }
      return ALLOW;
    }
    case 'sub-frame':
      if (u.protocol === 'https:') return ALLOW;
      if (url === 'about:blank' || url === 'about:srcdoc') return ALLOW;
      return block(
        `frames inside the login page may show only https pages, not ${describeTarget(url)}`,
      );
    case 'resource':
      if (['https:', 'http:', 'data:', 'blob:', 'wss:'].includes(u.protocol)) return ALLOW;
      return block(`the login page may not load ${describeTarget(url)}`);
  }
}
