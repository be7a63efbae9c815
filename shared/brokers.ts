/**
 * The broker catalogue: what TokenTray knows about each broker that both the main process and the
 * renderer need. Facts and sources: ../shared/brokers.md (project docs).
 */

export const BROKER_IDS = ['upstox', 'kite', 'fyers', 'angelone'] as const;
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
  angelone: {
    id: 'angelone',
    label: 'Angel One',
    apiKeyLabel: 'API key (Publisher app)',
    // The Publisher login never uses the secret (brokers-more.md §2.1): kept for the form's sake.
    apiSecretLabel: 'Secret key (not used by the Publisher login)',
    // "valid till 5 am of the subsequent day" — brokers-more.md §2.1 [Doc, forum admin post 11179].
    accessTokenCutoff: { hour: 5, minute: 0 },
    // generateTokens (refresh token) exists but cannot outlive the same 05:00 cutoff (§2.1,
    // inferred): a fresh login is what moves the expiry, so TokenTray treats it as login-only.
    renewal: { kind: 'login-only' },
    // Guess: the doc shows `state` on the login URL; that it comes back on the redirect is assumed.
    echoesState: true,
    // Guess: the Publisher page lives on smartapi.angelone.in; the older angelbroking host is kept.
    loginOrigins: ['https://smartapi.angelone.in', 'https://smartapi.angelbroking.com'],
    appRegistrationUrl: 'https://smartapi.angelone.in/signup',
    defaultEnvKey: 'ANGELONE_ACCESS_TOKEN',
    // "only HTTPS redirect URLs; HTTP, localhost, IPs are not allowed" (§2.1 [Doc]). The login window
    // catches the navigation before it loads, so the host never receives anything; `.invalid` can
    // never resolve, so a login opened in an outside browser cannot leak the token to a server.
    suggestedRedirectUri: 'https://tokentray.invalid/angelone/callback',
    redirectScheme: 'https',
  },
};

/**
 * What the setup guide says before the user starts, per broker: paid subscriptions, app types,
 * redirect URI rules (issue 14). Empty where nothing is unusual.
 */
export const SETUP_WARNINGS: Readonly<Record<BrokerId, readonly string[]>> = {
  upstox: [],
  kite: [],
  fyers: [],
  angelone: [
    'Create a "Publisher" app on SmartAPI: a "Trading" app key is refused by the login page (403).',
    'Angel One accepts only an https redirect URL, never http, localhost or an IP address. Register exactly the https URL shown here; TokenTray catches the return before the page loads, so no server is needed.',
    'The API secret is not used by this login; any value may be kept in TokenTray.',
    'Orders from 1 Apr 2026 need your registered static IP; the token itself works from anywhere.',
  ],
};

/** The setup guide's steps for one broker (shown before the first login). */
export function setupGuide(id: BrokerId): readonly string[] {
  const b = BROKERS[id];
  return [
    `Register an app at ${b.appRegistrationUrl}.`,
    `Set its redirect URI to exactly ${b.suggestedRedirectUri} (or your own ${b.redirectScheme === 'https' ? 'https URL' : 'http address on this computer'}, the same in both places).`,
    `Copy the ${b.apiKeyLabel} and ${b.apiSecretLabel} into TokenTray.`,
    ...SETUP_WARNINGS[id],
  ];
}

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
