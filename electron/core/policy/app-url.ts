/**
 * The dashboard's own origin, `app://tokentray`, and how its URLs map onto the built renderer files
 * (dist/renderer). Production never uses a dev server or file:// (file:// pages share one opaque
 * origin with every local file; a privileged standard scheme gives the dashboard an origin of its own
 * that CSP 'self', the IPC sender check and navigation rules can name; Electron's security checklist:
 * "Avoid usage of the file:// protocol and prefer usage of custom protocols").
 *
 * electron/platform/app-protocol.ts answers requests with these rules; they are pure so the path
 * traversal refusals are tested in Node.
 */
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'tokentray';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const DASHBOARD_URL = `${APP_ORIGIN}/index.html`;

/** Files the app:// handler never serves even though they are in dist/renderer. */
const NOT_SERVED = new Set([
  // The demo page runs the dashboard on fake data (npm run demo); it is no part of the app.
  'demo.html',
]);

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The origin of a URL as Chromium computes it, or null for an opaque one. Node's URL answers "null"
 * for every scheme it does not know as special (app: included), while Chromium gives a registered
 * standard scheme a real scheme://host origin (lower-cased host) — so app: URLs are handled here by
 * hand, and everything else by the WHATWG rules.
 */
export function webOrigin(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol === `${APP_SCHEME}:`) {
    return u.host === '' ? null : `${APP_SCHEME}://${u.host.toLowerCase()}`;
  }
  return u.origin === 'null' ? null : u.origin;
}

export function isAppUrl(url: string): boolean {
  return webOrigin(url) === APP_ORIGIN;
}

/** True when `path` is `root` itself or lies below it (lexically; callers also check real paths). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

export type AppFileResolution =
  | { readonly ok: true; readonly filePath: string; readonly mimeType: string }
  | { readonly ok: false; readonly status: 400 | 403 | 404 | 405; readonly reason: string };

/**
 * Maps a request for `app://tokentray/<path>` to a file below `rootDir`. Refuses other origins,
 * non-GET methods, undecodable or NUL-carrying paths, backslashes and encoded separators (Windows
 * would read them as separators), anything that resolves outside the root, dot files and files the
 * app does not serve. `/` serves index.html.
 */
export function resolveAppFile(url: string, rootDir: string, method = 'GET'): AppFileResolution {
  if (method !== 'GET' && method !== 'HEAD') {
    return { ok: false, status: 405, reason: `${method} is not allowed` };
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, status: 400, reason: 'not a valid address' };
  }
  const origin = webOrigin(url);
  if (origin !== APP_ORIGIN) {
    return {
      ok: false,
      status: 403,
      reason: `${origin ?? 'an opaque origin'} is not ${APP_ORIGIN}`,
    };
  }
  // Separators in encoded form or as backslashes would survive URL normalisation and then be read as
  // separators by the file system (Windows): refuse them before decoding.
  if (/%2f|%5c|\\/i.test(u.pathname)) {
    return { ok: false, status: 400, reason: 'encoded or backslash separators are not allowed' };
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(u.pathname);
  } catch {
    return { ok: false, status: 400, reason: 'the path is not valid percent-encoding' };
  }
  if (decoded.includes('\0')) {
    return { ok: false, status: 400, reason: 'the path contains a NUL character' };
  }
  const relativePath = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  const root = resolve(rootDir);
  const filePath = resolve(root, relativePath);
  if (!isInside(root, filePath) || filePath === root) {
    return { ok: false, status: 403, reason: 'the path leaves the renderer folder' };
  }
  const parts = relative(root, filePath).split(sep);
  if (parts.some((p) => p.startsWith('.'))) {
    return { ok: false, status: 404, reason: 'hidden files are not served' };
  }
  if (parts.length === 1 && NOT_SERVED.has(parts[0] ?? '')) {
    return { ok: false, status: 404, reason: 'not part of the app' };
  }
  const mimeType = MIME_TYPES[extname(filePath).toLowerCase()] ?? 'application/octet-stream';
  return { ok: true, filePath, mimeType };
}
