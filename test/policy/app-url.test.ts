/**
 * The dashboard's origin and file mapping (electron/core/policy/app-url.ts), the CSP it is served with
 * (content-security-policy.ts, kept equal to renderer/index.html's <meta>), and the external-link
 * allow-list (external-links.ts).
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  DASHBOARD_URL,
  isAppUrl,
  isInside,
  resolveAppFile,
  webOrigin,
} from '../../electron/core/policy/app-url';
import {
  DASHBOARD_CSP_DIRECTIVES,
  DASHBOARD_CSP_HEADER,
  dashboardResponseHeaders,
} from '../../electron/core/policy/content-security-policy';
import { EXTERNAL_LINK_ORIGINS, checkExternalUrl } from '../../electron/core/policy/external-links';
import { BROKERS, BROKER_IDS } from '../../shared/brokers';

const root = resolve('/srv/tokentray/dist/renderer');

describe('app origin', () => {
  it('computes origins the way Chromium does for our standard scheme (Node says "null")', () => {
    expect(new URL(DASHBOARD_URL).origin).toBe('null'); // why webOrigin exists
    expect(webOrigin(DASHBOARD_URL)).toBe(APP_ORIGIN);
    expect(webOrigin('app://TOKENTRAY/x')).toBe(APP_ORIGIN);
    expect(webOrigin('https://kite.zerodha.com/a')).toBe('https://kite.zerodha.com');
    expect(webOrigin('file:///etc/passwd')).toBeNull();
    expect(webOrigin('data:text/html,x')).toBeNull();
    expect(isAppUrl('app://tokentray/index.html')).toBe(true);
    expect(isAppUrl('app://tokentray.evil/index.html')).toBe(false);
    expect(isAppUrl('https://tokentray/')).toBe(false);
  });
});

describe('resolveAppFile', () => {
  it('maps paths below the renderer folder, / to index.html, with a MIME type', () => {
    expect(resolveAppFile('app://tokentray/', root)).toEqual({
      ok: true,
      filePath: join(root, 'index.html'),
      mimeType: 'text/html; charset=utf-8',
    });
    expect(resolveAppFile('app://tokentray/assets/x-1.css?v=1', root)).toMatchObject({
      ok: true,
      filePath: join(root, 'assets', 'x-1.css'),
      mimeType: 'text/css; charset=utf-8',
    });
    expect(resolveAppFile('app://tokentray/a%20b.png', root)).toMatchObject({
      ok: true,
      filePath: join(root, 'a b.png'),
    });
  });

  it('refuses other origins, methods, separators in disguise, NUL, dot files and the demo page', () => {
    const cases: [string, string, number][] = [
      ['app://evil/index.html', 'GET', 403],
      ['https://tokentray/index.html', 'GET', 403],
      ['app://tokentray/index.html', 'POST', 405],
      ['app://tokentray/..%2f..%2fetc%2fpasswd', 'GET', 400],
      ['app://tokentray/..%5C..%5Cwindows', 'GET', 400],
      ['app://tokentray/a\\b', 'GET', 400],
      ['app://tokentray/a%00', 'GET', 400],
      ['app://tokentray/%ZZ', 'GET', 400],
      ['app://tokentray/.git/config', 'GET', 404],
      ['app://tokentray/assets/.hidden', 'GET', 404],
      ['app://tokentray/demo.html', 'GET', 404],
    ];
    for (const [url, method, status] of cases) {
      expect(resolveAppFile(url, root, method), url).toMatchObject({ ok: false, status });
    }
  });

  it('property: whatever the path, a resolved file is inside the renderer folder', () => {
    const segment = fc.oneof(
      fc.constantFrom('..', '.', '%2e%2e', '%2E.', '.%2e', '', 'assets', 'index.html', '~'),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), (segments) => {
        let url: string;
        try {
          url = new URL(`app://tokentray/${segments.join('/')}`).href;
        } catch {
          return;
        }
        const r = resolveAppFile(url, root);
        if (r.ok) expect(isInside(root, r.filePath) && r.filePath !== root).toBe(true);
      }),
    );
  });

  it('isInside is lexical and exact', () => {
    expect(isInside('/a/b', '/a/b/c')).toBe(true);
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/b', '/a/bc')).toBe(false);
    expect(isInside('/a/b', '/a')).toBe(false);
    expect(isInside('/a/b', '/a/b/../c')).toBe(false);
  });
});

describe('Content Security Policy', () => {
  it('the header carries exactly the renderer <meta> policy, plus frame-ancestors', () => {
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    const parse = (policy: string) =>
      policy
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map(([name = '', ...values]) => [name, values.join(' ')]);
    expect(parse(meta)).toEqual(DASHBOARD_CSP_DIRECTIVES.map(([n, v]) => [n, v]));
    expect(parse(DASHBOARD_CSP_HEADER)).toEqual([
      ...DASHBOARD_CSP_DIRECTIVES.map(([n, v]) => [n, v]),
      ['frame-ancestors', "'none'"],
    ]);
    expect(DASHBOARD_CSP_HEADER).not.toMatch(/unsafe-|\*/);
  });

  it('every response says nosniff and carries the policy', () => {
    expect(dashboardResponseHeaders('text/html')).toMatchObject({
      'Content-Type': 'text/html',
      'Content-Security-Policy': DASHBOARD_CSP_HEADER,
      'X-Content-Type-Options': 'nosniff',
    });
  });
});

describe('external links', () => {
  it('covers every broker registration page and login origin, https only', () => {
    for (const id of BROKER_IDS) {
      expect(checkExternalUrl(BROKERS[id].appRegistrationUrl)).toEqual({
        ok: true,
        url: BROKERS[id].appRegistrationUrl,
      });
      for (const origin of BROKERS[id].loginOrigins)
        expect(EXTERNAL_LINK_ORIGINS).toContain(origin);
    }
    for (const origin of EXTERNAL_LINK_ORIGINS) expect(origin).toMatch(/^https:\/\//);
  });

  it.each([
    ['plain http', 'http://kite.trade/docs/connect/v3/'],
    ['another site', 'https://evil.example/'],
    ['a suffix trick', 'https://kite.trade.evil.example/'],
    ['user info', 'https://kite.trade@evil.example/'],
    ['credentials on a good host', 'https://user:pw@kite.trade/'],
    ['file:', 'file:///C:/Windows/System32/calc.exe'],
    ['smb:', 'smb://attacker/share/x.exe'],
    ['a custom scheme', 'ms-msdt:/id PCWDiagnostic /skip force'],
    ['javascript:', 'javascript:alert(1)'],
    ['garbage', 'not a url'],
  ])('refuses %s', (_name, url) => {
    expect(checkExternalUrl(url).ok).toBe(false);
  });

  it('opens exactly what it checked (normalised)', () => {
    expect(checkExternalUrl('https://KITE.trade/docs/connect/v3/')).toEqual({
      ok: true,
      url: 'https://kite.trade/docs/connect/v3/',
    });
  });
});
