/**
 * The dashboard's Content Security Policy as an HTTP header, sent by the app:// handler with every
 * page. renderer/index.html carries the same policy in a <meta> element (so the page is strict even
 * when opened some other way, e.g. the browser tests); the header adds what a <meta> policy cannot
 * express: `frame-ancestors` (browsers ignore it in <meta>). When both are present the browser
 * enforces both, so the effective policy is the stricter of the two. test/policy/app-url.test.ts keeps
 * this in step with the <meta> element.
 */

/** Directives of renderer/index.html's <meta> policy, in order. */
export const DASHBOARD_CSP_DIRECTIVES: readonly (readonly [string, string])[] = [
  ['default-src', "'none'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', "'self' data:"],
  ['font-src', "'self'"],
  ['connect-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['object-src', "'none'"],
  ['require-trusted-types-for', "'script'"],
  ['trusted-types', "'none'"],
];

/** Header-only directives. */
const HEADER_ONLY: readonly (readonly [string, string])[] = [['frame-ancestors', "'none'"]];

export const DASHBOARD_CSP_HEADER = [...DASHBOARD_CSP_DIRECTIVES, ...HEADER_ONLY]
  .map(([name, value]) => `${name} ${value}`)
  .join('; ');

/** Headers for every app:// response. */
export function dashboardResponseHeaders(mimeType: string): Record<string, string> {
  return {
    'Content-Type': mimeType,
    'Content-Security-Policy': DASHBOARD_CSP_HEADER,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
}
