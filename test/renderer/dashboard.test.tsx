import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../renderer/app';
import { systemClock } from '../../renderer/clock';
import {
  HOUR,
  MIN,
  NOW,
  account,
  fakeApi,
  iso,
  manualClock,
  setVisibility,
  snapshot,
} from './fixtures';

afterEach(() => {
  vi.useRealTimers();
  setVisibility('visible');
});

async function renderApp(api: ReturnType<typeof fakeApi>, clock = manualClock()) {
  render(<App api={api} clock={clock} timeZone="Europe/London" />);
  await screen.findByRole('list', { name: 'Accounts, most urgent first' });
  return clock;
}

function card(label: string): HTMLElement {
  return screen.getByRole('article', { name: label });
}

/** The readiness badge's words. */
function badge(c: HTMLElement): string | null {
  return c.querySelector('.status-badge')?.textContent ?? null;
}

/** 02:45 IST on Wed 2026-11-25, and the Upstox cutoff that follows it. */
const AT_0245 = Date.parse('2026-11-24T21:15:00.000Z');
const UPSTOX_0330 = '2026-11-24T22:00:00.000Z';

describe('account list', () => {
  it('shows readiness, countdown, and expiry in IST and local time from the snapshot', async () => {
    const api = fakeApi(snapshot([account()]));
    await renderApp(api);
    const c = card('Personal');
    expect(badge(c)).toBe('Ready');
    expect(c).toHaveAttribute('data-readiness', 'ready');
    expect(within(c).getByRole('timer')).toHaveTextContent('18h 25m 00s left');
    expect(c).toHaveTextContent('Ready for today · good until 03:30 tomorrow');
    expect(c).toHaveTextContent('03:30 IST Thu 2026-11-26 · 22:00 Wed 2026-11-25 (GMT)');
    expect(c).toHaveTextContent('/home/demo/bots/personal/.env as UPSTOX_ACCESS_TOKEN');
    expect(c).toHaveTextContent('eyJ0…k3Xq');
  });

  it('at 02:45 a valid Upstox token is not red: good until 03:30, log in after 03:30', async () => {
    const api = fakeApi(
      snapshot([account({ expiresAt: UPSTOX_0330, status: 'critical' })], AT_0245),
    );
    const clock = await renderApp(api, manualClock(AT_0245));
    const c = card('Personal');
    expect(badge(c)).toBe('Log in later');
    expect(c).toHaveClass('tone-info');
    expect(c).not.toHaveClass('tone-danger');
    expect(c).toHaveTextContent(
      'Good until 03:30 · log in after 03:30 for today — reminder at 08:30',
    );
    // Nothing to do yet: no banner, no badge, no highlighted Log in.
    expect(screen.queryByRole('region', { name: /need/ })).toBeNull();
    expect(screen.getByRole('button', { name: /^Accounts/ })).toHaveTextContent(/^Accounts$/);
    expect(within(c).getByRole('button', { name: 'Log in (Personal)' })).not.toHaveClass(
      'button-primary',
    );
    expect(screen.getByText(/Nothing to do yet: 1 account to log in later/)).toBeInTheDocument();

    // 03:30:01: now a login lasts through the session: amber while 09:15 is hours away…
    act(() => clock.set(Date.parse(UPSTOX_0330) + 1000));
    expect(badge(c)).toBe('Log in now');
    expect(c).toHaveClass('tone-warn');
    expect(c).toHaveTextContent('Expired at 03:30 · log in now for today (market opens 09:15)');
    expect(within(c).getByRole('button', { name: 'Log in (Personal)' })).toHaveClass(
      'button-primary',
    );
    expect(screen.getByRole('region', { name: '1 account needs you' })).toBeVisible();
    // …red from an hour before the open.
    act(() => clock.set(Date.parse('2026-11-25T02:45:00.000Z')));
    expect(c).toHaveClass('tone-danger');
    expect(api.getSnapshot).toHaveBeenCalledTimes(1);
  });

  it('names the token’s own state with each account’s thresholds', async () => {
    const api = fakeApi(
      snapshot([
        account({
          expiresAt: iso(NOW + 5 * HOUR),
          thresholds: { expiringMinutes: 360, criticalMinutes: 30, notifyMinutes: [] },
        }),
      ]),
    );
    await renderApp(api);
    expect(card('Personal')).toHaveTextContent('eyJ0…k3Xq expiring soon');
  });

  it('shows a revoked token as revoked, with no expiry that looks good', async () => {
    const api = fakeApi(
      snapshot([
        account({
          broker: 'kite',
          status: 'revoked',
          tokenMasked: 'q8Zm…3kP1',
          expiresAt: '2026-11-26T00:30:00.000Z',
          lastError: {
            kind: 'revoked',
            message: 'Zerodha Kite rejected the token. Click Log in to get a new one.',
            at: iso(NOW - 10 * MIN),
          },
        }),
      ]),
    );
    await renderApp(api);
    const c = card('Personal');
    expect(badge(c)).toBe('Revoked');
    expect(within(c).getByRole('timer')).toHaveTextContent('No usable token');
    expect(c).toHaveTextContent('Zerodha Kite rejected the token: log in again for today');
    expect(c).toHaveTextContent('Rejected08:55 IST Wed 2026-11-25');
    expect(c).not.toHaveTextContent('06:00 IST Thu 2026-11-26');
    expect(c).not.toHaveTextContent('left');
    // The badge and the headline do not contradict each other.
    expect(c).not.toHaveTextContent('Rejected by');
    // The detail is said once on the card (the banner says it in short).
    expect(within(c).getAllByRole('alert')).toHaveLength(1);
  });

  it('lists the most urgent account first, and header, badge and banner count the same', async () => {
    const api = fakeApi(
      snapshot([
        account({ id: 'ok', label: 'Fine' }),
        account({ id: 'exp', label: 'Old', expiresAt: iso(NOW - HOUR) }),
        account({ id: 'rev', label: 'Gone', status: 'revoked', broker: 'kite' }),
        account({
          id: 'fy',
          label: 'Swing',
          broker: 'fyers',
          expiresAt: iso(NOW - HOUR),
          lastError: {
            kind: 'broker-down',
            message: 'FYERS did not answer the automatic refresh.',
            at: iso(NOW - MIN),
          },
        }),
      ]),
    );
    await renderApp(api);
    const order = screen.getAllByRole('article').map((a) => a.querySelector('h3')?.textContent);
    expect(order).toEqual(['Gone', 'Swing', 'Old', 'Fine']);
    expect(screen.getByText(/^3 of 4 accounts need you/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /^Accounts/ })).toHaveTextContent('3 need you');
    const banner = screen.getByRole('region', { name: '3 accounts need you' });
    expect(within(banner).getAllByRole('listitem')).toHaveLength(3);
    // The red FYERS card is in the banner too.
    expect(banner).toHaveTextContent('Swing (FYERS)');
  });

  it('ticks every second only while the window is visible', async () => {
    vi.useFakeTimers({ now: NOW, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const api = fakeApi(snapshot([account({ expiresAt: iso(NOW + 2 * HOUR) })]));
    render(<App api={api} clock={systemClock} timeZone="Europe/London" />);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(0);
    });
    const timer = within(card('Personal')).getByRole('timer');
    expect(timer).toHaveTextContent('2h 00m 00s left');
    await act(async () => {
      await vi.advanceTimersByTimeAsync(1000);
    });
    expect(timer).toHaveTextContent('1h 59m 59s left');

    act(() => setVisibility('hidden'));
    expect(vi.getTimerCount()).toBe(0);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(10_000);
    });
    expect(timer).toHaveTextContent('1h 59m 59s left');

    // Shown again: the time is read at once, not on the next tick.
    act(() => setVisibility('visible'));
    expect(timer).toHaveTextContent('1h 59m 49s left');
    expect(vi.getTimerCount()).toBe(1);
  });

  it('takes new snapshots pushed by main and unsubscribes on unmount', async () => {
    const api = fakeApi(snapshot([account()]));
    const { unmount } = render(<App api={api} clock={manualClock()} timeZone="Asia/Kolkata" />);
    await screen.findByRole('article', { name: 'Personal' });
    act(() =>
      api.push(
        snapshot([account(), account({ id: 'kite-x', broker: 'kite', label: 'Options' })], NOW + 1),
      ),
    );
    expect(screen.getByRole('article', { name: 'Options' })).toHaveTextContent('Zerodha Kite');
    unmount();
    expect(api.listenerCount()).toBe(0);
  });

  it('does not let a late first answer overwrite a newer pushed snapshot', async () => {
    const api = fakeApi(snapshot([account()]));
    let answer: (s: ReturnType<typeof snapshot>) => void = () => {};
    api.getSnapshot.mockReturnValueOnce(new Promise((r) => (answer = r)));
    render(<App api={api} clock={manualClock()} />);
    act(() => api.push(snapshot([account({ label: 'Renamed' })], NOW + 5)));
    expect(await screen.findByRole('article', { name: 'Renamed' })).toBeVisible();
    const late = snapshot([account()], NOW);
    answer(late);
    await act(() => Promise.resolve(late));
    expect(screen.getByRole('article', { name: 'Renamed' })).toBeVisible();
    expect(screen.queryByRole('article', { name: 'Personal' })).toBeNull();
  });

  it('shows only IST when the user lives in IST', async () => {
    const api = fakeApi(snapshot([account({ expiresAt: '2026-11-25T22:00:00.000Z' })]));
    render(<App api={api} clock={manualClock()} timeZone="Asia/Kolkata" />);
    const c = await screen.findByRole('article', { name: 'Personal' });
    expect(c).toHaveTextContent('03:30 IST Thu 2026-11-26');
    expect(c).not.toHaveTextContent('(GMT');
  });
});

