/**
 * Scripted situations for the demo and the browser tests, chosen with `?scenario=`: each is an IST
 * instant and accounts described by when they last logged in; every expiry is computed by the real
 * broker rules (`accessTokenExpiry`, shared/expiry.ts), so no demo token dies at a time no broker
 * would choose. Every name, key and path here is obviously fake; no token anywhere is real (masked
 * tokens are made up whole, in the shape of each broker's token).
 */
import { BROKERS, expiresAtKeyFor, type BrokerId } from '../../shared/brokers';
import { NSE_HOLIDAYS_2026 } from '../../shared/calendar';
import { accessTokenExpiry, refreshTokenExpiry } from '../../shared/expiry';
import type {
  AccountConfig,
  AccountError,
  ActivityEntry,
  ErrorKind,
  Preferences,
} from '../../shared/domain';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export interface DemoToken {
  readonly issuedAt: number;
  readonly expiresAt: number;
  readonly refreshExpiresAt: number | null;
  readonly revoked: boolean;
  readonly masked: string;
  readonly userName: string;
}

export interface ScriptedFailure {
  readonly command: 'login' | 'refresh' | 'validate';
  readonly kind: ErrorKind;
  readonly message: string;
}

export interface DemoAccount {
  config: AccountConfig;
  token: DemoToken | null;
  lastRefreshAt: number | null;
  lastValidatedAt: number | null;
  busy: 'login' | 'refresh' | 'validate' | 'forget' | null;
  lastError: AccountError | null;
  lastExport: { path: string; ok: boolean; at: string; message?: string }[];
  hasSecret: boolean;
  hasPin: boolean;
  /** The next matching command fails this way (once). */
  failNext: ScriptedFailure | null;
}

export interface DemoState {
  readonly now: number;
  readonly accounts: DemoAccount[];
  readonly preferences: Preferences;
  readonly activity: ActivityEntry[];
}

export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** The demo clock's default start. */
  readonly start: string;
  build(now: number): DemoState;
}

let tokenSeq = 0;
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * A made-up masked token in the shape `maskToken` gives for each broker's real tokens: Upstox and
 * FYERS issue JWTs (the mask starts "eyJ0"), Kite an opaque 32-character key (letters and digits).
 * It comes from no token at all.
 */
export function fakeMask(broker: BrokerId): string {
  tokenSeq += 1;
  const pick = (n: number) =>
    Array.from({ length: 4 }, (_, i) => ALNUM[(n * 7 + i * 13 + tokenSeq * 3) % ALNUM.length]).join(
      '',
    );
  // Kite's token is opaque; Breeze's session is a short number (masked whole, as maskToken does);
  // the others are JWTs.
  if (broker === 'kite') return `${pick(11)}…${pick(29)}`;
  if (broker === 'breeze') return '••••';
  return `eyJ0…${pick(17)}`;
}

function envTarget(broker: BrokerId, path: string) {
  const tokenKey = BROKERS[broker].defaultEnvKey;
  return {
    kind: 'env' as const,
    path,
    tokenKey,
    expiresAtKey: expiresAtKeyFor(tokenKey),
    extra: {},
  };
}

/** An IST wall-clock instant: ist('2026-11-24', '08:40'). */
export function ist(date: string, hhmm: string): number {
  return new Date(`${date}T${hhmm}:00+05:30`).getTime();
}

interface Seed {
  readonly id: string;
  readonly broker: BrokerId;
  readonly label: string;
  /** When the current token was issued (login or refresh); undefined for never logged in. */
  readonly issuedAt?: number;
  /** When the last full login was (starts the FYERS refresh token); defaults to issuedAt. */
  readonly loggedInAt?: number;
  /** The broker rejected the token at this instant. */
  readonly revokedAt?: number;
  readonly validatedAt?: number;
  readonly exportPaths?: readonly string[];
  readonly exportFailed?: string;
  readonly error?: { kind: ErrorKind; message: string; at: number };
  /** Busy that never ends (shows the busy state in screenshots). */
  readonly busy?: DemoAccount['busy'];
  readonly autoRefresh?: boolean;
  readonly hasPin?: boolean;
  readonly failNext?: ScriptedFailure;
  readonly userName?: string;
}

