/**
 * The broker catalogue: what TokenTray knows about each broker that both the main process and the
 * renderer need. Facts and sources: ../shared/brokers.md (project docs).
 */

export const BROKER_IDS = [
  'upstox',
  'kite',
  'fyers',
  'angelone',
  'dhan',
  'fivepaisa',
  'shoonya',
  'aliceblue',
  'breeze',
  'iifl',
] as const;
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
   * Breeze 00:00 (with a 24 h life). `null`: no daily cutoff, only a rolling life (Dhan 24 h).
   */
  readonly accessTokenCutoff: DailyCutoff | null;
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
    /**
     * Renewed with the live access token itself, no login page and no PIN (Dhan `RenewToken`: another
     * 24 h). Possible only while the token is alive and not revoked.
     */
    | { readonly kind: 'renew-token' }
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
  /**
   * A third, non-secret value the broker needs besides key and secret, asked for by the account form
   * and handed to the adapter as `AppCredentials.clientId` (Dhan client ID for the consent call,
   * 5paisa's app User ID for GetAccessToken). Absent: not asked.
   */
  readonly clientIdLabel?: string;
  /** Help under the client ID field: where the user finds the value. */
  readonly clientIdHelp?: string;
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
  dhan: {
    id: 'dhan',
    label: 'Dhan',
    apiKeyLabel: 'API key',
    apiSecretLabel: 'API secret',
    // "24 h from generation", no daily cutoff; the exact `expiryTime` comes back with the token
    // (brokers-more.md §2.2 [Doc/Code]).
    accessTokenCutoff: null,
    accessTokenLifeHours: 24,
    // GET /v2/RenewToken with the live token: another 24 h (§2.2 [SDK/Issue]).
    renewal: { kind: 'renew-token' },
    // Guess: the consent redirect carries only `tokenId`; the consentAppId TokenTray asked for is
    // the correlation value instead of a `state`.
    echoesState: false,
    // Guess: the consent page is on auth.dhan.co; its sign-in steps may pass through login.dhan.co.
    loginOrigins: ['https://auth.dhan.co', 'https://login.dhan.co'],
    appRegistrationUrl: 'https://web.dhan.co/',
    defaultEnvKey: 'DHAN_ACCESS_TOKEN',
    suggestedRedirectUri: 'http://127.0.0.1:5055/dhan/callback',
    clientIdLabel: 'Dhan client ID',
    clientIdHelp:
      'Your Dhan client ID (web.dhan.co → My Profile). The consent call needs it before the login page opens.',
  },
  fivepaisa: {
    id: 'fivepaisa',
    label: '5paisa',
    apiKeyLabel: 'User Key',
    apiSecretLabel: 'Encryption Key',
    // "AccessToken expires every day at 11:59 PM" (brokers-more.md §2.3 [Doc]).
    accessTokenCutoff: { hour: 23, minute: 59 },
    renewal: { kind: 'login-only' },
    // The OAuth page takes `State` and returns `state` (§2.3 [Doc]).
    echoesState: true,
    // Guess: the vendor login page and the 5paisa sign-in it may hand over to.
    loginOrigins: ['https://dev-openapi.5paisa.com', 'https://login.5paisa.com'],
    appRegistrationUrl: 'https://xstream.5paisa.com/',
    defaultEnvKey: 'FIVEPAISA_ACCESS_TOKEN',
    suggestedRedirectUri: 'http://127.0.0.1:5055/fivepaisa/callback',
    clientIdLabel: 'User ID (of the API app)',
    clientIdHelp:
      "The app's User ID from 5paisa's API keys page (next to User Key and Encryption Key), not your client code.",
  },
  shoonya: {
    id: 'shoonya',
    label: 'Shoonya (Finvasia)',
    apiKeyLabel: 'Client ID (OAuth app)',
    apiSecretLabel: 'Secret key',
    // Guess: not documented; OpenAlgo rolls Noren sessions over at ~03:00 IST (§2.4 [Code]). The
    // `expires_in` the broker returns wins when earlier; the account form offers an override.
    accessTokenCutoff: { hour: 3, minute: 0 },
    cutoffIsGuess: true,
    // A refresh_token comes back but no refresh endpoint is known (§2.4): log in daily.
    renewal: { kind: 'login-only' },
    // Guess: the OAuth redirect carries only `code` (§2.4 [Code]).
    echoesState: false,
    loginOrigins: ['https://api.shoonya.com', 'https://trade.shoonya.com'],
    appRegistrationUrl: 'https://trade.shoonya.com/',
    defaultEnvKey: 'SHOONYA_ACCESS_TOKEN',
    suggestedRedirectUri: 'http://127.0.0.1:5055/shoonya/callback',
  },
  aliceblue: {
    id: 'aliceblue',
    label: 'Alice Blue',
    apiKeyLabel: 'App code',
    apiSecretLabel: 'API secret',
    // Guess: not documented; "AliceBlue expires it around 3am" (§2.5 [Code]).
    accessTokenCutoff: { hour: 3, minute: 0 },
    cutoffIsGuess: true,
    renewal: { kind: 'login-only' },
    // Guess: the callback carries `authCode` and `userId` only (§2.5 [Code]).
    echoesState: false,
    loginOrigins: ['https://ant.aliceblueonline.com', 'https://a3.aliceblueonline.com'],
    appRegistrationUrl: 'https://ant.aliceblueonline.com/',
    defaultEnvKey: 'ALICEBLUE_ACCESS_TOKEN',
    suggestedRedirectUri: 'http://127.0.0.1:5055/aliceblue/callback',
  },
  breeze: {
    id: 'breeze',
    label: 'ICICI Direct Breeze',
    apiKeyLabel: 'App key',
    apiSecretLabel: 'Secret key',
    // "valid for 24 hrs or before midnight, whichever is earlier" (§2.7 [Doc]).
    accessTokenCutoff: { hour: 0, minute: 0 },
    accessTokenLifeHours: 24,
    renewal: { kind: 'login-only' },
    // Guess: the login URL takes only api_key (§2.7 [Doc]); nothing is echoed.
    echoesState: false,
    loginOrigins: ['https://api.icicidirect.com', 'https://secure.icicidirect.com'],
    appRegistrationUrl: 'https://api.icicidirect.com/apiuser/home',
    defaultEnvKey: 'BREEZE_SESSION_TOKEN',
    suggestedRedirectUri: 'http://127.0.0.1:5055/breeze/callback',
  },
  iifl: {
    id: 'iifl',
    label: 'IIFL Capital',
    apiKeyLabel: 'App key',
    apiSecretLabel: 'App secret',
    // Guess: no lifetime found (§2.8); 03:00 IST like OpenAlgo's session default, the earlier guess
    // (a token thought dead early costs one early login, never a stale bot). Override per account.
    accessTokenCutoff: { hour: 3, minute: 0 },
    cutoffIsGuess: true,
    renewal: { kind: 'login-only' },
    // Guess: the callback carries `authCode` and `clientId` (§2.8 [Code]).
    echoesState: false,
    loginOrigins: ['https://markets.iiflcapital.com', 'https://api.iiflcapital.com'],
    // [3P]: apps (and their static IP) are registered under My Apps on the developer portal.
    appRegistrationUrl: 'https://developers.iiflcapital.com/',
    defaultEnvKey: 'IIFL_ACCESS_TOKEN',
    suggestedRedirectUri: 'http://127.0.0.1:5055/iifl/callback',
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
  dhan: [
    'Create the API key and secret on web.dhan.co → My Profile → Access DhanHQ APIs (the key lasts 12 months), with this redirect URL.',
    'Enter your Dhan client ID too: TokenTray asks Dhan for a consent with it before the login page opens.',
    'Tokens last 24 hours from login; with "Renew automatically" on, TokenTray renews them (RenewToken) at 08:45 and 15:35 IST, never during market hours (a renewal ends the old token), without a login.',
    "Guess: one of Dhan's own clients says RenewToken works only for tokens made on Dhan Web. If a renewal is refused, TokenTray tells you at once and keeps the working token; log in daily then, and turn automatic renewal off.",
    'Orders need the static IP registered with Dhan; the token itself works from anywhere.',
  ],
  fivepaisa: [
    "Copy three values from 5paisa's API keys page: User Key, Encryption Key and the app's User ID.",
    'The token dies every day at 23:59 IST: one login a trading day.',
  ],
  shoonya: [
    'Use an OAuth app (2026 API): the older QuickAuth/TOTP keys do not open this login page.',
    'Guess: Shoonya does not document when tokens die; TokenTray assumes 03:00 IST unless the token says otherwise. Set the daily cutoff in the account if yours differs.',
    'If the key has expired Shoonya says "Invalid Vendor code": renew it on Shoonya first.',
  ],
  aliceblue: [
    'Register the app (ANT/A3 API) with exactly this redirect URL: Alice Blue returns without a login code when the URL differs.',
    'Guess: Alice Blue does not document when sessions die; TokenTray assumes 03:00 IST. Set the daily cutoff in the account if yours differs.',
    'Logging out of the Alice Blue web site or app ends the API session too.',
  ],
  breeze: [
    'Register the app on api.icicidirect.com with exactly this redirect URL.',
    'The session lasts until midnight IST (at most 24 hours): one login a trading day. Bots get the session token (API_Session) and call generate_session with your secret key themselves.',
    'Breeze allows 100 calls a minute and 5,000 a day.',
  ],
  iifl: [
    'Use an IIFL Capital API app (developers.iiflcapital.com → My Apps), not the older Blaze/XTS or OpenAPI keys.',
    'Register exactly this redirect URL: IIFL returns without a login code when the URL is not whitelisted exactly.',
    'Guess: IIFL does not document when sessions die; TokenTray assumes 03:00 IST unless the session itself says earlier. Set the daily cutoff in the account if yours differs.',
    "Guess: IIFL may refuse API calls from an IP address not registered as the app's static IP (SEBI rule, EC500). TokenTray logs in from this computer: if the login fails with EC500, register this computer's public IP for the app.",
  ],
};

