/**
 * The broker catalogue: what TokenTray knows about each broker that both the main process and the
 * renderer need. Facts and sources: ../shared/brokers.md (project docs).
 */

export const BROKER_IDS = ['upstox', 'kite', 'fyers'] as const;
export type BrokerId = (typeof BROKER_IDS)[number];

/** A wall-clock time of day in IST at which something dies every day. */
export interface DailyCutoff {
  readonly hour: number;
  readonly minute: number;
}

export interface BrokerInfo {
  readonly id: BrokerId;
  /** Shown to the user. */
  readonly label: string;
  /** What the broker calls the public app identifier. */
  readonly apiKeyLabel: string;
  /** What the broker calls the app secret. */
  readonly apiSecretLabel: string;
  /**
   * Access tokens die at the next occurrence of this IST time after issue (or earlier: see
   * accessTokenLifeHours, the broker's own expiry answer and the JWT `exp`; the earliest known instant
   * wins, shared/expiry.ts). Upstox 03:30, Kite/FYERS 06:00, Angel One 05:00, 5paisa 23:59, ICICI
   * Breeze 00:00 (with a 24 h life).
   */
  readonly accessTokenCutoff: DailyCutoff;
  /**
   * A rolling life from issue, where the broker documents one (Dhan 24 h, ICICI Breeze "24 hrs or
   * before midnight, whichever is earlier"). Absent: only the daily cutoff applies.
   */
  readonly accessTokenLifeHours?: number;
  /**
   * True when the daily cutoff is not documented by the broker (evidence only [Code]/[3P], see
   * ../shared/brokers-more.md): the UI says "Guess" and the account form offers `cutoffOverride`.
   */
  readonly cutoffIsGuess?: boolean;
  /** How the token can be renewed without the login page, if at all. */
  readonly renewal:
    | { readonly kind: 'login-only' }
    | {
        readonly kind: 'refresh-token';
        /** The refresh token's life from issue (FYERS: 15 days, brokers.md §4). */
        readonly refreshTokenLifetimeDays: number;
        readonly needsPin: boolean;
      };
  /** Whether the authorize endpoint echoes a `state` parameter (Kite: no, we use redirect_params). */
  readonly echoesState: boolean;
  /** Origins the embedded login window may navigate to. */
  readonly loginOrigins: readonly string[];
  /** Where the user registers an app and its redirect URI. */
  readonly appRegistrationUrl: string;
  /** Default variable name written into .env files. */
  readonly defaultEnvKey: string;
  /** Default redirect URI suggested in the setup guide. */
  readonly suggestedRedirectUri: string;
  /**
   * The scheme this broker's app registration requires for redirect URIs. Absent (Upstox, Kite,
   * FYERS): `http` on a loopback host (127.0.0.1, [::1], localhost), which the login window catches
   * before anything loads. `'https'` for a broker that insists on it (Angel One, later): https on any
   * host is then accepted, and http refused. Checked by redirectUriProblem() (domain.ts).
   */
  readonly redirectScheme?: 'https';
}

export const BROKERS: Readonly<Record<BrokerId, BrokerInfo>> = {
  upstox: {
    id: 'upstox',
    label: 'Upstox',
    apiKeyLabel: 'API key',
    apiSecretLabel: 'API secret',
    // "03:30 next day, whatever the issue time" — brokers.md §1, [U2].
    accessTokenCutoff: { hour: 3, minute: 30 },
    // No refresh token; Access Token Request needs a public webhook (brokers.md §2).
    renewal: { kind: 'login-only' },
    echoesState: true,
    loginOrigins: ['https://api.upstox.com', 'https://login.upstox.com'],
    appRegistrationUrl: 'https://account.upstox.com/developer/apps',
    defaultEnvKey: 'UPSTOX_ACCESS_TOKEN',
    suggestedRedirectUri: 'http://127.0.0.1:5055/upstox/callback',
  },
  kite: {
    id: 'kite',
    label: 'Zerodha Kite',
    apiKeyLabel: 'API key',
    apiSecretLabel: 'API secret',
    // "valid until 6 AM next day (regulatory)" — brokers.md §3, [K1].
    accessTokenCutoff: { hour: 6, minute: 0 },
    // refresh_token exists only for approved platforms (brokers.md §3): a human login every day.
    renewal: { kind: 'login-only' },
    echoesState: false,
    loginOrigins: ['https://kite.zerodha.com', 'https://kite.trade'],
    appRegistrationUrl: 'https://developers.kite.trade/apps',
    defaultEnvKey: 'KITE_ACCESS_TOKEN',
    suggestedRedirectUri: 'http://127.0.0.1:5055/kite/callback',
  },
  fyers: {
    id: 'fyers',
    label: 'FYERS',
    apiKeyLabel: 'App ID',
    apiSecretLabel: 'Secret ID',
    // Docs are silent; every decoded v3 sample's JWT `exp` is the next 06:00 IST (brokers.md §4, [F6]).
    accessTokenCutoff: { hour: 6, minute: 0 },
    renewal: { kind: 'refresh-token', refreshTokenLifetimeDays: 15, needsPin: true },
    echoesState: true,
    loginOrigins: ['https://api-t1.fyers.in', 'https://api.fyers.in', 'https://login.fyers.in'],
    appRegistrationUrl: 'https://myapi.fyers.in/dashboard',
    defaultEnvKey: 'FYERS_ACCESS_TOKEN',
    suggestedRedirectUri: 'http://127.0.0.1:5055/fyers/callback',
  },
};

export function isBrokerId(value: unknown): value is BrokerId {
  return typeof value === 'string' && (BROKER_IDS as readonly string[]).includes(value);
}

export function brokerInfo(id: BrokerId): BrokerInfo {
  return BROKERS[id];
}

/** `UPSTOX_ACCESS_TOKEN` → `UPSTOX_ACCESS_TOKEN_EXPIRES_AT`: bots can tell when the token dies. */
export function expiresAtKeyFor(tokenKey: string): string {
  return `${tokenKey}_EXPIRES_AT`;
}
