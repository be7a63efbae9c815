import { configure, render, screen, waitFor, within } from '@testing-library/react';
import userEvent, { type UserEvent } from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ipcContract } from '../../shared/ipc-contract';
import { App } from '../../renderer/app';
import { HOUR, NOW, account, fakeApi, iso, manualClock, snapshot } from './fixtures';

// The dialog is loaded on first use (a separate chunk): the first open in a cold jsdom takes a while.
vi.setConfig({ testTimeout: 20_000 });
// findBy… waits for the lazily loaded view, which a loaded CPU can take more than a second to load.
configure({ asyncUtilTimeout: 10_000 });

async function setup(accounts = [account()]) {
  const api = fakeApi(snapshot(accounts));
  const user = userEvent.setup();
  render(<App api={api} clock={manualClock()} timeZone="Europe/London" />);
  // The add button shows once the first snapshot is in (list or empty state).
  await screen.findByRole('button', { name: /^Add (account|your first account)$/ });
  return { api, user };
}

async function openAdd(user: UserEvent, broker: RegExp) {
  await user.click(screen.getByRole('button', { name: /^Add (account|your first account)$/ }));
  const dialog = await screen.findByRole('dialog', { name: 'Add an account' }, { timeout: 10_000 });
  await user.click(within(dialog).getByRole('radio', { name: broker }));
  await user.click(within(dialog).getByRole('button', { name: 'Continue' }));
  return await screen.findByRole('dialog');
}