/** The setup guide's steps for one broker (shown before the first login). */
export function setupGuide(id: BrokerId): readonly string[] {
  const b = BROKERS[id];
  return [
    `Register an app at ${b.appRegistrationUrl}.`,
    `Set its redirect URI to exactly ${b.suggestedRedirectUri} (or your own ${b.redirectScheme === 'https' ? 'https URL' : 'http address on this computer'}, the same in both places).`,
    b.clientIdLabel === undefined
      ? `Copy the ${b.apiKeyLabel} and ${b.apiSecretLabel} into TokenTray.`
      : `Copy the ${b.apiKeyLabel}, ${b.apiSecretLabel} and ${b.clientIdLabel} into TokenTray.`,
    ...SETUP_WARNINGS[id],
  ];
}

/**
 * True when the broker's tokens can be renewed without the login page: FYERS (refresh token + PIN)
 * and Dhan (RenewToken with the live token).
 */
export function renewsWithoutLogin(id: BrokerId): boolean {
  return BROKERS[id].renewal.kind !== 'login-only';
}

/** True when a renewal needs the user's PIN (FYERS). */
export function renewalNeedsPin(id: BrokerId): boolean {
  const renewal = BROKERS[id].renewal;
  return renewal.kind === 'refresh-token' && renewal.needsPin;
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
