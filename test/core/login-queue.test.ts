/**
 * Issue 11, "one notification and one click per morning", as the user meets it: the real app, the
 * broker simulator over loopback HTTP, real .env files and the real keychain. The 08:30 reminder
 * names every account that needs a login in ONE notification; its click (or "Log in all" in the tray
 * or over IPC) opens the login windows one after another — the next when the previous finishes or is
 * cancelled — with the progress in the snapshot; Cancel during login closes the open window.
 */
import { describe, expect, it } from 'vitest';
import type { LoginQueue, Snapshot } from '../../shared/domain';
import { TokenTrayError } from '../../electron/core/errors';
import type {
  LoginNavigationRequest,
  LoginNavigator,
} from '../../electron/core/lifecycle/login-flow';
import type { HttpLoginNavigator } from '../helpers/http-login-navigator';
import type { AppHarness } from '../helpers/app-harness';
import { H, ist, keyringAvailable, requireKeyringInCi, startTestApp } from './app-kit';

requireKeyringInCi();

/** Second registered apps, so two accounts of one broker do not share an API key (Kite: one session per key). */
const SECOND_APPS = [
  {
    broker: 'upstox',
    apiKey: 'sim-upstox-client-id-2',
    apiSecret: 'sim-upstox-secret-2-not-real',
    redirectUri: 'http://127.0.0.1:5055/upstox/callback',
  },
  {
    broker: 'kite',
    apiKey: 'simkiteapikey2',
    apiSecret: 'sim-kite-secret-2-not-real',
    redirectUri: 'http://127.0.0.1:5055/kite/callback',
  },
] as const;

async function twoPerBroker(h: AppHarness): Promise<void> {
  for (const app of SECOND_APPS) h.sim.registerApp(app);
  await h.addAccount('upstox', { id: 'upstox-main' });
  await h.addAccount('upstox', { id: 'upstox-alt', app: SECOND_APPS[0] });
  await h.addAccount('kite', { id: 'kite-main' });
  await h.addAccount('kite', { id: 'kite-alt', app: SECOND_APPS[1] });
  await h.addAccount('fyers', { autoRefresh: true, pin: '1234' });
}

/** Every loginQueue state the snapshots carried, in order (null: no round running). */
function recordQueue(h: AppHarness): (LoginQueue | null)[] {
  const seen: (LoginQueue | null)[] = [];
  h.app.onSnapshot((s: Snapshot) => {
    const q = s.loginQueue ?? null;
    if (JSON.stringify(q) !== JSON.stringify(seen.at(-1) ?? null) || seen.length === 0)
      seen.push(q);
  });
  return seen;
}

/** A login window that stays open until the test lets the user log in, or cancels it. */
class HeldWindows implements LoginNavigator {
  private readonly open = new Map<
    string,
    { request: LoginNavigationRequest; resolve: () => void; reject: (e: Error) => void }
  >();
  constructor(private readonly http: HttpLoginNavigator) {}
  navigate(request: LoginNavigationRequest): Promise<string> {
    return new Promise<void>((resolve, reject) => {
      this.open.set(request.accountId, { request, resolve, reject });
    }).then(() => this.http.navigate(request));
  }
  cancel(accountId: string): boolean {
    const w = this.open.get(accountId);
    if (!w) return false;
    this.open.delete(accountId);
    w.reject(new TokenTrayError('cancelled', 'The login window was closed.'));
    return true;
  }
  /** The user logs in on the page of the window that is open. */
  logIn(accountId: string): void {
    const w = this.open.get(accountId);
    if (!w) throw new Error(`no login window open for ${accountId}`);
    this.open.delete(accountId);
    w.resolve();
  }
  get openIds(): string[] {
    return [...this.open.keys()];
  }
}

/**
 * Lets the app's own I/O (keychain reads, loopback HTTP) run until `ready()`; nothing here waits on
 * the app's FakeClock timers. The bound only keeps a broken build from hanging the run.
 */
async function settle(ready: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !ready(); i += 1) {
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }
  if (!ready()) throw new Error('the app did not get there');
}