describe('add account', () => {
  it('guides to the broker’s app page and the exact redirect URI, with a copy button', async () => {
    const { user } = await setup();
    const dialog = await openAdd(user, /Zerodha Kite/);
    expect(dialog).toHaveAccessibleName('Add a Zerodha Kite account');
    expect(
      within(dialog).getByRole('link', { name: 'Zerodha Kite developer apps page' }),
    ).toHaveAttribute('href', 'https://developers.kite.trade/apps');
    expect(within(dialog).getByText('http://127.0.0.1:5055/kite/callback')).toBeVisible();
    await user.click(within(dialog).getByRole('button', { name: 'Copy redirect URI' }));
    expect(await navigator.clipboard.readText()).toBe('http://127.0.0.1:5055/kite/callback');
    expect(within(dialog).getByText('Copied')).toBeVisible();

    // The guide follows the redirect URI field, so what it says to register is what will be used.
    const redirect = within(dialog).getByLabelText('Redirect URI');
    await user.clear(redirect);
    await user.type(redirect, ' http://127.0.0.1:6000/cb ');
    // The guide shows (and copies) the URI as it will be saved: trimmed.
    expect(within(dialog).getByText(/127\.0\.0\.1:6000/, { selector: 'code' }).textContent).toBe(
      'http://127.0.0.1:6000/cb',
    );
    await user.click(within(dialog).getByRole('button', { name: 'Copy redirect URI' }));
    expect(await navigator.clipboard.readText()).toBe('http://127.0.0.1:6000/cb');
  });

  it('says what is missing, in the schemas’ words, and focuses the first problem', async () => {
    const { api, user } = await setup();
    const dialog = await openAdd(user, /Upstox/);
    // "an Upstox", and the button's words are whole.
    expect(dialog).toHaveAccessibleName('Add an Upstox account');
    expect(within(dialog).queryByText(/App ID/)).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Add account' }));
    const name = within(dialog).getByLabelText('Account name');
    expect(name).toHaveFocus();
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(name).toHaveAccessibleDescription(/Give the account a name/);
    expect(within(dialog).getByLabelText('API key')).toHaveAccessibleDescription(
      /Paste the API key from your Upstox app/,
    );
    expect(within(dialog).getByLabelText('API secret')).toHaveAccessibleDescription(
      /Paste the API secret/,
    );
    expect(within(dialog).getByLabelText('File')).toHaveAccessibleDescription(/Choose a file/);
    expect(within(dialog).getByRole('alert')).toHaveTextContent('4 fields need fixing');

    await user.clear(within(dialog).getByLabelText('“About to expire” below (minutes left)'));
    await user.type(within(dialog).getByLabelText('“About to expire” below (minutes left)'), '200');
    await user.clear(within(dialog).getByLabelText('Redirect URI'));
    await user.type(within(dialog).getByLabelText('Redirect URI'), 'localhost:5055');
    await user.click(within(dialog).getByRole('button', { name: 'Add account' }));
    expect(
      within(dialog).getByLabelText('“About to expire” below (minutes left)'),
    ).toHaveAccessibleDescription(/The red threshold must be shorter than the orange one/);
    expect(within(dialog).getByLabelText('Redirect URI')).toHaveAccessibleDescription(
      /starts with http:\/\/ or https:\/\//,
    );
    expect(api.saveAccount).not.toHaveBeenCalled();

    // Typing into a field clears its message.
    await user.type(within(dialog).getByLabelText('Account name'), 'P');
    expect(within(dialog).getByLabelText('Account name')).not.toHaveAttribute('aria-invalid');
  });

  it('sends the secret once, with a fresh id, defaults and the chosen .env file', async () => {
    const { api, user } = await setup([account({ id: 'upstox-personal' })]);
    const dialog = await openAdd(user, /Upstox/);
    await user.type(within(dialog).getByLabelText('Account name'), 'Personal');
    await user.type(within(dialog).getByLabelText('API key'), '  demo-key-1234 ');
    const secret = within(dialog).getByLabelText('API secret');
    expect(secret).toHaveAttribute('type', 'password');
    expect(secret).toHaveAttribute('autocomplete', 'off');
    await user.type(secret, 'not-a-real-secret');
    await user.click(within(dialog).getByRole('button', { name: 'Choose file…' }));
    expect(api.chooseEnvFile).toHaveBeenCalledWith({ suggestedName: '.env' });
    await waitFor(() =>
      expect(within(dialog).getByLabelText('File')).toHaveValue('/home/demo/bots/new/.env'),
    );
    // Upstox does not use a PIN: no such section.
    expect(within(dialog).queryByText(/Remember my/)).toBeNull();
    await user.click(within(dialog).getByRole('button', { name: 'Add account' }));

    expect(api.saveAccount).toHaveBeenCalledWith({
      config: {
        id: 'upstox-personal-2',
        broker: 'upstox',
        label: 'Personal',
        apiKey: 'demo-key-1234',
        redirectUri: 'http://127.0.0.1:5055/upstox/callback',
        exportTargets: [
          {
            kind: 'env',
            path: '/home/demo/bots/new/.env',
            tokenKey: 'UPSTOX_ACCESS_TOKEN',
            expiresAtKey: 'UPSTOX_ACCESS_TOKEN_EXPIRES_AT',
            extra: {},
          },
        ],
        thresholds: { expiringMinutes: 180, criticalMinutes: 60, notifyMinutes: [60, 15] },
        autoRefresh: false,
        storePin: false,
      },
      apiSecret: 'not-a-real-secret',
    });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(screen.getByRole('status', { hidden: true })).toHaveTextContent(
      'Personal added. Click Log in to get its first token.',
    );
  });

  it('keeps the form open with main’s words when saving fails', async () => {
    const { api, user } = await setup();
    api.saveAccount.mockResolvedValueOnce({
      ok: false,
      error: 'The system keychain is locked: unlock it and save again.',
    });
    const dialog = await openAdd(user, /Upstox/);
    await user.type(within(dialog).getByLabelText('Account name'), 'Other');
    await user.type(within(dialog).getByLabelText('API key'), 'k');
    await user.type(within(dialog).getByLabelText('API secret'), 's');
    await user.type(within(dialog).getByLabelText('File'), '/home/me/.env');
    await user.click(within(dialog).getByRole('button', { name: 'Add account' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('The system keychain is locked');
    expect(alert).toHaveFocus();
    expect(await screen.findByRole('dialog')).toBeVisible();
  });

  it('previews the .env lines with a placeholder token and the expiry a login now would get', async () => {
    const { user } = await setup();
    const dialog = await openAdd(user, /Upstox/);
    const preview = within(dialog).getByLabelText('Preview of .env file 1');
    // 09:05 IST on 25 Nov: an Upstox token made now dies at 03:30 IST on the 26th.
    // Quoted exactly as the exporter writes a new line (encodeEnvValue: single quotes by default).
    expect(preview).toHaveTextContent(
      "UPSTOX_ACCESS_TOKEN='…' UPSTOX_ACCESS_TOKEN_EXPIRES_AT='2026-11-25T22:00:00.000Z'",
    );
    const tokenVar = within(dialog).getByLabelText('Token variable');
    await user.clear(tokenVar);
    await user.type(tokenVar, 'BOT_TOKEN');
    expect(within(dialog).getByLabelText('Expiry variable')).toHaveValue('BOT_TOKEN_EXPIRES_AT');
    expect(preview.textContent).toBe(
      "BOT_TOKEN='…'\nBOT_TOKEN_EXPIRES_AT='2026-11-25T22:00:00.000Z'",
    );
    // Once the expiry name is edited by hand it stays as typed.
    const expiryVar = within(dialog).getByLabelText('Expiry variable');
    await user.clear(expiryVar);
    await user.type(expiryVar, 'BOT_EXP');
    await user.type(tokenVar, '2');
    expect(expiryVar).toHaveValue('BOT_EXP');
    await user.clear(expiryVar);
    await user.type(expiryVar, 'BOT_TOKEN2');
    await user.click(within(dialog).getByRole('button', { name: 'Add account' }));
    expect(expiryVar).toHaveAccessibleDescription(/Use a different name from the token variable/);
  });

  it('explains the FYERS PIN risk and asks for the PIN only when remembering it', async () => {
    const { api, user } = await setup();
    const dialog = await openAdd(user, /FYERS/);
    const remember = within(dialog).getByRole('checkbox', {
      name: 'Remember my FYERS PIN in the system keychain',
    });
    expect(remember).not.toBeChecked();
    expect(remember).toHaveAccessibleDescription(
      /anyone with access to your unlocked session’s keychain could read it/,
    );
    expect(within(dialog).queryByLabelText('FYERS PIN')).toBeNull();
    await user.click(remember);
    await user.click(within(dialog).getByRole('checkbox', { name: /Refresh automatically/ }));
    await user.type(within(dialog).getByLabelText('Account name'), 'Swing');
    await user.type(within(dialog).getByLabelText('App ID'), 'XB00000-100');
    await user.type(within(dialog).getByLabelText('Secret ID'), 's');
    await user.type(within(dialog).getByLabelText('File'), '/home/me/.env');
    await user.click(within(dialog).getByRole('button', { name: 'Add account' }));
    expect(within(dialog).getByLabelText('FYERS PIN')).toHaveAccessibleDescription(
      /Enter your 4-digit FYERS PIN/,
    );
    await user.type(within(dialog).getByLabelText('FYERS PIN'), '12a34');
    expect(within(dialog).getByLabelText('FYERS PIN')).toHaveValue('1234');
    await user.click(within(dialog).getByRole('button', { name: 'Add account' }));
    expect(api.saveAccount).toHaveBeenCalledWith(
      expect.objectContaining({
        pin: '1234',
        config: expect.objectContaining({ storePin: true, autoRefresh: true }) as unknown,
      }),
    );
  });

  it('asks Dhan for its client ID, offers renewal without a PIN, and sends both', async () => {
    const { api, user } = await setup();
    const dialog = await openAdd(user, /Dhan/);
    // Dhan renews with the live token: no PIN anywhere.
    expect(within(dialog).queryByText(/Remember my/)).toBeNull();
    await user.type(within(dialog).getByLabelText('Account name'), 'Intraday');
    await user.type(within(dialog).getByLabelText('API key'), 'dhan-app-id');
    await user.type(within(dialog).getByLabelText('API secret'), 's');
    await user.type(within(dialog).getByLabelText('File'), '/home/me/.env');
    await user.click(within(dialog).getByRole('button', { name: 'Add account' }));
    expect(api.saveAccount).not.toHaveBeenCalled();
    const clientId = within(dialog).getByLabelText('Dhan client ID');
    expect(clientId).toHaveFocus();
    expect(clientId).toHaveAccessibleDescription(/Enter the Dhan client ID/);
    await user.type(clientId, ' 1100000001 ');
    await user.click(within(dialog).getByRole('checkbox', { name: /Renew automatically/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Add account' }));
    expect(api.saveAccount).toHaveBeenCalledWith(
      expect.objectContaining({
        config: expect.objectContaining({
          broker: 'dhan',
          clientId: '1100000001',
          autoRefresh: true,
          storePin: false,
        }) as unknown,
      }),
    );
  });

  it('offers an override of a guessed cutoff (Shoonya) and checks its format', async () => {
    const { api, user } = await setup();
    const dialog = await openAdd(user, /Shoonya/);
    const cutoff = within(dialog).getByLabelText('Daily cutoff (IST, 24-hour)');
    expect(cutoff).toHaveAccessibleDescription(/Guess: Shoonya \(Finvasia\) does not document/);
    await user.type(within(dialog).getByLabelText('Account name'), 'Main');
    await user.type(within(dialog).getByLabelText('Client ID (OAuth app)'), 'FA00001_U');
    await user.type(within(dialog).getByLabelText('Secret key'), 's');
    await user.type(within(dialog).getByLabelText('File'), '/home/me/.env');
    await user.type(cutoff, '6am');
    await user.click(within(dialog).getByRole('button', { name: 'Add account' }));
    expect(api.saveAccount).not.toHaveBeenCalled();
    expect(cutoff).toHaveAccessibleDescription(/HH:MM in IST/);
    await user.clear(cutoff);
    await user.type(cutoff, '06:00');
    await user.click(within(dialog).getByRole('button', { name: 'Add account' }));
    expect(api.saveAccount).toHaveBeenCalledWith(
      expect.objectContaining({
        config: expect.objectContaining({ broker: 'shoonya', cutoffOverride: '06:00' }) as unknown,
      }),
    );
  });

  it('documented cutoffs (Upstox) have no override field', async () => {
    const { user } = await setup();
    const dialog = await openAdd(user, /Upstox/);
    expect(within(dialog).queryByLabelText('Daily cutoff (IST, 24-hour)')).toBeNull();
    expect(within(dialog).queryByLabelText(/client ID/i)).toBeNull();
  });
});

describe('edit account', () => {
  const fyers = account({
    id: 'fyers-swing',
    broker: 'fyers',
    label: 'Swing',
    apiKey: 'XB00000-100',
    hasPin: true,
    autoRefresh: true,
    canRefresh: true,
    refreshExpiresAt: iso(NOW + 100 * HOUR),
  });

  it('never shows the stored secret and keeps it (and the PIN) when left empty', async () => {
    const { api, user } = await setup([fyers]);
    await user.click(screen.getByRole('button', { name: 'Edit (Swing)' }));
    const dialog = await screen.findByRole('dialog', { name: 'Edit Swing' });
    const secret = within(dialog).getByLabelText('Secret ID');
    expect(secret).toHaveValue('');
    expect(secret).toHaveAccessibleDescription(/Leave empty to keep it/);
    expect(within(dialog).getByLabelText('FYERS PIN')).toHaveAccessibleDescription(
      /A PIN is already stored/,
    );
    await user.clear(within(dialog).getByLabelText('Warn at (minutes before expiry)'));
    await user.type(within(dialog).getByLabelText('Warn at (minutes before expiry)'), '30, 5');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    expect(api.saveAccount).toHaveBeenCalledTimes(1);
    const [input] = api.saveAccount.mock.calls[0] ?? [];
    expect(input).not.toHaveProperty('apiSecret');
    expect(input).not.toHaveProperty('pin');
    expect(input?.config).toMatchObject({
      id: 'fyers-swing',
      storePin: true,
      autoRefresh: true,
      thresholds: { expiringMinutes: 180, criticalMinutes: 60, notifyMinutes: [30, 5] },
    });
  });

  it('sends a new secret when one is typed', async () => {
    const { api, user } = await setup([fyers]);
    await user.click(screen.getByRole('button', { name: 'Edit (Swing)' }));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('Secret ID'), 'rotated-secret');
    await user.click(within(dialog).getByRole('button', { name: 'Save changes' }));
    expect(api.saveAccount).toHaveBeenCalledWith(
      expect.objectContaining({ apiSecret: 'rotated-secret' }),
    );
  });

  it('removes an account only after confirming', async () => {
    const { api, user } = await setup([fyers]);
    await user.click(screen.getByRole('button', { name: 'Edit (Swing)' }));
    await user.click(screen.getByRole('button', { name: 'Remove account…' }));
    expect(screen.getByRole('heading', { name: 'Remove Swing?' })).toBeVisible();
    expect(screen.getByRole('button', { name: 'Keep account' })).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Keep account' }));
    expect(api.forget).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Remove account…' }));
    await user.click(screen.getByRole('button', { name: 'Remove account' }));
    expect(api.forget).toHaveBeenCalledWith({ id: 'fyers-swing' });
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });
});

describe('dialog keyboard handling', () => {
  it('traps Tab inside, closes on Escape and returns focus to the opener', async () => {
    const { user } = await setup();
    const opener = screen.getByRole('button', { name: 'Add account' });
    await user.click(opener);
    const dialog = await screen.findByRole('dialog', { name: 'Add an account' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(within(dialog).getByRole('radio', { name: /Upstox/ })).toHaveFocus();
    // Everything behind the dialog is inert.
    expect(
      screen.getByRole('heading', { name: 'TokenTray', hidden: true }).closest('[inert]'),
    ).not.toBeNull();

    const seen: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      await user.tab();
      const el = document.activeElement as HTMLElement;
      expect(dialog.contains(el)).toBe(true);
      seen.push(
        el.getAttribute('aria-label') ??
          (el instanceof HTMLInputElement ? `radio ${el.value}` : (el.textContent ?? '')),
      );
    }
    // From the last button Tab wraps to the first control, never behind the dialog.
    expect(seen).toEqual(['Cancel', 'Continue', 'Close', 'radio upstox', 'Cancel']);
    await user.tab({ shift: true });
    await user.tab({ shift: true });
    expect(within(dialog).getByRole('button', { name: 'Close' })).toHaveFocus();

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(opener).toHaveFocus();
    expect(document.querySelector('[inert]')).toBeNull();
  });
});

describe('export targets in the form', () => {
  async function filled(user: UserEvent) {
    const dialog = await openAdd(user, /Upstox/);
    await user.type(within(dialog).getByLabelText('Account name'), 'Bots');
    await user.type(within(dialog).getByLabelText('API key'), 'k');
    await user.type(within(dialog).getByLabelText('API secret'), 's');
    return dialog;
  }
  const group = (dialog: HTMLElement, n: number) =>
    within(dialog).getByRole('group', { name: `.env file ${n}` });

  it('offers no more files than main accepts (10)', async () => {
    const { api, user } = await setup();
    const dialog = await filled(user);
    for (let i = 1; i < 10; i += 1) {
      await user.click(within(dialog).getByRole('button', { name: 'Add another .env file' }));
    }
    expect(within(dialog).getAllByRole('group', { name: /^\.env file \d+$/ })).toHaveLength(10);
    const add = within(dialog).getByRole('button', { name: 'Add another .env file' });
    expect(add).toHaveAttribute('aria-disabled', 'true');
    expect(add).toHaveAccessibleDescription(/most one account can write to \(10 files\)/);
    await user.click(add);
    expect(within(dialog).getAllByRole('group', { name: /^\.env file \d+$/ })).toHaveLength(10);
    for (let i = 1; i <= 10; i += 1) {
      await user.type(within(group(dialog, i)).getByLabelText('File'), `/home/me/bot${i}/.env`);
    }
    await user.click(within(dialog).getByRole('button', { name: 'Add account' }));
    expect(api.saveAccount).toHaveBeenCalledTimes(1);
  }, 60_000);

  it('keeps each file’s message on that file when an earlier one is removed', async () => {
    const { api, user } = await setup();
    const dialog = await filled(user);
    await user.click(within(dialog).getByRole('button', { name: 'Add another .env file' }));
    await user.click(within(dialog).getByRole('button', { name: 'Add another .env file' }));
    await user.type(within(group(dialog, 1)).getByLabelText('File'), '/home/me/a/.env');
    await user.type(within(group(dialog, 3)).getByLabelText('File'), '/home/me/c/.env');
    await user.click(within(dialog).getByRole('button', { name: 'Add account' }));
    expect(within(group(dialog, 2)).getByLabelText('File')).toHaveAccessibleDescription(
      /Choose a file/,
    );

    await user.click(within(group(dialog, 1)).getByRole('button', { name: /^Remove/ }));
    // The empty file (now number 1) keeps its message; the one with a path (now 2) has none.
    expect(within(group(dialog, 1)).getByLabelText('File')).toHaveValue('');
    expect(within(group(dialog, 1)).getByLabelText('File')).toHaveAttribute('aria-invalid', 'true');
    expect(within(group(dialog, 2)).getByLabelText('File')).toHaveValue('/home/me/c/.env');
    expect(within(group(dialog, 2)).getByLabelText('File')).not.toHaveAttribute('aria-invalid');
    expect(api.saveAccount).not.toHaveBeenCalled();
  });

  it('counts a bad extra variable name once, on its own field', async () => {
    const { user } = await setup();
    const dialog = await filled(user);
    await user.type(within(dialog).getByLabelText('File'), '/home/me/bot/.env');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Also write the API key' }));
    const name = within(dialog).getByLabelText('API key variable');
    await user.clear(name);
    await user.type(name, '1BAD');
    await user.click(within(dialog).getByRole('button', { name: 'Add account' }));
    expect(name).toHaveAccessibleDescription(/A variable name starts with a letter or _/);
    expect(within(dialog).getByRole('alert')).toHaveTextContent('One field needs fixing');
  });

  it('sends only keys the strict IPC contract accepts', async () => {
    const { api, user } = await setup();
    const dialog = await filled(user);
    await user.type(within(dialog).getByLabelText('File'), '/home/me/bot/.env');
    await user.click(within(dialog).getByRole('checkbox', { name: 'Also write the API key' }));
    await user.click(within(dialog).getByRole('checkbox', { name: /broker user ID/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Add account' }));
    const [input] = api.saveAccount.mock.calls[0] ?? [];
    expect(ipcContract['account:save'].request.safeParse(input).error).toBeUndefined();
  });
});
