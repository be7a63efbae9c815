/**
 * The LoginNavigator of the app (electron/core/lifecycle/login-flow.ts): a dedicated BrowserWindow per login,
 * showing the broker's page and catching the redirect to TokenTray's redirect URI before it loads.
 *
 * Every decision (capture / allow / block) comes from core's login-navigation-policy.ts; this file
 * only wires Electron's hooks to it:
 * - `will-navigate` / `will-frame-navigate`: navigations the page starts (links, forms, location).
 *   Not emitted for loadURL (Electron docs, webContents "will-navigate").
 * - `will-redirect`: server redirects (the usual 302 to the redirect URI). preventDefault cancels the
 *   whole navigation (docs: "prevent the navigation (not just the redirect)"). It replaced the old
 *   `did-get-redirect-request` (electron/electron#14142).
 * - `session.webRequest.onBeforeRequest`: every request of the window's own session, including the
 *   first load and redirect hops, so nothing reaches the redirect URI (or a blocked page) even if an
 *   event above did not fire. `{ cancel: true }` stops it before it is sent.
 *
 * The window has no preload, runs sandboxed with context isolation and no Node, lives in its own
 * persistent session per account (`persist:login-<accountId>`, so the broker remembers this device and
 * asks for a full 2FA less often), denies every permission and every new window. One flow per account
 * at a time; closing the window cancels the login; a timeout fails it with words.
 */
import {
  BrowserWindow,
  session as electronSession,
  type Session,
  type WebContents,
} from 'electron';
import { accountIdSchema } from '../../shared/domain';
import { BROKERS } from '../../shared/brokers';
import { loginCancelled } from '../core/brokers/redirect';
import { TokenTrayError } from '../core/errors';
import type { LoginNavigationRequest, LoginNavigator } from '../core/lifecycle/login-flow';
import {
  decideLoginNavigation,
  describeTarget,
  type LoginRequestKind,
} from '../core/policy/login-navigation-policy';
import { loginPagePermission } from '../core/policy/permission-policy';
import type { Logger } from '../core/ports';
import { SECURE_WEB_PREFERENCES, ownsNavigationPolicy } from './web-contents-guard';

/** Chromium's net error codes that mean "we stopped it ourselves", not "the page failed". */
const ERR_ABORTED = -3;
const ERR_BLOCKED_BY_CLIENT = -20;
/** No timer sleeps longer than this (the scheduler's rule). */
const MAX_TIMER_MS = 60_000;

export interface LoginWindowNavigator extends LoginNavigator {
  focus(accountId: string): boolean;
  /** Closes every open login window (app quit); their logins end as cancelled. */
  closeAll(): void;
  /** Deletes the cookies and storage the broker left for an account (after Forget account). */
  clearAccountSession(accountId: string): Promise<void>;
}

export interface LoginWindowOptions {
  readonly logger: Logger;
  /** Window icon (Linux). */
  readonly icon?: string;
}

export function loginPartition(accountId: string): string {
  // Account ids are 1–63 of [a-z0-9-] (shared/domain.ts), so the partition name is unambiguous.
  return `persist:login-${accountIdSchema.parse(accountId)}`;
}

/** Installed once per login session: no permissions, no downloads. */
const hardened = new WeakSet<Session>();

function hardenSession(ses: Session): void {
  if (hardened.has(ses)) return;
  hardened.add(ses);
  ses.setPermissionRequestHandler((_wc, permission, callback) =>
    callback(loginPagePermission(permission)),
  );
  ses.setPermissionCheckHandler((_wc, permission) => loginPagePermission(permission));
  ses.setDevicePermissionHandler(() => false);
  ses.on('will-download', (event) => event.preventDefault());
}

function requestKind(resourceType: string): LoginRequestKind {
  if (resourceType === 'mainFrame') return 'main-frame';
  if (resourceType === 'subFrame') return 'sub-frame';
  return 'resource';
}

/** "10 minutes", "1 minute", "30 seconds" */
export function duration(ms: number): string {
  if (ms >= 60_000) {
    const minutes = Math.round(ms / 60_000);
    return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  }
  const seconds = Math.max(1, Math.round(ms / 1000));
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}

interface ActiveLogin {
  readonly window: BrowserWindow;
  readonly cancel: () => void;
}

