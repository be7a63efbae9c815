/**
 * The login window's one decision (electron/core/policy/login-navigation-policy.ts), shared by the Electron
 * adapter and the Chromium test driver: capture the redirect URI, allow the broker's pages, block the
 * rest.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBrokerAdapters } from '../../electron/core/brokers';
import {
  decideLoginNavigation,
  describeTarget,
  type LoginPolicyInput,
} from '../../electron/core/policy/login-navigation-policy';

const REDIRECT = 'http://127.0.0.1:5055/kite/callback';
const kite = createBrokerAdapters().kite;
const input: LoginPolicyInput = {
  allowedOrigins: ['https://kite.zerodha.com', 'https://kite.trade'],
  isRedirect: (url) => kite.isRedirect(url, REDIRECT),
};

describe('decideLoginNavigation', () => {
  it('captures the redirect URI as a top-level navigation, whatever it carries', () => {
    for (const url of [
      `${REDIRECT}?action=login&status=success&request_token=abc`,
      `${REDIRECT}?status=error`,
      REDIRECT,
    ]) {
      expect(decideLoginNavigation(url, 'main-frame', input)).toEqual({ action: 'capture' });
    }
  });

  it('blocks the redirect URI from a frame or a sub-resource (no grant smuggled out)', () => {
    for (const kind of ['sub-frame', 'resource'] as const) {
      const d = decideLoginNavigation(`${REDIRECT}?request_token=x`, kind, input);
      expect(d.action).toBe('block');
    }
  });

  it('does not mistake a look-alike for the redirect URI', () => {
    for (const url of [
      'http://127.0.0.1:5056/kite/callback?request_token=x', // other port
      'http://127.0.0.1:5055/kite/callbackx?request_token=x', // other path
      'https://127.0.0.1:5055/kite/callback?request_token=x', // other scheme
      'http://localhost:5055/kite/callback?request_token=x', // other host
    ]) {
      expect(decideLoginNavigation(url, 'main-frame', input).action, url).toBe('block');
    }
  });

  it('allows top-level pages only on the exact login origins', () => {
    expect(
      decideLoginNavigation('https://kite.zerodha.com/connect/login?v=3', 'main-frame', input),
    ).toEqual({ action: 'allow' });
    expect(
      decideLoginNavigation('https://KITE.zerodha.com:443/x', 'main-frame', input).action,
    ).toBe('allow');
    for (const url of [
      'http://kite.zerodha.com/connect/login', // downgrade
      'https://kite.zerodha.com.evil.example/',
      'https://evil.example/kite.zerodha.com',
      'https://kite.zerodha.com:8443/',
      'https://user:pw@kite.zerodha.com/',
      'file:///etc/passwd',
      'data:text/html,hi',
      'javascript:alert(1)',
      'app://tokentray/index.html',
      'about:blank',
      'not a url',
    ]) {
      expect(decideLoginNavigation(url, 'main-frame', input).action, url).toBe('block');
    }
  });

  it('blocks blob: and filesystem: pages that carry a login origin (content made by the page)', () => {
    for (const url of [
      'blob:https://kite.zerodha.com/0b5c7c1e-6a0e-4c43-9a57-0d7d1f0e2d11',
      'filesystem:https://kite.zerodha.com/temporary/login.html',
    ]) {
      expect(decideLoginNavigation(url, 'main-frame', input).action, url).toBe('block');
    }
  });

  it('lets frames show https pages (captcha, 2FA widgets) and blank frames, nothing else', () => {
    expect(
      decideLoginNavigation('https://www.google.com/recaptcha/x', 'sub-frame', input).action,
    ).toBe('allow');
    expect(decideLoginNavigation('about:blank', 'sub-frame', input).action).toBe('allow');
    for (const url of ['http://tracker.example/', 'file:///etc/passwd', 'javascript:1']) {
      expect(decideLoginNavigation(url, 'sub-frame', input).action, url).toBe('block');
    }
  });

  it('leaves the page its own resources, within http(s), data: and blob:', () => {
    for (const url of [
      'https://cdn.example/a.js',
      'data:image/png;base64,AA',
      'blob:https://kite.zerodha.com/1',
    ]) {
      expect(decideLoginNavigation(url, 'resource', input).action, url).toBe('allow');
    }
    expect(decideLoginNavigation('file:///etc/passwd', 'resource', input).action).toBe('block');
  });

  it('lets the login page open secure WebSockets (live OTP/QR status), never plain ws:', () => {
    expect(decideLoginNavigation('wss://ws.kite.zerodha.com/otp', 'resource', input).action).toBe(
      'allow',
    );
    expect(decideLoginNavigation('ws://ws.kite.zerodha.com/otp', 'resource', input).action).toBe(
      'block',
    );
    // A WebSocket is never a page: as a top-level navigation it stays blocked.
    expect(decideLoginNavigation('wss://kite.zerodha.com/', 'main-frame', input).action).toBe(
      'block',
    );
  });

  it('property: a top-level navigation is allowed only on an allowed origin, never off it', () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => {
        const d = decideLoginNavigation(url, 'main-frame', input);
        const origin = new URL(url).origin;
        if (d.action === 'allow') expect(input.allowedOrigins).toContain(origin);
        if (!input.allowedOrigins.includes(origin)) expect(d.action).not.toBe('allow');
      }),
    );
  });

  it('describes a target by scheme and host only (no path, query or grant in logs)', () => {
    expect(describeTarget(`${REDIRECT}?request_token=secret`)).toBe('http://127.0.0.1:5055');
    expect(describeTarget('file:///etc/passwd')).toBe('a file: address');
    expect(describeTarget('%%')).toBe('an invalid address');
  });
});
