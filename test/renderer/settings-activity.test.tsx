import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../renderer/app';
import { MIN, NOW, account, fakeApi, iso, manualClock, snapshot } from './fixtures';

async function openSection(api: ReturnType<typeof fakeApi>, name: 'Settings' | 'Activity') {
  const user = userEvent.setup();
  render(<App api={api} clock={manualClock()} timeZone="Europe/London" />);
  await screen.findByRole('list', { name: 'Accounts' });
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
    expect(screen.getByText('Tue 24 Nov 2026')).toBeVisible();

    await user.click(screen.getByRole('button', { name: 'Remove Tue 24 Nov 2026' }));
    await user.type(screen.getByLabelText('Add a holiday'), '2026-12-25');
    await user.click(screen.getByRole('button', { name: 'Add' }));
    await user.type(screen.getByLabelText('Add a holiday'), '2026-12-25{Enter}');
    expect(screen.getByLabelText('Add a holiday')).toHaveAccessibleDescription(
      /Fri 25 Dec 2026 is already in the list/,
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

  it('lists each account’s notification thresholds with a way to change them', async () => {
    const api = fakeApi(
      snapshot([
        account({ thresholds: { expiringMinutes: 120, criticalMinutes: 45, notifyMinutes: [30] } }),
      ]),
    );
    const user = await openSection(api, 'Settings');
    const item = (await screen.findByText(/orange below 2 h/)).closest('li');
    expect(item).toHaveTextContent(
      'Personal (Upstox)orange below 2 h, red below 45 min, notified 30 min before expiry',
    );
    await user.click(screen.getByRole('button', { name: 'Change thresholds for Personal' }));
    expect(screen.getByRole('dialog', { name: 'Edit Personal' })).toBeVisible();
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
      expect.stringMatching(/^InfoSettings savedTokenTray · 09:00 IST, Wed 25 Nov/),
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