export function createLoginWindowNavigator(options: LoginWindowOptions): LoginWindowNavigator {
  const { logger } = options;
  const active = new Map<string, ActiveLogin>();

  function navigate(request: LoginNavigationRequest): Promise<string> {
    const label = BROKERS[request.broker].label;
    const existing = active.get(request.accountId);
    if (existing) {
      if (!existing.window.isDestroyed()) existing.window.focus();
      return Promise.reject(
        new TokenTrayError(
          'busy',
          `A ${label} login for this account is already open: finish it in the login window, or close that window to start over.`,
        ),
      );
    }
    const first = decideLoginNavigation(request.authorizeUrl, 'main-frame', request);
    if (first.action !== 'allow') {
      return Promise.reject(
        new TokenTrayError(
          'login-failed',
          `${label} login could not start: the login address ${describeTarget(request.authorizeUrl)} is not one of ${label}'s login pages.`,
        ),
      );
    }

    const partition = loginPartition(request.accountId);
    const ses = electronSession.fromPartition(partition);
    hardenSession(ses);

    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const window = new BrowserWindow({
        width: 520,
        height: 760,
        title: `${label} login`,
        autoHideMenuBar: true,
        ...(options.icon ? { icon: options.icon } : {}),
        // No preload: the broker's page gets no bridge to TokenTray at all.
        webPreferences: { ...SECURE_WEB_PREFERENCES, partition, spellcheck: false },
      });
      const contents: WebContents = window.webContents;
      // This window's rules (below) replace the app-wide "stay on app://" backstop.
      ownsNavigationPolicy(contents);

      // The timeout is a wall-clock deadline checked at least once a minute, never one long timer:
      // timers stand still while the machine sleeps (DESIGN.md, Scheduler), and a login window left
      // open overnight must time out on wake, not ten awake minutes later.
      const deadline = Date.now() + request.timeoutMs;
      let timer: ReturnType<typeof setTimeout>;
      const checkDeadline = (): void => {
        const left = deadline - Date.now();
        if (left > 0) {
          timer = setTimeout(checkDeadline, Math.min(left, MAX_TIMER_MS));
          return;
        }
        finish({
          error: new TokenTrayError(
            'login-failed',
            `${label} login timed out: the login window was open for ${duration(request.timeoutMs)} without returning to TokenTray, so it was closed. Click Log in to try again; if ${label} showed an error page, check that the redirect URI registered with ${label} matches the account's exactly.`,
          ),
        });
      };
      timer = setTimeout(checkDeadline, Math.min(request.timeoutMs, MAX_TIMER_MS));

      const finish = (outcome: { url: string } | { error: TokenTrayError }): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        active.delete(request.accountId);
        // Tear down after the current Electron callback has returned (we may be inside
        // will-redirect or onBeforeRequest, whose event must still be answered first).
        setImmediate(() => {
          ses.webRequest.onBeforeRequest(null);
          if (!window.isDestroyed()) window.destroy();
        });
        if ('url' in outcome) resolve(outcome.url);
        else reject(outcome.error);
      };

      /** Applies the policy; true when the caller must stop the request. */
      const decide = (url: string, kind: LoginRequestKind): boolean => {
        if (settled) return true;
        const decision = decideLoginNavigation(url, kind, request);
        if (decision.action === 'allow') return false;
        if (decision.action === 'capture') {
          logger.info('login: redirect URI reached; login window closes', {
            accountId: request.accountId,
            broker: request.broker,
          });
          finish({ url });
          return true;
        }
        // Log where, never the full URL: it may carry a grant or personal data.
        logger.warn('login: blocked a navigation', {
          accountId: request.accountId,
          broker: request.broker,
          target: describeTarget(url),
          kind,
          reason: decision.reason,
        });
        return true;
      };

      active.set(request.accountId, {
        window,
        cancel: () => finish({ error: loginCancelled(label, 'TokenTray is quitting') }),
      });

      // Requests of this window's own session, redirect hops included.
      ses.webRequest.onBeforeRequest({ urls: ['<all_urls>'] }, (details, callback) => {
        if (details.webContentsId !== undefined && details.webContentsId !== contents.id) {
          callback({ cancel: true });
          return;
        }
        callback(decide(details.url, requestKind(details.resourceType)) ? { cancel: true } : {});
      });

      contents.setWindowOpenHandler(({ url }) => {
        logger.warn('login: refused to open a new window', {
          accountId: request.accountId,
          target: describeTarget(url),
        });
        return { action: 'deny' };
      });
      contents.on('will-navigate', (event) => {
        if (decide(event.url, 'main-frame')) event.preventDefault();
      });
      contents.on('will-frame-navigate', (event) => {
        if (event.isMainFrame) return; // will-navigate handles the main frame
        if (decide(event.url, 'sub-frame')) event.preventDefault();
      });
      contents.on('will-redirect', (event) => {
        if (decide(event.url, event.isMainFrame ? 'main-frame' : 'sub-frame')) {
          event.preventDefault();
        }
      });
      contents.on('will-attach-webview', (event) => event.preventDefault());
      // Show the broker's host in the title bar, so the user sees whose page this is.
      contents.on('page-title-updated', (event) => event.preventDefault());
      contents.on('did-navigate', (_event, url) => {
        if (!window.isDestroyed()) window.setTitle(`${label} login — ${describeTarget(url)}`);
      });
      contents.on(
        'did-fail-load',
        (_event, errorCode, errorDescription, validatedURL, isMainFrame) => {
          if (settled || !isMainFrame) return;
          if (errorCode === ERR_ABORTED || errorCode === ERR_BLOCKED_BY_CLIENT) return;
          finish({
            error: new TokenTrayError(
              'login-failed',
              `${label} login failed: the login page at ${describeTarget(validatedURL)} could not be loaded (${errorDescription || `error ${errorCode}`}). Check the internet connection and try again.`,
            ),
          });
        },
      );
      contents.on('render-process-gone', (_event, details) => {
        finish({
          error: new TokenTrayError(
            'login-failed',
            `${label} login failed: the login window stopped (${details.reason}). Try again.`,
          ),
        });
      });
      window.on('closed', () => {
        finish({ error: loginCancelled(label, 'the login window was closed') });
      });

      window.loadURL(request.authorizeUrl).catch(() => {
        // Failures arrive through did-fail-load (or are our own capture/cancel): nothing to do here.
      });
    });
  }

  return {
    navigate,
    focus: (accountId) => {
      const login = active.get(accountId);
      if (!login || login.window.isDestroyed()) return false;
      if (login.window.isMinimized()) login.window.restore();
      login.window.focus();
      return true;
    },
    cancel: (accountId) => {
      const login = active.get(accountId);
      if (!login) return false;
      login.cancel();
      return true;
    },
    closeAll: () => {
      for (const login of [...active.values()]) login.cancel();
    },
    clearAccountSession: async (accountId) => {
      await electronSession.fromPartition(loginPartition(accountId)).clearStorageData();
    },
  };
}
