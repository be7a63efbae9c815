import { configure, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { App } from '../../renderer/app';
import { MIN, NOW, account, fakeApi, iso, manualClock, snapshot } from './fixtures';

// Settings is loaded on first use (a separate chunk): the first open in a cold jsdom takes a while.
vi.setConfig({ testTimeout: 20_000 });
// findBy… waits for the lazily loaded view, which a loaded CPU can take more than a second to load.
configure({ asyncUtilTimeout: 10_000 });

async function openSection(api: ReturnType<typeof fakeApi>, name: 'Settings' | 'Activity') {
  const user = userEvent.setup();
  render(<App api={api} clock={manualClock()} timeZone="Europe/London" />);
  await screen.findByRole('list', { name: 'Accounts, most urgent first' });
  await user.click(screen.getByRole('button', { name }));
  expect(screen.getByRole('heading', { level: 2, name })).toHaveFocus();
  return user;
}

describe('settings', () => {
  it('loads the saved preferences and saves what the user changed', async () => {
    const api = fakeApi(snapshot([account()]), {
      preferences: { morningReminder: '08:30', holidays: ['2026-11-24'], startAtLogin: false },
    });
    const user = await openSection(api, 'Settings');
    expect(await screen.findByLabelText('Morning reminder (IST)')).toHaveValue('08:30');
    expect(screen.getByText('2026-11-24 (Tue)')).toBeVisible();

    await user.click(screen.getByRole('button', { name: 'Remove 2026-11-24 (Tue)' }));
    await user.type(screen.getByLabelText('Add a holiday'), '2026-12-25');
    await user.click(screen.getByRole('button', { name: 'Add' }));
    await user.type(screen.getByLabelText('Add a holiday'), '2026-12-25{Enter}');
    expect(screen.getByLabelText('Add a holiday')).toHaveAccessibleDescription(
      /2026-12-25 \(Fri\) is already in the list/,
    );
    await user.click(screen.getByRole('checkbox', { name: /Start TokenTray when I log in/ }));
    await user.click(screen.getByRole('radio', { name: 'Light' }));
    await user.click(screen.getByRole('button', { name: 'Save settings' }));

    expect(api.savePreferences).toHaveBeenCalledWith({
      morningReminder: '08:30',
      holidays: ['2026-12-25'],
      startAtLogin: true,
      theme: 'light',
      refreshTokenWarningDays: 2,
    });
    expect(await screen.findByText('Settings saved.')).toBeVisible();
  });

  it('asks for 24-hour HH:MM and ISO dates, never the locale’s AM/PM or mm/dd/yyyy pickers', async () => {
    const api = fakeApi(snapshot([account()]));
    const user = await openSection(api, 'Settings');
    const reminder = await screen.findByLabelText('Morning reminder (IST)');
    expect((reminder as HTMLInputElement).type).toBe('text');
    expect(reminder).toHaveAttribute('placeholder', 'HH:MM');
    expect(screen.getByLabelText('Add a holiday')).toHaveAttribute('placeholder', 'YYYY-MM-DD');
    await user.clear(reminder);
    await user.type(reminder, '8:30 AM');
    await user.type(screen.getByLabelText('Add a holiday'), '12/25/2026{Enter}');
    expect(screen.getByLabelText('Add a holiday')).toHaveAccessibleDescription(
      /Write the date as YYYY-MM-DD/,
    );
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(reminder).toHaveAccessibleDescription(/24-hour HH:MM/);
    expect(api.savePreferences).not.toHaveBeenCalled();
  });

  it('refuses values the schema refuses, with its words', async () => {
    const api = fakeApi(snapshot([account()]));
    const user = await openSection(api, 'Settings');
    const days = await screen.findByLabelText('Warn before a FYERS refresh token runs out (days)');
    await user.clear(days);
    await user.type(days, '20');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(days).toHaveAccessibleDescription(/Enter whole days from 0 to 14/);
    expect(days).toHaveFocus();
    expect(api.savePreferences).not.toHaveBeenCalled();
  });

  it('shows main’s answer when saving fails', async () => {
    const api = fakeApi(snapshot([account()]));
    api.savePreferences.mockResolvedValueOnce({
      ok: false,
      error: 'Could not write the settings file: disk full.',
    });
    const user = await openSection(api, 'Settings');
    await user.click(await screen.findByRole('button', { name: 'Save settings' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('disk full');
  });

  it('follows the OS by default, previews a theme at once, and reverts it if not saved', async () => {
    const api = fakeApi(snapshot([account()]));
    const user = await openSection(api, 'Settings');
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('system'));
    await user.click(await screen.findByRole('radio', { name: 'Dark' }));
    expect(document.documentElement.dataset.theme).toBe('dark');
    await user.click(screen.getByRole('button', { name: /^Accounts/ }));
    expect(document.documentElement.dataset.theme).toBe('system');
  });

  it('lists each account’s thresholds in words that match what the app does', async () => {
    const api = fakeApi(
      snapshot([
        account({ thresholds: { expiringMinutes: 120, criticalMinutes: 45, notifyMinutes: [30] } }),
      ]),
    );
    const user = await openSection(api, 'Settings');
    const item = (await screen.findByText(/“expiring soon” from 2h left/)).closest('li');
    // The words say what the app does: a warning only when a login then would outlast the token.
    expect(item).toHaveTextContent(
      'Personal (Upstox)“expiring soon” from 2h left, “about to expire” below 45m; warned 30m before expiry only when a login then would outlast the token',
    );
    expect(screen.getByText(/Upstox and Kite tokens die at a fixed time/)).toBeVisible();
    await user.click(screen.getByRole('button', { name: 'Change thresholds for Personal' }));
    expect(await screen.findByRole('dialog', { name: 'Edit Personal' })).toBeVisible();
  });
});

describe('activity log', () => {
  const entries = [
    {
      at: iso(NOW - 30 * MIN),
      accountId: 'upstox-personal',
      level: 'info' as const,
      message: 'Logged in as DEMO USER',
    },
    {
      at: iso(NOW - 10 * MIN),
      accountId: 'upstox-personal',
      level: 'error' as const,
      message: 'Export to /home/demo/.env failed: permission denied',
    },
    { at: iso(NOW - 5 * MIN), accountId: null, level: 'info' as const, message: 'Settings saved' },
  ];

  it('shows events newest first with level, account and time', async () => {
    const api = fakeApi(snapshot([account()]), { activity: entries });
    await openSection(api, 'Activity');
    const list = await screen.findByRole('list', { name: 'Events, newest first' });
    const items = within(list).getAllByRole('listitem');
    expect(items.map((i) => i.textContent)).toEqual([
      expect.stringMatching(
        /^InfoSettings savedTokenTray · 09:00 IST Wed 2026-11-25 · 03:30 Wed 2026-11-25 \(GMT\)$/,
      ),
      expect.stringMatching(/^ErrorExport to .* permission deniedPersonal \(Upstox\) · 08:55 IST/),
      expect.stringMatching(/^InfoLogged in as DEMO USERPersonal \(Upstox\) · 08:35 IST/),
    ]);
    expect(api.listActivity).toHaveBeenCalledWith({ limit: 200 });
  });

  it('filters by account and reloads when main publishes', async () => {
    const api = fakeApi(snapshot([account()]), { activity: entries });
    const user = await openSection(api, 'Activity');
    await user.selectOptions(await screen.findByLabelText('Show'), 'Personal (Upstox)');
    expect(api.listActivity).toHaveBeenLastCalledWith({ id: 'upstox-personal', limit: 200 });
    const calls = api.listActivity.mock.calls.length;
    api.push(snapshot([account({ lastValidatedAt: iso(NOW) })], NOW + 1000));
    await waitFor(() => expect(api.listActivity.mock.calls.length).toBe(calls + 1));
  });

  it('says so when there is nothing yet', async () => {
    const api = fakeApi(snapshot([account()]));
    await openSection(api, 'Activity');
    expect(await screen.findByText('Nothing has happened yet.')).toBeVisible();
  });
});
