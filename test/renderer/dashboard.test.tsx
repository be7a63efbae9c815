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
  await screen.findByRole('list', { name: 'Accounts' });
  return clock;
}

function card(label: string): HTMLElement {
  return screen.getByRole('article', { name: label });
}

/** The status badge's words. */
function badge(c: HTMLElement): string | null {
  return c.querySelector('[data-status]')?.textContent ?? null;
}

describe('account list', () => {
  it('shows status, countdown, and expiry in IST and local time from the snapshot', async () => {
    const api = fakeApi(
      snapshot([account({ expiresAt: '2026-11-25T22:00:00.000Z', status: 'valid' })]),
    );
    await renderApp(api);
    const c = card('Personal');
    expect(badge(c)).toBe('Valid');
    expect(within(c).getByRole('timer')).toHaveTextContent('18h 25m 00s left');
    expect(c).toHaveTextContent('03:30 IST, Thu 26 Nov · 22:00 Wed 25 Nov (GMT)');
    expect(c).toHaveTextContent('/home/demo/bots/personal/.env as UPSTOX_ACCESS_TOKEN');
    expect(c).toHaveTextContent('eyJd…0001');
  });

  it('recomputes the colour from expiresAt as time passes, without a new snapshot', async () => {
    const api = fakeApi(snapshot([account({ expiresAt: iso(NOW + 3 * HOUR + 2000) })]));
    const clock = await renderApp(api);
    const c = card('Personal');
    expect(badge(c)).toBe('Valid');
    act(() => clock.advance(2000));
    expect(badge(c)).toBe('Expiring soon');
    act(() => clock.advance(2 * HOUR + 1));
    expect(badge(c)).toBe('About to expire');
    act(() => clock.advance(HOUR));
    expect(badge(c)).toBe('Expired');
    expect(within(c).getByRole('timer')).toHaveTextContent('Expired');
    expect(api.getSnapshot).toHaveBeenCalledTimes(1);
  });

  it('uses each account’s own thresholds', async () => {
    const api = fakeApi(
      snapshot([
        account({
          expiresAt: iso(NOW + 5 * HOUR),
          thresholds: { expiringMinutes: 360, criticalMinutes: 30, notifyMinutes: [] },
        }),
      ]),
    );
    await renderApp(api);
    expect(badge(card('Personal'))).toBe('Expiring soon');
    expect(card('Personal')).toHaveTextContent('Less than 6 h left.');
  });

  it('keeps "revoked" from main whatever the clock says', async () => {
    const api = fakeApi(
      snapshot([account({ status: 'revoked', expiresAt: iso(NOW + 10 * HOUR) })]),
    );
    await renderApp(api);
    expect(badge(card('Personal'))).toBe('Revoked');
    expect(within(card('Personal')).getByRole('timer')).toHaveTextContent('Rejected');
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
    expect(c).toHaveTextContent('03:30 IST, Thu 26 Nov');
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
    expect(screen.getByText('Personal: the broker accepts the token.')).toBeInTheDocument();
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
  it('appears for expired, revoked and failing accounts, each with its fix', async () => {
    const api = fakeApi(
      snapshot([
        account({ id: 'ok', label: 'Fine' }),
        account({ id: 'none', label: 'Fresh', status: 'none', expiresAt: null }),
        account({ id: 'exp', label: 'Old', expiresAt: iso(NOW - HOUR) }),
        account({ id: 'rev', label: 'Gone', status: 'revoked', broker: 'kite' }),
        account({
          id: 'exp2',
          label: 'Wrong key',
          lastError: {
            kind: 'bad-credentials',
            message: 'Upstox did not accept the API key or secret: check them in Edit account.',
            at: iso(NOW - MIN),
          },
        }),
      ]),
    );
    await renderApp(api);
    const banner = screen.getByRole('region', { name: '3 accounts need you' });
    const items = within(banner).getAllByRole('listitem');
    expect(items.map((i) => i.textContent)).toEqual([
      expect.stringContaining('Old (Upstox): The token expired at'),
      expect.stringContaining('Gone (Zerodha Kite): Zerodha Kite rejected the token'),
      expect.stringContaining('Wrong key (Upstox): Upstox did not accept the API key or secret'),
    ]);
    expect(within(banner).getByRole('button', { name: 'Edit account (Wrong key)' })).toBeVisible();
    await userEvent.click(within(banner).getByRole('button', { name: 'Log in (Old)' }));
    expect(api.login).toHaveBeenCalledWith({ id: 'exp' });
    expect(screen.getByRole('button', { name: /^Accounts/ })).toHaveTextContent('3 need attention');
  });

  it('is absent when every token is usable', async () => {
    const api = fakeApi(snapshot([account()]));
    await renderApp(api);
    expect(screen.queryByRole('region', { name: /need/ })).toBeNull();
    expect(screen.getByText('All tokens usable')).toBeInTheDocument();
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
