/**
 * An in-page `TokenTrayApi` for the demo and the browser tests: the same contract the preload exposes,
 * fed by a scripted scenario instead of the main process. It checks every request with the IPC
 * contract's schemas (as main does), publishes snapshots that pass the snapshot schema, and never keeps
 * a secret: the API secret and PIN are checked and dropped.
 */
import { BROKERS } from '../../shared/brokers';
import { ruleExpiry } from '../../shared/expiry';
import type {
  AccountView,
  ActivityEntry,
  ErrorKind,
  LoginQueue,
  Preferences,
  Snapshot,
} from '../../shared/domain';
import type { CommandResult, IpcChannel, TokenTrayApi } from '../../shared/ipc-contract';
import { compareByUrgency, readinessAt } from '../../shared/readiness';
import { statusAt } from '../../shared/status';
import { readinessInputOf } from '../readiness-view';
import type { DemoClock } from './demo-clock';
import type * as DemoSchemas from './demo-schemas';
import { fakeMask, type DemoAccount, type DemoState } from './scenarios';

export interface DemoCall {
  readonly method: string;
  /** The request with any secret replaced by "[secret]". */
  readonly request: unknown;
  readonly at: number;
}

/** What tests and the demo bar can do to the demo (on `window.tokentrayDemo`). */
export interface DemoControls {
  readonly scenario: string;
  now(): number;
  setNow(iso: string): void;
  advance(ms: number): void;
  /** Every API call the page made, secrets masked. */
  calls(): readonly DemoCall[];
  /** How long commands take (ms). */
  setLatency(ms: number): void;
  /** The next `command` on `accountId` fails with this error. */
  failNext(
    accountId: string,
    command: 'login' | 'refresh' | 'validate',
    kind: ErrorKind,
    message: string,
  ): void;
  /** Pushes the current snapshot again (as main does on resume). */
  publish(): void;
}

/** The demo offers every optional command too (Log in all, Cancel login). */
export type DemoApi = TokenTrayApi & Required<Pick<TokenTrayApi, 'cancelLogin' | 'loginAll'>>;

export interface DemoBridge {
  readonly api: DemoApi;
  readonly controls: DemoControls;
}

const DAY = 86_400_000;

type Schemas = typeof DemoSchemas;
/**
 * zod and the schemas arrive after the first paint (as in the real app, where the page has none):
 * requests wait for them; snapshots are checked as soon as they are here. Fetched only once the page
 * is idle (at the latest after 1 s): parsing zod while the dashboard's first render runs would put a
 * demo-only cost into the first-paint time the bench measures on this page.
 */
let schemas: Schemas | undefined;
const schemasLoading: Promise<Schemas> = new Promise<void>((resolve) => {
  if (typeof requestIdleCallback === 'function')
    requestIdleCallback(() => resolve(), { timeout: 1000 });
  else setTimeout(resolve, 0);
})
  .then(() => import('./demo-schemas'))
  .then((m) => (schemas = m));

/** A snapshot that breaks the contract is a demo bug: said on the console (browser tests fail on it). */
function verifySnapshot(s: Snapshot): void {
  const check = (m: Schemas) => {
    const r = m.snapshotSchema.safeParse(s);
    if (!r.success) {
      console.error(
        `demo snapshot breaks the IPC contract: ${r.error.issues.map((i) => i.message).join('; ')}`,
      );
    }
  };
  if (schemas) check(schemas);
  else void schemasLoading.then(check);
}

function redact(request: unknown): unknown {
  if (typeof request !== 'object' || request === null) return request;
  const copy: Record<string, unknown> = { ...(request as Record<string, unknown>) };
  if ('apiSecret' in copy) copy.apiSecret = '[secret]';
  if ('pin' in copy) copy.pin = '[secret]';
  return copy;
}