function seed(s: Seed): DemoAccount {
  const paths = s.exportPaths ?? [`/home/demo/bots/${s.id}/.env`];
  const issuedAt = s.issuedAt;
  const token: DemoToken | null =
    issuedAt === undefined
      ? null
      : {
          issuedAt,
          // The broker's own rule, exactly as main computes it.
          expiresAt: accessTokenExpiry(s.broker, new Date(issuedAt)).getTime(),
          refreshExpiresAt:
            refreshTokenExpiry(s.broker, new Date(s.loggedInAt ?? issuedAt))?.getTime() ?? null,
          revoked: s.revokedAt !== undefined,
          masked: fakeMask(s.broker),
          userName: s.userName ?? 'DEMO USER',
        };
  const revokedError: AccountError | null =
    s.revokedAt !== undefined
      ? {
          kind: 'revoked',
          message: `${BROKERS[s.broker].label} rejected the token (it was revoked, or the same API key logged in elsewhere). Click Log in to get a new one.`,
          at: new Date(s.revokedAt).toISOString(),
        }
      : null;
  return {
    config: {
      id: s.id,
      broker: s.broker,
      label: s.label,
      apiKey: s.broker === 'fyers' ? 'XB00000-100' : `demo-${s.broker}-key-0000`,
      redirectUri: BROKERS[s.broker].suggestedRedirectUri,
      exportTargets: paths.map((p) => envTarget(s.broker, p)),
      thresholds: { expiringMinutes: 180, criticalMinutes: 60, notifyMinutes: [60, 15] },
      autoRefresh: s.autoRefresh ?? false,
      storePin: s.hasPin ?? false,
    },
    token,
    lastRefreshAt: issuedAt ?? null,
    lastValidatedAt: s.validatedAt ?? s.revokedAt ?? null,
    busy: s.busy ?? null,
    lastError: s.error
      ? { kind: s.error.kind, message: s.error.message, at: new Date(s.error.at).toISOString() }
      : revokedError,
    lastExport:
      issuedAt !== undefined
        ? paths.map((path) =>
            s.exportFailed
              ? { path, ok: false, at: new Date(issuedAt).toISOString(), message: s.exportFailed }
              : { path, ok: true, at: new Date(issuedAt).toISOString() },
          )
        : [],
    hasSecret: true,
    hasPin: s.hasPin ?? false,
    failNext: s.failNext ?? null,
  };
}

function history(now: number, accounts: readonly DemoAccount[], extra: ActivityEntry[]) {
  const entries: ActivityEntry[] = [
    {
      at: new Date(now - 3 * HOUR).toISOString(),
      accountId: null,
      level: 'info',
      message: 'TokenTray started',
    },
    ...extra,
  ];
  for (const a of accounts) {
    entries.push({
      at: new Date(now - 2 * DAY).toISOString(),
      accountId: a.config.id,
      level: 'info',
      message: 'Account added',
    });
    if (a.token) {
      entries.push({
        at: new Date(a.token.issuedAt).toISOString(),
        accountId: a.config.id,
        level: 'info',
        message: `Logged in as ${a.token.userName}`,
      });
      for (const e of a.lastExport) {
        entries.push({
          at: e.at,
          accountId: a.config.id,
          level: e.ok ? 'info' : 'error',
          message: e.ok
            ? `Exported to ${e.path}`
            : `Export to ${e.path} failed: ${e.message ?? ''}`,
        });
      }
      if (a.token.expiresAt <= now) {
        entries.push({
          at: new Date(a.token.expiresAt).toISOString(),
          accountId: a.config.id,
          level: 'warn',
          message: `Token expired (${BROKERS[a.config.broker].label}'s daily cutoff)`,
        });
      }
    }
    if (a.lastError) {
      entries.push({
        at: a.lastError.at,
        accountId: a.config.id,
        level: a.lastError.kind === 'expired' ? 'warn' : 'error',
        message: a.lastError.message,
      });
    }
  }
  return entries
    .filter((e) => new Date(e.at).getTime() <= now)
    .sort((x, y) => x.at.localeCompare(y.at));
}

function state(
  now: number,
  accounts: DemoAccount[],
  prefs: Partial<Preferences> = {},
  extra: ActivityEntry[] = [],
): DemoState {
  return {
    now,
    accounts,
    // The defaults of preferencesSchema (shared/domain.ts), without loading zod before first paint.
    preferences: {
      morningReminder: '08:30',
      holidays: [...NSE_HOLIDAYS_2026],
      startAtLogin: false,
      theme: 'system',
      refreshTokenWarningDays: 2,
      ...prefs,
    },
    activity: history(now, accounts, extra),
  };
}

function reminderEntry(at: number, names: readonly string[]): ActivityEntry {
  return {
    at: new Date(at).toISOString(),
    accountId: null,
    level: 'info',
    message: `Morning reminder sent: log in to ${names.join(', ')} for today's session`,
  };
}

// The demo week: Mon 2026-11-23 … Fri 2026-11-27; Tue 2026-11-24 is an NSE holiday (Guru Nanak).
const MON = '2026-11-23';
const TUE = '2026-11-24';
const WED = '2026-11-25';