describe.skipIf(!keyringAvailable)('one notification and one click per morning', () => {
  it('08:30 names every account that needs a login in one notification; one click logs in all, one window after another', async () => {
    const h = await startTestApp({ start: ist('2026-12-07T20:00'), localZone: 'Asia/Kolkata' });
    await twoPerBroker(h);
    for (const id of ['upstox-main', 'upstox-alt', 'kite-main', 'kite-alt', 'fyers-main']) {
      await h.login(id); // Monday evening: Upstox dies Tue 03:30, Kite and FYERS Tue 06:00
    }
    const queue = recordQueue(h);
    h.navigator.requests.length = 0;

    await h.advanceTo(ist('2026-12-08T08:31'));
    // FYERS renewed itself after the 06:00 cutoff; the four login-only accounts need the user.
    expect(h.notifications.shown).toEqual([
      expect.objectContaining({
        id: 'login-all',
        title: 'Log in for today: 4 accounts',
        body:
          'Upstox · main, Upstox · alt, Zerodha Kite · main and Zerodha Kite · alt need a login ' +
          'before the market opens at 09:15 IST. Click to open their login windows one after another.',
        at: ist('2026-12-08T08:30'),
      }),
    ]);
    expect(h.tray.last?.loginAllCount).toBe(4);

    h.notifications.click('login-all'); // the one click
    await h.app.whenIdle();

    // Four login windows, one after another, the most urgent (earliest dead) first… (Kite and
    // Upstox are equally urgent at 08:31; the Upstox tokens died first at 03:30.)
    expect(h.navigator.requests.map((r) => r.accountId)).toEqual([
      'upstox-main',
      'upstox-alt',
      'kite-main',
      'kite-alt',
    ]);
    for (const id of ['upstox-main', 'upstox-alt', 'kite-main', 'kite-alt']) {
      const broker = id.split('-')[0] as 'upstox' | 'kite';
      expect(h.sim.tokenStatus(broker, h.botToken(id)!), id).toBe('valid');
    }
    // …with the progress in the snapshot: each window while it is open, then the end of the round.
    expect(queue.filter((q) => q?.current).map((q) => [q?.current, q?.done, q?.total])).toEqual([
      ['upstox-main', 0, 4],
      ['upstox-alt', 1, 4],
      ['kite-main', 2, 4],
      ['kite-alt', 3, 4],
    ]);
    expect(queue.at(-1)).toBeNull();
    expect(h.app.service.snapshot().loginQueue).toBeUndefined();
    // The reminder is taken back once nobody needs a login; the rest of the day stays quiet.
    expect(h.notifications.onScreen).toEqual([]);
    await h.advanceTo(ist('2026-12-08T15:30'));
    expect(h.notifications.shown).toHaveLength(1);
    expect(h.tray.last).toMatchObject({ icon: 'valid', loginAllCount: 0 });

    const activity = h.app.service.listActivity(undefined, 500).map((e) => e.message);
    expect(activity).toContain('Notified: Log in for today: 4 accounts');
    expect(activity).toContain('Log in all: 4 logged in (4 accounts)');
    expect(activity).toContain('Token expired at 03:30 IST; log in');
  }, 60_000);

  it('Cancel during login: the next window opens when one is cancelled; rest drops the queue', async () => {
    let held: HeldWindows | undefined;
    const h = await startTestApp({
      start: ist('2026-12-08T10:00'),
      wrapNavigator: (http) => (held = new HeldWindows(http)),
    });
    await twoPerBroker(h);
    const windows = held!;
    const queue = recordQueue(h);
    try {
      await cancelScenario(h, windows, queue);
    } finally {
      for (const id of windows.openIds) windows.cancel(id); // never leave a window hanging
    }
  }, 60_000);
});

async function cancelScenario(
  h: AppHarness,
  windows: HeldWindows,
  queue: (LoginQueue | null)[],
): Promise<void> {
  const answer = await h.app.ipc['accounts:login-all']({});
  expect(answer).toEqual({
    ok: true,
    // FYERS has never logged in either: without a refresh token it needs the login page too.
    queued: ['upstox-main', 'upstox-alt', 'kite-main', 'kite-alt', 'fyers-main'],
  });
  await settle(() => windows.openIds.length === 1);
  expect(windows.openIds).toEqual(['upstox-main']);
  expect(h.app.service.snapshot().loginQueue).toMatchObject({
    current: 'upstox-main',
    done: 0,
    total: 5,
  });
  // A second "Log in all" while the round runs adds nobody twice.
  expect(await h.app.ipc['accounts:login-all']({})).toEqual({ ok: true, queued: [] });

  // Cancel: the window closes, the next one opens.
  expect(await h.app.ipc['account:cancel-login']({ id: 'upstox-main' })).toEqual({ ok: true });
  await settle(() => windows.openIds[0] === 'upstox-alt');
  windows.logIn('upstox-alt');
  await settle(() => windows.openIds[0] === 'kite-main');
  expect(h.botToken('upstox-alt')).toBeDefined();
  expect(h.botToken('upstox-main')).toBeUndefined();

  // Cancel with rest: this window and the ones still waiting.
  expect(await h.app.ipc['account:cancel-login']({ id: 'kite-main', rest: true })).toEqual({
    ok: true,
  });
  await h.app.whenIdle();
  expect(windows.openIds).toEqual([]);
  expect(h.app.service.snapshot().loginQueue).toBeUndefined();
  expect(queue.at(-1)).toBeNull();
  expect(h.app.service.listActivity(undefined, 500).map((e) => e.message)).toContain(
    'Log in all: 1 logged in, 2 cancelled (3 accounts)',
  );

  // Nothing open any more: cancelling again is harmless; a wrong id or request says what is wrong.
  expect(await h.app.ipc['account:cancel-login']({ id: 'kite-main' })).toEqual({ ok: true });
  expect(await h.app.ipc['account:cancel-login']({ id: 'nobody' })).toEqual({
    ok: false,
    error: 'No account "nobody": it may have been removed.',
  });
  const bad = await h.app.ipc['account:cancel-login']({ id: 'kite-main', all: true } as never);
  expect(bad).toMatchObject({ ok: false });
  expect(bad.ok === false && bad.error).toContain('all');
}

