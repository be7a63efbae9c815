/**
 * The one interface every broker adapter implements (DESIGN.md: "adding a broker means adding a file
 * and a test, nothing else"). Adapters are plain Node: HTTP through fetch, no electron.
 */
import type { BrokerId } from '../../../shared/brokers';

/** The app's credentials at the broker. apiSecret comes from the keychain and is never logged. */
export interface AppCredentials {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly redirectUri: string;
}

/** What the redirect carried: a single-use grant (Upstox code, Kite request_token, FYERS auth_code). */
export interface LoginGrant {
  readonly code: string;
}

/** A fresh token set, with absolute expiry instants (never TTLs). */
export interface TokenSet {
  readonly accessToken: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  /** FYERS only. Absent when the broker's answer carries none (FYERS refresh keeps the old one). */
  readonly refreshToken?: string | undefined;
  readonly refreshExpiresAt?: Date | undefined;
  readonly userId?: string | undefined;
  readonly userName?: string | undefined;
}

/**
 * What the profile endpoint said about the user, already made safe (broker-text.ts): a field that is
 * missing, unreadable, over-long or holds a secret is undefined — never a reason to fail.
 */
export interface Profile {
  readonly userId?: string | undefined;
  readonly userName?: string | undefined;
}

export interface BrokerAdapter {
  readonly broker: BrokerId;
  /** The broker's login page for this app, carrying `state` (Kite: inside redirect_params). */
  authorizeUrl(input: { apiKey: string; redirectUri: string; state: string }): string;
  /**
   * True when `url` is the configured redirect URI (same scheme, host, port and path; query ignored):
   * the login window cancels such a navigation and hands the URL to parseRedirect.
   */
  isRedirect(url: string, redirectUri: string): boolean;
  /**
   * Strictly parses the redirect: exact redirect URI, matching state, no duplicated or missing params.
   * Throws TokenTrayError 'cancelled' (user declined) or 'login-failed' (anything else), with words.
   */
  parseRedirect(url: string, expected: { redirectUri: string; state: string }): LoginGrant;
  /** Exchanges a single-use grant for a token. Never resends it once the broker has answered. */
  exchange(credentials: AppCredentials, grant: LoginGrant): Promise<TokenSet>;
  /** Renews without the login page, where the broker allows (FYERS: refresh token + PIN). */
  refresh?(credentials: AppCredentials, refreshToken: string, pin: string): Promise<TokenSet>;
  /** Checks a token against the broker's profile endpoint. Throws 'expired'/'revoked' when rejected. */
  validate(apiKey: string, accessToken: string): Promise<Profile>;
  /** Revokes the token at the broker, where the broker has a logout endpoint. */
  logout?(apiKey: string, accessToken: string): Promise<void>;
}