/** Yesterday's (Tuesday's) tokens seen on Wednesday: the usual start of a trading day. */
function overnight(): DemoAccount[] {
  return [
    seed({
      id: 'upstox-personal',
      broker: 'upstox',
      label: 'Personal',
      issuedAt: ist(TUE, '08:40'),
    }),
    seed({ id: 'kite-options', broker: 'kite', label: 'Options bot', issuedAt: ist(TUE, '08:42') }),
    seed({
      id: 'fyers-swing',
      broker: 'fyers',
      label: 'Swing',
      issuedAt: ist(TUE, '06:05'),
      loggedInAt: ist('2026-11-20', '08:45'),
      autoRefresh: true,
      hasPin: true,
    }),
  ];
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'all-states',
    title: 'Market hours (10:05): every state at once',
    start: `${WED}T10:05:00+05:30`,
    build: (now) =>
      state(now, [
        seed({
          id: 'upstox-personal',
          broker: 'upstox',
          label: 'Personal',
          issuedAt: ist(WED, '08:41'),
          validatedAt: ist(WED, '10:00'),
        }),
        seed({
          id: 'kite-options',
          broker: 'kite',
          label: 'Options bot',
          issuedAt: ist(TUE, '08:50'),
        }),
        seed({
          id: 'fyers-swing',
          broker: 'fyers',
          label: 'Swing',
          issuedAt: ist(WED, '06:05'),
          loggedInAt: ist('2026-11-18', '08:45'),
          autoRefresh: true,
          hasPin: true,
        }),
        seed({
          id: 'upstox-family',
          broker: 'upstox',
          label: 'Family',
          issuedAt: ist(TUE, '08:30'),
        }),
        seed({
          id: 'kite-intraday',
          broker: 'kite',
          label: 'Intraday',
          issuedAt: ist(WED, '08:35'),
          revokedAt: ist(WED, '09:52'),
        }),
        seed({ id: 'fyers-new', broker: 'fyers', label: 'New app', exportPaths: [] }),
      ]),
  },
  {
    id: 'night-0245',
    title: '02:45: Upstox good until 03:30, a login now would not help',
    start: `${WED}T02:45:00+05:30`,
    build: (now) => state(now, overnight()),
  },
  {
    id: 'early-0520',
    title: '05:20: Upstox expired, Kite good until 06:00',
    start: `${WED}T05:20:00+05:30`,
    build: (now) =>
      state(now, [
        ...overnight().slice(0, 2),
        seed({
          id: 'fyers-swing',
          broker: 'fyers',
          label: 'Swing',
          issuedAt: ist(TUE, '08:45'),
          loggedInAt: ist('2026-11-20', '08:45'),
        }),
      ]),
  },
  {
    id: 'morning-0829',
    title: '08:29: a minute before the morning reminder',
    start: `${WED}T08:29:00+05:30`,
    build: (now) => {
      const accounts = overnight();
      const fyers = accounts[2];
      if (fyers?.token) {
        // The silent refresh after the 06:00 cutoff has run.
        fyers.token = {
          ...fyers.token,
          issuedAt: ist(WED, '06:05'),
          expiresAt: accessTokenExpiry('fyers', new Date(ist(WED, '06:05'))).getTime(),
        };
        fyers.lastRefreshAt = ist(WED, '06:05');
      }
      return state(now, accounts);
    },
  },
  {
    id: 'morning-0831',
    title: '08:31: after the one morning reminder',
    start: `${WED}T08:31:00+05:30`,
    build: (now) => {
      const built = SCENARIOS.find((s) => s.id === 'morning-0829')?.build(now);
      if (!built) throw new Error('morning-0829 is missing');
      return {
        ...built,
        activity: [
          ...built.activity,
          reminderEntry(ist(WED, '08:30'), ['Personal (Upstox)', 'Options bot (Zerodha Kite)']),
        ].sort((x, y) => x.at.localeCompare(y.at)),
      };
    },
  },
  {
    id: 'morning',
    title: '08:40: everything expired overnight, FYERS refresh failed',
    start: `${WED}T08:40:00+05:30`,
    build: (now) => {
      const accounts = overnight();
      const fyers = accounts[2];
      if (fyers) {
        fyers.lastError = {
          kind: 'broker-down',
          message:
            'FYERS did not answer the automatic refresh at 08:30 IST (it may be down for maintenance). TokenTray tries again in 5 minutes; or click Refresh now.',
          at: new Date(ist(WED, '08:30')).toISOString(),
        };
      }
      return state(now, accounts, {}, [
        reminderEntry(ist(WED, '08:30'), ['Personal (Upstox)', 'Options bot (Zerodha Kite)']),
      ]);
    },
  },
  {
    id: 'healthy',
    title: 'Market hours (11:00): all ready',
    start: `${WED}T11:00:00+05:30`,
    build: (now) =>
      state(now, [
        seed({
          id: 'upstox-personal',
          broker: 'upstox',
          label: 'Personal',
          issuedAt: ist(WED, '08:31'),
          validatedAt: ist(WED, '10:57'),
        }),
        seed({
          id: 'kite-options',
          broker: 'kite',
          label: 'Options bot',
          issuedAt: ist(WED, '08:33'),
          validatedAt: ist(WED, '10:57'),
        }),
        seed({
          id: 'fyers-swing',
          broker: 'fyers',
          label: 'Swing',
          issuedAt: ist(WED, '06:05'),
          loggedInAt: ist('2026-11-21', '09:00'),
          autoRefresh: true,
          hasPin: true,
        }),
      ]),
  },
  {
    id: 'holiday',
    title: 'NSE holiday (Tue 10:00): next session Wednesday',
    start: `${TUE}T10:00:00+05:30`,
    build: (now) =>
      state(now, [
        seed({
          id: 'upstox-personal',
          broker: 'upstox',
          label: 'Personal',
          issuedAt: ist(MON, '08:40'),
        }),
        seed({
          id: 'kite-options',
          broker: 'kite',
          label: 'Options bot',
          issuedAt: ist(MON, '08:42'),
        }),
        seed({
          id: 'fyers-swing',
          broker: 'fyers',
          label: 'Swing',
          issuedAt: ist(TUE, '06:05'),
          loggedInAt: ist('2026-11-20', '08:45'),
          autoRefresh: true,
          hasPin: true,
        }),
      ]),
  },
  {
    id: 'first-run',
    title: 'First run: no accounts',
    start: `${WED}T08:15:00+05:30`,
    build: (now) => state(now, []),
  },
  {
    id: 'problems',
    title: 'Broken states (08:50): revoked, not delivered, keychain, credentials, broker down',
    start: `${WED}T08:50:00+05:30`,
    build: (now) =>
      state(now, [
        seed({
          id: 'upstox-personal',
          broker: 'upstox',
          label: 'Personal',
          issuedAt: ist(TUE, '08:40'),
          busy: 'login',
        }),
        seed({
          id: 'kite-options',
          broker: 'kite',
          label: 'Options bot',
          issuedAt: ist(WED, '08:32'),
          exportPaths: ['/home/demo/readonly/.env'],
          exportFailed: 'permission denied',
          error: {
            kind: 'export',
            message:
              'Could not write /home/demo/readonly/.env (permission denied). The token is safe in the keychain; choose a file you can write to in Edit account.',
            at: ist(WED, '08:32'),
          },
        }),
        seed({
          id: 'fyers-swing',
          broker: 'fyers',
          label: 'Swing',
          issuedAt: ist(TUE, '06:05'),
          loggedInAt: ist('2026-11-20', '08:45'),
          error: {
            kind: 'keychain',
            message:
              'The system keychain is locked, so TokenTray cannot read the FYERS secret. Unlock your login keyring (or log out and in again), then click Refresh now.',
            at: ist(WED, '08:30'),
          },
        }),
        seed({
          id: 'kite-intraday',
          broker: 'kite',
          label: 'Intraday',
          issuedAt: ist(WED, '08:35'),
          revokedAt: ist(WED, '08:47'),
        }),
        seed({
          id: 'upstox-family',
          broker: 'upstox',
          label: 'Family',
          issuedAt: ist(TUE, '08:30'),
          error: {
            kind: 'bad-credentials',
            message:
              'Upstox did not accept the API key or secret (invalid client). Paste them again from your Upstox app in Edit account.',
            at: ist(WED, '08:36'),
          },
        }),
        seed({
          id: 'fyers-algo',
          broker: 'fyers',
          label: 'Algo',
          issuedAt: ist(TUE, '06:05'),
          loggedInAt: ist('2026-11-19', '08:45'),
          autoRefresh: true,
          hasPin: true,
          error: {
            kind: 'broker-down',
            message:
              'FYERS did not answer the automatic refresh at 08:30 IST (it may be down for maintenance). TokenTray tries again in 5 minutes; or click Refresh now.',
            at: ist(WED, '08:30'),
          },
          failNext: {
            command: 'refresh',
            kind: 'broker-down',
            message: 'FYERS did not answer (HTTP 503). Try again in a minute.',
          },
        }),
      ]),
  },
];

export const DEFAULT_SCENARIO = 'all-states';

export function scenarioById(id: string | null): Scenario {
  const found = SCENARIOS.find((s) => s.id === (id ?? DEFAULT_SCENARIO));
  if (found) return found;
  const fallback = SCENARIOS[0];
  if (!fallback) throw new Error('no demo scenarios');
  return fallback;
}
