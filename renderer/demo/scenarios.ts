/**
 * Scripted situations for the demo and the browser tests, chosen with `?scenario=`. Every name, key
 * and path here is obviously fake; no token anywhere is real (masked tokens are made up whole).
 */
import { BROKERS, expiresAtKeyFor, type BrokerId } from '../../shared/brokers';
import {
  DEFAULT_ACCOUNT_THRESHOLDS,
  preferencesSchema,
  type AccountConfig,
  type AccountError,
  type ActivityEntry,
  type ErrorKind,
  type Preferences,
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
/** A made-up masked token: looks like the real mask ("eyJ0…k3Xq"), comes from no token at all. */
export function fakeMask(): string {
  tokenSeq += 1;
  return `eyJd…${String(tokenSeq).padStart(4, '0')}`;
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

interface Seed {
  readonly id: string;
  readonly broker: BrokerId;
  readonly label: string;
  /** Expiry relative to now (ms); undefined for never logged in. */
  readonly expiresIn?: number;
  readonly issuedAgo?: number;
  readonly refreshExpiresIn?: number;
  readonly revoked?: boolean;
  readonly validatedAgo?: number;
  readonly exportPaths?: readonly string[];
  readonly exportFailed?: string;
  readonly error?: { kind: ErrorKind; message: string; ago?: number };
  /** Busy that never ends (shows the busy state in screenshots). */
  readonly busy?: DemoAccount['busy'];
  readonly autoRefresh?: boolean;
  readonly hasPin?: boolean;
  readonly failNext?: ScriptedFailure;
  readonly userName?: string;
}

function seed(now: number, s: Seed): DemoAccount {
  const paths = s.exportPaths ?? [`/home/demo/bots/${s.id}/.env`];
  const issuedAt = now - (s.issuedAgo ?? 25 * MIN);
  const token: DemoToken | null =
    s.expiresIn === undefined
      ? null
      : {
          issuedAt,
          expiresAt: now + s.expiresIn,
          refreshExpiresAt: s.refreshExpiresIn === undefined ? null : now + s.refreshExpiresIn,
          revoked: s.revoked ?? false,
          masked: fakeMask(),
          userName: s.userName ?? 'DEMO USER',
        };
  return {
    config: {
      id: s.id,
      broker: s.broker,
      label: s.label,
      apiKey: s.broker === 'fyers' ? 'XB00000-100' : `demo-${s.broker}-key-0000`,
      redirectUri: BROKERS[s.broker].suggestedRedirectUri,
      exportTargets: paths.map((p) => envTarget(s.broker, p)),
      thresholds: DEFAULT_ACCOUNT_THRESHOLDS,
      autoRefresh: s.autoRefresh ?? false,
      storePin: s.hasPin ?? false,
    },
    token,
    lastRefreshAt: token ? issuedAt : null,
    lastValidatedAt: token && s.validatedAgo !== undefined ? now - s.validatedAgo : null,
    busy: s.busy ?? null,
    lastError: s.error
      ? {
          kind: s.error.kind,
          message: s.error.message,
          at: new Date(now - (s.error.ago ?? 5 * MIN)).toISOString(),
        }
      : null,
    lastExport: token
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

function history(now: number, accounts: readonly DemoAccount[]): ActivityEntry[] {
  const entries: ActivityEntry[] = [
    {
      at: new Date(now - 3 * HOUR).toISOString(),
      accountId: null,
      level: 'info',
      message: 'TokenTray started',
    },
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
  return entries.sort((x, y) => x.at.localeCompare(y.at));
}

function state(now: number, accounts: DemoAccount[], prefs: Partial<Preferences> = {}): DemoState {
  return {
    now,
    accounts,
    preferences: preferencesSchema.parse(prefs),
    activity: history(now, accounts),
  };
}

export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'all-states',
    title: 'Every status at once',
    start: '2026-11-25T09:05:00+05:30',
    build: (now) =>
      state(now, [
        seed(now, {
          id: 'upstox-personal',
          broker: 'upstox',
          label: 'Personal',
          expiresIn: 18 * HOUR + 25 * MIN,
          issuedAgo: 24 * MIN,
          validatedAgo: 5 * MIN,
        }),
        seed(now, {
          id: 'kite-options',
          broker: 'kite',
          label: 'Options bot',
          expiresIn: 2 * HOUR + 14 * MIN + 31_000,
          issuedAgo: 20 * HOUR,
          validatedAgo: 2 * HOUR,
        }),
        seed(now, {
          id: 'fyers-swing',
          broker: 'fyers',
          label: 'Swing',
          expiresIn: 38 * MIN + 12_000,
          issuedAgo: 22 * HOUR,
          refreshExpiresIn: 9 * DAY,
        }),
        seed(now, {
          id: 'upstox-family',
          broker: 'upstox',
          label: 'Family',
          expiresIn: -(5 * HOUR + 35 * MIN),
          issuedAgo: 29 * HOUR,
        }),
        seed(now, {
          id: 'kite-intraday',
          broker: 'kite',
          label: 'Intraday',
          expiresIn: 20 * HOUR + 55 * MIN,
          issuedAgo: 70 * MIN,
          revoked: true,
          error: {
            kind: 'revoked',
            message:
              'Zerodha Kite rejected the token (it was revoked, or you logged in to Kite API elsewhere). Click Log in to get a new one.',
            ago: 12 * MIN,
          },
        }),
        seed(now, { id: 'fyers-new', broker: 'fyers', label: 'New app', exportPaths: [] }),
      ]),
  },
  {
    id: 'morning',
    title: 'Morning: everything expired overnight',
    start: '2026-11-25T08:40:00+05:30',
    build: (now) =>
      state(now, [
        seed(now, {
          id: 'upstox-personal',
          broker: 'upstox',
          label: 'Personal',
          expiresIn: -(5 * HOUR + 10 * MIN),
          issuedAgo: 24 * HOUR,
        }),
        seed(now, {
          id: 'kite-options',
          broker: 'kite',
          label: 'Options bot',
          expiresIn: -(2 * HOUR + 40 * MIN),
          issuedAgo: 23 * HOUR,
        }),
        seed(now, {
          id: 'fyers-swing',
          broker: 'fyers',
          label: 'Swing',
          expiresIn: -(2 * HOUR + 40 * MIN),
          issuedAgo: 23 * HOUR,
          refreshExpiresIn: 6 * DAY,
          autoRefresh: true,
          hasPin: true,
          error: {
            kind: 'broker-down',
            message:
              'FYERS did not answer the automatic refresh at 08:30 IST (it may be down for maintenance). TokenTray tries again in 5 minutes; or click Refresh now.',
            ago: 10 * MIN,
          },
        }),
      ]),
  },
  {
    id: 'healthy',
    title: 'All good',
    start: '2026-11-25T09:20:00+05:30',
    build: (now) =>
      state(now, [
        seed(now, {
          id: 'upstox-personal',
          broker: 'upstox',
          label: 'Personal',
          expiresIn: 18 * HOUR + 10 * MIN,
          validatedAgo: 3 * MIN,
        }),
        seed(now, {
          id: 'kite-options',
          broker: 'kite',
          label: 'Options bot',
          expiresIn: 20 * HOUR + 40 * MIN,
          validatedAgo: 3 * MIN,
        }),
        seed(now, {
          id: 'fyers-swing',
          broker: 'fyers',
          label: 'Swing',
          expiresIn: 20 * HOUR + 40 * MIN,
          refreshExpiresIn: 12 * DAY,
          autoRefresh: true,
          hasPin: true,
        }),
      ]),
  },
  {
    id: 'first-run',
    title: 'First run: no accounts',
    start: '2026-11-25T08:15:00+05:30',
    build: (now) => state(now, []),
  },
  {
    id: 'problems',
    title: 'Busy and failing',
    start: '2026-11-25T09:05:00+05:30',
    build: (now) =>
      state(now, [
        seed(now, { id: 'upstox-personal', broker: 'upstox', label: 'Personal', busy: 'login' }),
        seed(now, {
          id: 'kite-options',
          broker: 'kite',
          label: 'Options bot',
          expiresIn: 20 * HOUR + 50 * MIN,
          exportPaths: ['/home/demo/readonly/.env'],
          exportFailed: 'permission denied',
          error: {
            kind: 'export',
            message:
              'Could not write /home/demo/readonly/.env (permission denied). The token is safe in the keychain; choose a file you can write to in Edit account.',
          },
        }),
        seed(now, {
          id: 'fyers-swing',
          broker: 'fyers',
          label: 'Swing',
          expiresIn: -(3 * HOUR),
          refreshExpiresIn: 4 * DAY,
          error: {
            kind: 'keychain',
            message:
              'The system keychain is locked, so TokenTray cannot read the FYERS secret. Unlock your login keyring (or log out and in again), then click Refresh now.',
          },
        }),
        seed(now, {
          id: 'upstox-family',
          broker: 'upstox',
          label: 'Family',
          expiresIn: 90 * MIN,
          error: {
            kind: 'rate-limited',
            message: 'Upstox asked us to slow down (429). Wait a minute, then click Validate.',
          },
          failNext: {
            command: 'login',
            kind: 'cancelled',
            message:
              'The login window was closed before the login finished. Click Log in to try again.',
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