describe('actions', () => {
  it('offers Refresh now only where the broker can refresh', async () => {
    const api = fakeApi(
      snapshot([
        account(),
        account({
          id: 'fyers-swing',
          broker: 'fyers',
          label: 'Swing',
          canRefresh: true,
          hasPin: true,
          refreshExpiresAt: iso(NOW + 9 * 24 * HOUR),
        }),
      ]),
    );
    await renderApp(api);
    expect(within(card('Personal')).queryByRole('button', { name: /Refresh now/ })).toBeNull();
    await userEvent.click(
      within(card('Swing')).getByRole('button', { name: 'Refresh now (Swing)' }),
    );
    expect(api.refresh).toHaveBeenCalledWith({ id: 'fyers-swing' });
  });

  it('calls main for Log in, Validate and Open .env folder, and shows a failure in words', async () => {
    const api = fakeApi(snapshot([account()]));
    api.login.mockResolvedValueOnce({
      ok: false,
      error: 'The login window was closed before the login finished. Click Log in to try again.',
    });
    await renderApp(api);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Log in (Personal)' }));
    expect(api.login).toHaveBeenCalledWith({ id: 'upstox-personal' });
    expect(await within(card('Personal')).findByRole('alert')).toHaveTextContent(
      'The login window was closed before the login finished',
    );
    await user.click(screen.getByRole('button', { name: 'Validate (Personal)' }));
    expect(api.validate).toHaveBeenCalledWith({ id: 'upstox-personal' });
    await user.click(screen.getByRole('button', { name: 'Open .env folder (Personal)' }));
    expect(api.openExportFolder).toHaveBeenCalledWith({ id: 'upstox-personal' });
  });

  it('drops a failed command’s message once a newer token arrives', async () => {
    const api = fakeApi(snapshot([account()]));
    api.validate.mockResolvedValueOnce({
      ok: false,
      error: 'Upstox did not answer in time. Try again in a minute.',
    });
    await renderApp(api);
    await userEvent.click(screen.getByRole('button', { name: 'Validate (Personal)' }));
    expect(await within(card('Personal')).findByRole('alert')).toHaveTextContent(
      'Upstox did not answer in time',
    );
    // A snapshot that changes nothing about the token keeps the message…
    act(() => api.push(snapshot([account({ userName: 'RENAMED' })], NOW + 1000)));
    expect(within(card('Personal')).getByRole('alert')).toHaveTextContent(
      'Upstox did not answer in time',
    );
    // …a login or refresh (here the scheduler's) makes it stale.
    act(() =>
      api.push(
        snapshot(
          [account({ issuedAt: iso(NOW + 2000), lastRefreshAt: iso(NOW + 2000) })],
          NOW + 2000,
        ),
      ),
    );
    expect(within(card('Personal')).queryByRole('alert')).toBeNull();
  });

  it('turns an IPC failure into a message instead of crashing', async () => {
    const api = fakeApi(snapshot([account()]));
    api.validate.mockRejectedValueOnce(new Error('channel closed'));
    await renderApp(api);
    await userEvent.click(screen.getByRole('button', { name: 'Validate (Personal)' }));
    expect(await within(card('Personal')).findByRole('alert')).toHaveTextContent(
      "TokenTray's background process did not answer (channel closed)",
    );
  });

  it('blocks the buttons of a busy account and says what it is waiting for', async () => {
    const api = fakeApi(snapshot([account({ busy: 'login' })]));
    await renderApp(api);
    const c = card('Personal');
    expect(c).toHaveAttribute('aria-busy', 'true');
    expect(c).toHaveTextContent(
      'Waiting for you to finish logging in to Upstox in the login window',
    );
    const login = within(c).getByRole('button', { name: 'Log in (Personal)' });
    expect(login).toHaveAttribute('aria-disabled', 'true');
    await userEvent.click(login);
    expect(api.login).not.toHaveBeenCalled();
  });

  it('shows the account as busy from the click until main answers', async () => {
    let answer: (r: { ok: true }) => void = () => {};
    const api = fakeApi(snapshot([account()]));
    api.validate.mockReturnValueOnce(new Promise((r) => (answer = r)));
    await renderApp(api);
    await userEvent.click(screen.getByRole('button', { name: 'Validate (Personal)' }));
    expect(card('Personal')).toHaveTextContent('Checking the token with Upstox');
    answer({ ok: true });
    await waitFor(() => expect(card('Personal')).not.toHaveTextContent('Checking the token'));
    // A visible confirmation on the card, not only for screen readers.
    expect(within(card('Personal')).getByRole('status')).toHaveTextContent(
      'Checked at 09:05 IST: Upstox accepts the token.',
    );
  });

  it('asks for the FYERS PIN when it is not remembered, and sends it with that refresh only', async () => {
    const swing = account({
      id: 'fyers-swing',
      broker: 'fyers',
      label: 'Swing',
      canRefresh: true,
      hasPin: false,
      refreshExpiresAt: iso(NOW + 9 * 24 * HOUR),
    });
    const api = fakeApi(snapshot([swing]));
    await renderApp(api);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Refresh now (Swing)' }));
    const dialog = screen.getByRole('dialog', { name: 'Refresh Swing' });
    const pin = within(dialog).getByLabelText('FYERS PIN');
    expect(pin).toHaveFocus();
    expect(pin).toHaveAttribute('type', 'password');
    await user.type(pin, '12');
    await user.keyboard('{Enter}');
    expect(within(dialog).getByText('The FYERS PIN is 4 digits')).toBeInTheDocument();
    expect(api.refresh).not.toHaveBeenCalled();
    await user.type(pin, '34{Enter}');
    expect(api.refresh).toHaveBeenCalledWith({ id: 'fyers-swing', pin: '1234' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

describe('attention banner', () => {
  it('lists every account that needs you, each with its fix, in the shared words', async () => {
    const api = fakeApi(
      snapshot([
        account({ id: 'ok', label: 'Fine' }),
        account({ id: 'none', label: 'Fresh', status: 'none', expiresAt: null }),
        account({ id: 'exp', label: 'Old', expiresAt: iso(NOW - HOUR) }),
        account({ id: 'rev', label: 'Gone', status: 'revoked', broker: 'kite' }),
        account({
          id: 'exp2',
          label: 'Wrong key',
          expiresAt: iso(NOW - HOUR),
          lastError: {
            kind: 'bad-credentials',
            message: 'Upstox did not accept the API key or secret: check them in Edit account.',
            at: iso(NOW - MIN),
          },
        }),
      ]),
    );
    await renderApp(api);
    const banner = screen.getByRole('region', { name: '4 accounts need you' });
    const items = within(banner).getAllByRole('listitem');
    expect(items.map((i) => i.textContent)).toEqual([
      expect.stringContaining('Gone (Zerodha Kite): Zerodha Kite rejected the token'),
      expect.stringContaining(
        "Wrong key (Upstox): Upstox did not accept the app's key or secret: check them in Edit account",
      ),
      expect.stringContaining('Fresh (Upstox): No token yet · log in now for today'),
      expect.stringContaining('Old (Upstox): Expired at 08:05 · log in now for today'),
    ]);
    expect(within(banner).getByRole('button', { name: 'Edit account (Wrong key)' })).toBeVisible();
    await userEvent.click(within(banner).getByRole('button', { name: 'Log in (Old)' }));
    expect(api.login).toHaveBeenCalledWith({ id: 'exp' });
    expect(screen.getByRole('button', { name: /^Accounts/ })).toHaveTextContent('4 need you');
  });

  it('is absent when every account is ready', async () => {
    const api = fakeApi(snapshot([account()]));
    await renderApp(api);
    expect(screen.queryByRole('region', { name: /need/ })).toBeNull();
    expect(screen.getByText(/^The account is ready · next session today/)).toBeInTheDocument();
  });

  it('offers Refresh now for an expired FYERS token that can still be refreshed', async () => {
    const api = fakeApi(
      snapshot([
        account({
          id: 'fyers-swing',
          broker: 'fyers',
          label: 'Swing',
          expiresAt: iso(NOW - HOUR),
          canRefresh: true,
          hasPin: true,
          refreshExpiresAt: iso(NOW + 24 * HOUR),
        }),
      ]),
    );
    await renderApp(api);
    const banner = screen.getByRole('region', { name: '1 account needs you' });
    await userEvent.click(within(banner).getByRole('button', { name: 'Refresh now (Swing)' }));
    expect(api.refresh).toHaveBeenCalledWith({ id: 'fyers-swing' });
  });

  it('Log in all asks main to queue the logins and shows its progress', async () => {
    const two = [
      account({ id: 'exp', label: 'Old', expiresAt: iso(NOW - HOUR) }),
      account({ id: 'kite-a', label: 'Options', broker: 'kite', expiresAt: iso(NOW - HOUR) }),
    ];
    const base = fakeApi(snapshot(two));
    const loginAll = vi.fn(() => Promise.resolve({ ok: true as const, queued: ['exp', 'kite-a'] }));
    const api = { ...base, loginAll };
    await renderApp(api);
    await userEvent.click(screen.getByRole('button', { name: 'Log in all (2)' }));
    expect(loginAll).toHaveBeenCalledTimes(1);
    expect(api.login).not.toHaveBeenCalled();
    const queue = {
      accountIds: ['exp', 'kite-a'],
      current: 'kite-a',
      done: 1,
      total: 2,
      loggedIn: 1,
      cancelled: 0,
      failed: 0,
    };
    act(() => base.push({ ...snapshot(two, NOW + 1), loginQueue: queue }));
    expect(screen.getByText(/Logging in 2 of 2: Options/)).toBeInTheDocument();
    act(() =>
      base.push({ ...snapshot(two, NOW + 2), loginQueue: { ...queue, current: null, done: 2 } }),
    );
    expect(screen.getByText('Log in all finished: 1 of 2 logged in.')).toBeInTheDocument();
  });

  it('without main’s queue, opens the logins one after another', async () => {
    const two = [
      account({ id: 'exp', label: 'Old', expiresAt: iso(NOW - HOUR) }),
      account({ id: 'kite-a', label: 'Options', broker: 'kite', expiresAt: iso(NOW - HOUR) }),
    ];
    const api = fakeApi(snapshot(two));
    const answers: ((r: { ok: true }) => void)[] = [];
    api.login.mockImplementation(() => new Promise((r) => answers.push(r)));
    await renderApp(api);
    await userEvent.click(screen.getByRole('button', { name: 'Log in all (2)' }));
    expect(api.login).toHaveBeenCalledTimes(1);
    expect(api.login).toHaveBeenLastCalledWith({ id: 'exp' });
    expect(screen.getByText(/Logging in 1 of 2: Old/)).toBeInTheDocument();
    await act(() => {
      answers[0]?.({ ok: true });
      return Promise.resolve();
    });
    await waitFor(() => expect(api.login).toHaveBeenCalledTimes(2));
    expect(api.login).toHaveBeenLastCalledWith({ id: 'kite-a' });
    await act(() => {
      answers[1]?.({ ok: true });
      return Promise.resolve();
    });
    expect(await screen.findByText('Log in all finished: 2 of 2 logged in.')).toBeInTheDocument();
  });
});

describe('cancel during login', () => {
  it('offers Cancel while the login window is open and confirms it without an error', async () => {
    let answer: (r: { ok: false; error: string }) => void = () => {};
    const base = fakeApi(snapshot([account({ expiresAt: iso(NOW - HOUR) })]));
    const cancelLogin = vi.fn(() => Promise.resolve({ ok: true as const }));
    const api = { ...base, cancelLogin };
    api.login.mockReturnValueOnce(new Promise((r) => (answer = r)));
    await renderApp(api);
    await userEvent.click(
      within(card('Personal')).getByRole('button', { name: 'Log in (Personal)' }),
    );
    act(() =>
      base.push(snapshot([account({ expiresAt: iso(NOW - HOUR), busy: 'login' })], NOW + 1)),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Cancel login (Personal)' }));
    expect(cancelLogin).toHaveBeenCalledWith({ id: 'upstox-personal' });
    answer({ ok: false, error: 'The login was cancelled.' });
    act(() => base.push(snapshot([account({ expiresAt: iso(NOW - HOUR) })], NOW + 2)));
    const c = card('Personal');
    expect(await within(c).findByText(/Login cancelled at 09:05 IST/)).toBeVisible();
    expect(within(c).queryByRole('alert')).toBeNull();
  });

  it('has no Cancel button when main offers no cancel', async () => {
    const api = fakeApi(snapshot([account({ busy: 'login' })]));
    await renderApp(api);
    expect(screen.queryByRole('button', { name: /Cancel login/ })).toBeNull();
  });
});

describe('without the preload', () => {
  it('explains what is wrong instead of crashing', () => {
    render(<App api={undefined} />);
    expect(
      screen.getByRole('heading', { name: 'TokenTray cannot reach its background process' }),
    ).toBeInTheDocument();
    expect(screen.getByText(/Quit TokenTray from the tray icon and start it again/)).toBeVisible();
  });

  it('says so and offers a retry when the first snapshot fails', async () => {
    const api = fakeApi(snapshot([account()]));
    api.getSnapshot.mockRejectedValueOnce(new Error('no handler for snapshot:get'));
    render(<App api={api} clock={manualClock()} />);
    expect(await screen.findByRole('alert')).toHaveTextContent('did not answer');
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(screen.getByRole('article', { name: 'Personal' })).toBeVisible());
  });
});
