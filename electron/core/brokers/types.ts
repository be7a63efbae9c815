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
  /**
   * The account's third, non-secret value where the broker needs one (catalogue `clientIdLabel`):
   * Dhan client ID (consent call), 5paisa app User ID (GetAccessToken). Absent for other brokers.
   */
  readonly clientId?: string | undefined;
}

/**
 * What the redirect carried: a single-use grant (Upstox code, Kite request_token, FYERS auth_code,
 * Dhan tokenId, Alice Blue/IIFL authCode, Breeze API_Session), and the user id where the broker sends
 * one beside it for the checksum (Alice Blue `userId`, IIFL `clientId`).
 */
export interface LoginGrant {
  readonly code: string;
  readonly userId?: string | undefined;
}

/**
 * What TokenTray knows of a token besides itself, for brokers whose calls need it: the broker user id
 * from the exchange or profile (Shoonya `uid`), the account's client ID (Dhan `dhanClientId`).
 */
export interface TokenContext {
  readonly userId?: string | undefined;
  readonly clientId?: string | undefined;
}

/** A fresh token set, with absolute expiry instants (never TTLs). */
export interface TokenSet {
  readonly accessToken: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  /** FYERS only. Absent when the broker's answer carries none (FYERS refresh keeps the old one). */
  readonly refreshToken?: string | undefined;
  readonly refreshExpiresAt?: Date | undefined;
  /**
   * The instant the broker itself said the token dies (Shoonya `expires_in`, Dhan `expiryTime`), as
   * read; already folded into expiresAt, kept so an account's cutoff override can be applied later.
   */
  readonly brokerExpiresAt?: Date | undefined;
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
   * For a broker whose login page exists only after a server call (Dhan: generate-consent with key,
   * secret and client ID): makes that call and returns the login page's URL. When present, the login
   * flow calls it instead of authorizeUrl, and a failure is reported before any window opens.
   */
  startLogin?(credentials: AppCredentials, state: string): Promise<string>;
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
  /**
   * Renews with the live access token itself, without the login page or a PIN (Dhan RenewToken,
   * catalogue renewal kind 'renew-token'). Never called for an expired or revoked token.
   */
  renew?(
    credentials: AppCredentials,
    accessToken: string,
    context: TokenContext,
  ): Promise<TokenSet>;
  /** Checks a token against the broker's profile endpoint. Throws 'expired'/'revoked' when rejected. */
  validate(apiKey: string, accessToken: string, context?: TokenContext): Promise<Profile>;
  /** Revokes the token at the broker, where the broker has a logout endpoint. */
  logout?(apiKey: string, accessToken: string, context?: TokenContext): Promise<void>;
}
