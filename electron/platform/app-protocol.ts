/**
 * Serves the dashboard from the built files (dist/renderer) at `app://tokentray/…`.
 *
 * - `registerAppScheme()` must run before `app` is ready (Electron docs,
 *   protocol.registerSchemesAsPrivileged: "can only be used before the ready event … and only once").
 *   `standard` gives the scheme real origins and relative URL resolution; `secure` makes it a secure
 *   context. Not `bypassCSP` (the CSP must bind), not `corsEnabled` (it would let other origins read
 *   app:// responses cross-origin; electron/electron#52908) — the page's module scripts are
 *   same-origin and need neither.
 * - `handleAppProtocol()` installs the handler with `protocol.handle` (the Electron 25+ API that
 *   replaced registerFileProtocol) on the dashboard's session. Each request goes through core's
 *   resolveAppFile (origin, method, path traversal, hidden files), then the real path is checked again
 *   (a symlink must not lead out of the folder), and the file is answered with the CSP header.
 */
import { protocol, session as electronSession, type Session } from 'electron';
import { readFile, realpath } from 'node:fs/promises';
import { APP_SCHEME, isInside, resolveAppFile } from '../core/policy/app-url';
import { dashboardResponseHeaders } from '../core/policy/content-security-policy';
import type { Logger } from '../core/ports';

export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, codeCache: true },
    },
  ]);
}

function refuse(status: number, reason: string): Response {
  return new Response(`${status} ${reason}`, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
  });
}

/** The request handler on its own, so tests call it with real Request objects and real files. */
export function appProtocolHandler(
  rendererDir: string,
  logger: Logger,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const resolved = resolveAppFile(request.url, rendererDir, request.method);
    if (!resolved.ok) {
      logger.warn('app protocol: refused a request', {
        status: resolved.status,
        reason: resolved.reason,
      });
      return refuse(resolved.status, resolved.reason);
    }
    try {
      const [realRoot, realFile] = await Promise.all([
        realpath(rendererDir),
        realpath(resolved.filePath),
      ]);
      if (!isInside(realRoot, realFile)) {
        logger.warn('app protocol: refused a path that leads out of the renderer folder');
        return refuse(403, 'the path leaves the renderer folder');
      }
      const body = request.method === 'HEAD' ? null : await readFile(realFile);
      return new Response(body, {
        status: 200,
        headers: dashboardResponseHeaders(resolved.mimeType),
      });
    } catch {
      return refuse(404, 'not found');
    }
  };
}

export function handleAppProtocol(
  rendererDir: string,
  logger: Logger,
  ses: Session = electronSession.defaultSession,
): void {
  ses.protocol.handle(APP_SCHEME, appProtocolHandler(rendererDir, logger));
}