class CommandError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export function createDemoBridge(
  scenario: string,
  initial: DemoState,
  clock: DemoClock,
  options: { latencyMs: number },
): DemoBridge {
  const accounts: DemoAccount[] = initial.accounts;
  let preferences: Preferences = initial.preferences;
  const activity: ActivityEntry[] = [...initial.activity];
  const listeners = new Set<(s: Snapshot) => void>();
  const calls: DemoCall[] = [];
  let latency = options.latencyMs;
  let fileSeq = 0;
  let lastPublishedKey = '';
  let loginQueue: LoginQueue | null = null;
  let dropQueue = false;

  const nowIso = () => new Date(clock.now()).toISOString();
  const note = (accountId: string | null, level: ActivityEntry['level'], message: string) => {
    activity.push({ at: nowIso(), accountId, level, message });
  };
  const find = (id: string): DemoAccount => {
    const a = accounts.find((x) => x.config.id === id);
    if (!a) throw new CommandError('config', `No account "${id}": it may have been removed.`);
    return a;
  };

  function view(a: DemoAccount, now: number): AccountView {
    const t = a.token;
    const info = BROKERS[a.config.broker];
    return {
      id: a.config.id,
      broker: a.config.broker,
      label: a.config.label,
      status: statusAt(
        { expiresAt: t ? new Date(t.expiresAt) : undefined, revoked: t?.revoked },
        new Date(now),
        {
          expiringMs: a.config.thresholds.expiringMinutes * 60_000,
          criticalMs: a.config.thresholds.criticalMinutes * 60_000,
        },
      ),
      expiresAt: t ? new Date(t.expiresAt).toISOString() : null,
      issuedAt: t ? new Date(t.issuedAt).toISOString() : null,
      refreshExpiresAt: t?.refreshExpiresAt ? new Date(t.refreshExpiresAt).toISOString() : null,
      lastRefreshAt: a.lastRefreshAt ? new Date(a.lastRefreshAt).toISOString() : null,
      lastValidatedAt: a.lastValidatedAt ? new Date(a.lastValidatedAt).toISOString() : null,
      tokenMasked: t?.masked ?? null,
      userName: t?.userName ?? null,
      busy: a.busy,
      lastError: a.lastError,
      exportTargets: a.config.exportTargets,
      lastExport: a.lastExport,
      autoRefresh: a.config.autoRefresh,
      canRefresh:
        info.renewal.kind === 'refresh-token' &&
        t?.refreshExpiresAt !== null &&
        t?.refreshExpiresAt !== undefined &&
        t.refreshExpiresAt > now,
      hasPin: a.hasPin,
      apiKey: a.config.apiKey,
      redirectUri: a.config.redirectUri,
      thresholds: a.config.thresholds,
    };
  }

  function snapshot(): Snapshot {
    const now = clock.now();
    const s: Snapshot = {
      at: new Date(now).toISOString(),
      accounts: accounts.map((a) => view(a, now)),
      notificationsPausedUntil: null,
      loginQueue,
    };
    // Checking proves the demo keeps the same contract main does.
    verifySnapshot(s);
    return s;
  }

  function publish(force = false): void {
    const s = snapshot();
    const key = JSON.stringify([s.accounts, s.loginQueue]);
    if (!force && key === lastPublishedKey) return;
    lastPublishedKey = key;
    for (const l of listeners) l(s);
  }

  // Like main, publish when a status changes with time alone (the window computes it too).
  setInterval(() => publish(), 1000);
  clock.onJump(() => publish());

  const wait = () => new Promise<void>((resolve) => setTimeout(resolve, latency));
  /** Open login "windows": closing one (cancelLogin) ends its wait early. */
  const openLogins = new Map<string, () => void>();
  const waitForLogin = (id: string) =>
    new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        openLogins.delete(id);
        resolve(true);
      }, latency);
      openLogins.set(id, () => {
        clearTimeout(timer);
        openLogins.delete(id);
        resolve(false);
      });
    });

  function record(method: string, request: unknown): void {
    calls.push({ method, request: redact(request), at: clock.now() });
  }

  /** Main rejects requests that break the contract; so does the demo (it catches renderer bugs). */
  async function invalid(channel: IpcChannel, request: unknown): Promise<string | null> {
    const { ipcContract } = schemas ?? (await schemasLoading);
    const parsed = ipcContract[channel].request.safeParse(request);
    return parsed.success
      ? null
      : `Invalid request: ${parsed.error.issues.map((i) => i.message).join('; ')}`;
  }

  async function check(channel: IpcChannel, request: unknown): Promise<void> {
    const problem = await invalid(channel, request);
    if (problem) throw new CommandError('config', problem);
  }

  function issue(a: DemoAccount, kind: 'login' | 'refresh'): void {
    const now = clock.now();
    const info = BROKERS[a.config.broker];
    const refreshExpiresAt =
      info.renewal.kind !== 'refresh-token'
        ? null
        : kind === 'refresh' && a.token?.refreshExpiresAt
          ? a.token.refreshExpiresAt
          : now + info.renewal.refreshTokenLifetimeDays * DAY;
    a.token = {
      issuedAt: now,
      expiresAt: ruleExpiry(a.config.broker, new Date(now)).getTime(),
      refreshExpiresAt,
      revoked: false,
      masked: fakeMask(a.config.broker),
      userName: 'DEMO USER',
    };
    a.lastRefreshAt = now;
    a.lastValidatedAt = now;
    a.lastError = null;
    note(a.config.id, 'info', kind === 'login' ? 'Logged in as DEMO USER' : 'Token refreshed');
    a.lastExport = a.config.exportTargets.map((t) => {
      note(a.config.id, 'info', `Exported to ${t.path}`);
      return { path: t.path, ok: true, at: new Date(now).toISOString() };
    });
  }

  /** Runs one account command the way TokenService does: busy, then token or error, then publish. */
  async function command(
    method: string,
    channel: IpcChannel,
    request: { id: string; pin?: string },
    busy: NonNullable<DemoAccount['busy']>,
    work: (a: DemoAccount) => void,
  ): Promise<CommandResult> {
    record(method, request);
    let a: DemoAccount;
    try {
      await check(channel, request);
      a = find(request.id);
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
    if (a.busy) {
      return {
        ok: false,
        error: `"${a.config.label}" is busy (${a.busy}); try again in a moment.`,
      };
    }
    a.busy = busy;
    publish();
    const finished = busy === 'login' ? await waitForLogin(a.config.id) : (await wait(), true);
    a.busy = null;
    try {
      if (!finished) {
        throw new CommandError(
          'cancelled',
          'The login was cancelled before it finished. The previous token, if any, is unchanged.',
        );
      }
      const scripted = a.failNext;
      if (scripted && scripted.command === busy) {
        a.failNext = null;
        throw new CommandError(scripted.kind, scripted.message);
      }
      work(a);
      publish();
      return { ok: true };
    } catch (e) {
      const err = e instanceof CommandError ? e : new CommandError('bad-response', String(e));
      if (err.kind !== 'busy' && err.kind !== 'cancelled')
        a.lastError = { kind: err.kind, message: err.message, at: nowIso() };
      note(
        a.config.id,
        'error',
        err.kind === 'cancelled'
          ? 'Login cancelled'
          : `${method === 'login' ? 'Login' : method === 'refresh' ? 'Refresh' : 'Validation'} failed: ${err.message}`,
      );
      publish();
      return { ok: false, error: err.message };
    }
  }

  /** Main's "Log in all", as the demo does it: one login after another, progress in the snapshot. */
  async function runQueue(ids: readonly string[]): Promise<void> {
    dropQueue = false;
    let q: LoginQueue = {
      accountIds: [...ids],
      current: null,
      done: 0,
      total: ids.length,
      loggedIn: 0,
      cancelled: 0,
      failed: 0,
    };
    for (const id of ids) {
      if (dropQueue) break;
      q = { ...q, current: id };
      loginQueue = q;
      const result = await api.login({ id });
      const cancelled = !result.ok && /cancelled/.test(result.error);
      q = {
        ...q,
        current: null,
        done: q.done + 1,
        loggedIn: q.loggedIn + (result.ok ? 1 : 0),
        cancelled: q.cancelled + (cancelled ? 1 : 0),
        failed: q.failed + (!result.ok && !cancelled ? 1 : 0),
      };
      loginQueue = q;
      publish(true);
    }
    loginQueue = { ...q, current: null, done: q.total };
    publish(true);
  }

  const api: DemoApi = {
    loginAll: () => {
      record('loginAll', {});
      const now = clock.now();
      const due = accounts
        .map((a) => {
          const v = view(a, now);
          return {
            id: a.config.id,
            r: readinessAt(readinessInputOf(v, v.status), new Date(now), preferences.holidays),
          };
        })
        .filter(
          ({ r }) => r.state === 'needs-login' || (r.state === 'broken' && r.action === 'log-in'),
        )
        .sort((x, y) => compareByUrgency(x.r, y.r))
        .map((x) => x.id);
      if (loginQueue && loginQueue.current !== null) {
        return Promise.resolve({ ok: false, error: 'Log in all is already running.' });
      }
      void runQueue(due);
      return Promise.resolve({ ok: true, queued: due });
    },
    cancelLogin: async (req) => {
      record('cancelLogin', req);
      const problem = await invalid('account:cancel-login', req);
      if (problem) return { ok: false, error: problem };
      if (req.rest) dropQueue = true;
      const close = openLogins.get(req.id);
      if (!close) return { ok: false, error: 'No login window is open for it.' };
      close();
      return { ok: true };
    },
    getSnapshot: () => {
      record('getSnapshot', {});
      return Promise.resolve(snapshot());
    },
    login: (req) =>
      command('login', 'account:login', req, 'login', (a) => {
        issue(a, 'login');
      }),
    refresh: (req) =>
      command('refresh', 'account:refresh', req, 'refresh', (a) => {
        const info = BROKERS[a.config.broker];
        if (info.renewal.kind !== 'refresh-token') {
          throw new CommandError(
            'config',
            `${info.label} tokens can only be renewed by logging in: click Log in.`,
          );
        }
        if (!a.token?.refreshExpiresAt || a.token.refreshExpiresAt <= clock.now()) {
          throw new CommandError(
            'expired',
            `The ${info.label} refresh token has run out (it lasts 15 days): click Log in to start a new one.`,
          );
        }
        if (!req.pin && !a.hasPin) {
          throw new CommandError(
            'config',
            `Enter your ${info.label} PIN to refresh, or turn on "Remember PIN" in the account settings for automatic refresh.`,
          );
        }
        if (req.pin === '0000') {
          throw new CommandError(
            'bad-credentials',
            `${info.label} did not accept the PIN: check it and try again.`,
          );
        }
        issue(a, 'refresh');
      }),
    validate: (req) =>
      command('validate', 'account:validate', req, 'validate', (a) => {
        const label = BROKERS[a.config.broker].label;
        if (!a.token) throw new CommandError('config', 'There is no token yet: click Log in.');
        if (a.token.expiresAt <= clock.now()) {
          throw new CommandError('expired', `The ${label} token has expired: click Log in.`);
        }
        if (a.token.revoked) {
          throw new CommandError(
            'revoked',
            `${label} rejected the token: click Log in to get a new one.`,
          );
        }
        a.lastValidatedAt = clock.now();
        a.lastError = null;
        note(a.config.id, 'info', `${label} accepts the token`);
      }),
    forget: async (req) => {
      record('forget', req);
      const problem = await invalid('account:forget', req);
      if (problem) return { ok: false, error: problem };
      const i = accounts.findIndex((a) => a.config.id === req.id);
      if (i < 0) return { ok: false, error: `No account "${req.id}": it may have been removed.` };
      await wait();
      const [removed] = accounts.splice(i, 1);
      note(null, 'info', `Removed ${removed?.config.label ?? req.id}`);
      publish(true);
      return { ok: true };
    },
    saveAccount: async (req) => {
      record('saveAccount', req);
      const { ipcContract } = schemas ?? (await schemasLoading);
      const parsed = ipcContract['account:save'].request.safeParse(req);
      if (!parsed.success) {
        return { ok: false, error: parsed.error.issues.map((i) => i.message).join('; ') };
      }
      const { config, apiSecret, pin } = parsed.data;
      const existing = accounts.find((a) => a.config.id === config.id);
      const info = BROKERS[config.broker];
      if (!existing && !apiSecret) {
        return {
          ok: false,
          error: `Paste the ${info.apiSecretLabel} of your ${info.label} app: TokenTray needs it to exchange the login for a token.`,
        };
      }
      await wait();
      // The secret and PIN stop here: the demo has no keychain and keeps neither.
      const hasPin = config.storePin ? Boolean(pin) || (existing?.hasPin ?? false) : false;
      if (existing) {
        existing.config = config;
        existing.hasPin = hasPin;
        note(config.id, 'info', 'Account settings saved');
      } else {
        accounts.push({
          config,
          token: null,
          lastRefreshAt: null,
          lastValidatedAt: null,
          busy: null,
          lastError: null,
          lastExport: [],
          hasSecret: true,
          hasPin,
          failNext: null,
        });
        note(config.id, 'info', 'Account added');
      }
      publish(true);
      return { ok: true };
    },
    openExportFolder: async (req) => {
      record('openExportFolder', req);
      const problem = await invalid('account:open-export-folder', req);
      if (problem) return { ok: false, error: problem };
      const a = accounts.find((x) => x.config.id === req.id);
      const first = a?.config.exportTargets[0];
      if (!a || !first)
        return {
          ok: false,
          error: 'This account exports nowhere yet: add a .env file in Edit account.',
        };
      await wait();
      const folder = first.path.replace(/[/\\][^/\\]*$/, '') || '/';
      note(a.config.id, 'info', `Opened ${folder} (demo: nothing was opened)`);
      publish(true);
      return { ok: true };
    },
    chooseEnvFile: async (req) => {
      record('chooseEnvFile', req);
      if (await invalid('dialog:choose-env-file', req)) return { path: null };
      await wait();
      fileSeq += 1;
      return { path: `/home/demo/bots/bot-${fileSeq}/${req.suggestedName ?? '.env'}` };
    },
    getPreferences: () => {
      record('getPreferences', {});
      return Promise.resolve(preferences);
    },
    savePreferences: async (req) => {
      record('savePreferences', req);
      const { ipcContract } = schemas ?? (await schemasLoading);
      const parsed = ipcContract['preferences:save'].request.safeParse(req);
      if (!parsed.success) {
        return { ok: false, error: parsed.error.issues.map((i) => i.message).join('; ') };
      }
      await wait();
      preferences = parsed.data;
      note(null, 'info', 'Settings saved');
      publish(true);
      return { ok: true };
    },
    listActivity: async (req) => {
      record('listActivity', req);
      const problem = await invalid('activity:list', req);
      if (problem) throw new Error(problem);
      const filtered = req.id ? activity.filter((e) => e.accountId === req.id) : activity;
      return filtered.slice(-(req.limit ?? 100));
    },
    onSnapshot: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };

  const controls: DemoControls = {
    scenario,
    now: () => clock.now(),
    setNow: (iso) => {
      const t = new Date(iso).getTime();
      if (Number.isNaN(t)) throw new Error(`not an instant: ${iso}`);
      clock.set(t);
    },
    advance: (ms) => clock.advance(ms),
    calls: () => [...calls],
    setLatency: (ms) => {
      latency = ms;
    },
    failNext: (accountId, command, kind, message) => {
      find(accountId).failNext = { command, kind, message };
    },
    publish: () => publish(true),
  };

  return { api, controls };
}
