/**
 * The platform-free half of "click to log in": make a fresh `state`, open the broker's login page
 * through a LoginNavigator (the Electron BrowserWindow in the app, Chromium via playwright-core in
 * tests), wait for the navigation to our redirect URI, which the navigator cancels before it loads,
 * and parse it strictly.
 */
import { randomBytes } from 'node:crypto';
import { BROKERS, type BrokerId } from '../../../shared/brokers';
import type { AppCredentials, BrokerAdapter, LoginGrant } from '../brokers/types';
import { TokenTrayError } from '../errors';

export interface LoginNavigationRequest {
  readonly accountId: string;
  readonly broker: BrokerId;
  readonly authorizeUrl: string;
  /** Origins the window may show (the broker's login pages). Everything else is blocked. */
  readonly allowedOrigins: readonly string[];
  /** True for the redirect URI: the navigator must cancel that navigation and resolve with the URL. */
  readonly isRedirect: (url: string) => boolean;
  readonly timeoutMs: number;
}

/**
 * Shows a login page and reports where it redirected. Implemented by electron/platform's login window
 * and by the browser tests' Chromium driver.
 * Resolves with the redirect URL; rejects with TokenTrayError 'cancelled' if the user closed the
 * window, or 'login-failed' on timeout.
 */
export interface LoginNavigator {
  navigate(request: LoginNavigationRequest): Promise<string>;
  /**
   * Brings an account's open login window to the front; false when none is open. A second "Log in"
   * (tray, notification, dashboard) while the first window is open should show that window, not fail.
   */
  focus?(accountId: string): boolean;
  /**
   * Closes an account's open login window, so its `navigate` rejects as 'cancelled' ("Cancel during
   * login", issue 11); false when none is open.
   */
  cancel?(accountId: string): boolean;
}

export const DEFAULT_LOGIN_TIMEOUT_MS = 10 * 60_000;

export function newState(): string {
  return randomBytes(24).toString('base64url');
}

export async function runLoginNavigation(input: {
  accountId: string;
  adapter: BrokerAdapter;
  apiKey: string;
  redirectUri: string;
  /**
   * The app's credentials, for a broker whose login page exists only after a server call (Dhan's
   * consent: adapter.startLogin). Other brokers' login URLs need only the API key.
   */
  credentials?: AppCredentials;
  navigator: LoginNavigator;
  timeoutMs?: number;
  state?: string;
}): Promise<LoginGrant> {
  const state = input.state ?? newState();
  const { adapter, redirectUri } = input;
  let authorizeUrl: string;
  if (adapter.startLogin) {
    if (!input.credentials) {
      throw new TokenTrayError(
        'config',
        `${BROKERS[adapter.broker].label} login could not start: its consent call needs the app's credentials (a bug).`,
      );
    }
    // The broker's answer decides the page; a failure is reported before any window opens.
    authorizeUrl = await adapter.startLogin(input.credentials, state);
  } else {
    authorizeUrl = adapter.authorizeUrl({ apiKey: input.apiKey, redirectUri, state });
  }
  const allowedOrigins = [...BROKERS[adapter.broker].loginOrigins, new URL(authorizeUrl).origin];
  const redirectUrl = await input.navigator.navigate({
    accountId: input.accountId,
    broker: adapter.broker,
    authorizeUrl,
    allowedOrigins: [...new Set(allowedOrigins)],
    isRedirect: (url) => adapter.isRedirect(url, redirectUri),
    timeoutMs: input.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS,
  });
  if (!adapter.isRedirect(redirectUrl, redirectUri)) {
    throw new TokenTrayError(
      'login-failed',
      `Login failed: the login page did not return to the redirect URI ${redirectUri}. Check that the redirect URI registered with ${BROKERS[adapter.broker].label} matches the one in TokenTray exactly.`,
    );
  }
  return adapter.parseRedirect(redirectUrl, { redirectUri, state });
}