describe.skipIf(!keyringAvailable)('quitting during "Log in all"', () => {
  it('closes the open window and opens no further one', async () => {
    let held: HeldWindows | undefined;
    const h = await startTestApp({
      start: ist('2026-12-08T10:00'),
      wrapNavigator: (http) => (held = new HeldWindows(http)),
    });
    await h.addAccount('upstox');
    await h.addAccount('kite');
    const windows = held!;
    expect(await h.app.ipc['accounts:login-all']({})).toMatchObject({ ok: true });
    await settle(() => windows.openIds.length === 1);
    const opened = windows.openIds[0]!;
    h.app.stop();
    windows.cancel(opened); // the platform closes every login window on quit
    await h.app.whenIdle();
    expect(windows.openIds).toEqual([]);
    expect(h.navigator.requests).toEqual([]); // no login page was ever loaded
    expect(h.app.loginQueue.active).toBe(false);
  });
});

describe.skipIf(!keyringAvailable)('"Log in all" from the tray', () => {
  it('"Log in all" from the tray; nothing to do means nothing opens', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T02:45') });
    await h.addAccount('upstox');
    await h.login('upstox-main'); // dies 03:30 today whatever: a login at 02:45 would not help
    h.navigator.requests.length = 0;
    expect(h.tray.last?.loginAllCount).toBe(0);
    expect(await h.app.ipc['accounts:login-all']({})).toEqual({ ok: true, queued: [] });
    await h.app.handleTrayAction({ kind: 'login-all' });
    await h.app.whenIdle();
    expect(h.navigator.requests).toEqual([]);

    await h.advanceTo(ist('2026-12-08T03:31')); // now a login lasts through today's session
    expect(h.tray.last?.loginAllCount).toBe(1);
    await h.app.handleTrayAction({ kind: 'login-all' });
    await h.app.whenIdle();
    expect(h.navigator.requests.map((r) => r.accountId)).toEqual(['upstox-main']);
    expect(h.tray.last).toMatchObject({ icon: 'valid', loginAllCount: 0 });
  });
});

describe.skipIf(!keyringAvailable)('words that match behaviour', () => {
  /** Upstox tokens that die two hours after issue (a JWT `exp` before 03:30). */
  const shortUpstox = {
    accessTokenExpiry: { upstox: (issuedAt: Date) => new Date(issuedAt.getTime() + 2 * H) },
  };

  it('Friday evening: no warning or "click to log in" for a token a login cannot help; Monday 08:30 speaks once', async () => {
    const h = await startTestApp({ start: ist('2026-12-11T16:00'), lifetimes: shortUpstox });
    await h.addAccount('upstox');
    await h.login('upstox-main'); // dies Friday 18:00
    await h.advanceTo(ist('2026-12-11T18:30'));
    // A login at 17:00 would die on Saturday at 03:30, before Monday's session: nothing to say.
    expect(h.notifications.shown).toEqual([]);
    expect(h.app.service.listActivity('upstox-main').map((e) => e.message)).toContain(
      'Token expired at 18:00 IST; log in after 03:30 Mon 2026-12-14 IST',
    );
    await h.advanceTo(ist('2026-12-14T08:31'));
    expect(h.notifications.shown.map((n) => [n.id, n.title, n.at.toISOString()])).toEqual([
      ['login-all', 'Upstox · main: log in for today', ist('2026-12-14T08:30').toISOString()],
    ]);
  });

  it('a notification shown is an activity entry; one suppressed by the pause is not', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T10:00'), lifetimes: shortUpstox });
    await h.addAccount('upstox');
    await h.login('upstox-main'); // dies 12:00, in the session: warnings help
    await h.advanceTo(ist('2026-12-08T11:01'));
    await h.app.handleTrayAction({ kind: 'pause-notifications' });
    await h.advanceTo(ist('2026-12-08T12:01'));
    const messages = h.app.service.listActivity('upstox-main').map((e) => e.message);
    expect(messages.filter((m) => m.startsWith('Notified: '))).toEqual([
      'Notified: Upstox · main: token expires in 1h 0m',
    ]);
    expect(messages).toContain('Token expired at 12:00 IST; log in');
  });
});
