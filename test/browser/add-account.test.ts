/**
 * A new user adds a FYERS account with the keyboard alone: broker, guide, copy the redirect URI,
 * validation, .env file, PIN opt-in, save, first login. Nothing they typed as a secret may appear
 * on the page afterwards.
 */
import { describe, expect, it } from 'vitest';
import { DashboardPage } from './dashboard-page';
import { useDemoSession } from './demo-session';
import { screenshot } from './harness';

const SECRET = 'demo-secret-NOT-REAL-7f3a';
const PIN = '4821';

const openDemo = useDemoSession();

describe('adding an account by keyboard only', () => {
  it('walks from the empty state to a logged-in FYERS account', async () => {
    const { page } = await openDemo({ query: { scenario: 'first-run' } });
    const ui = new DashboardPage(page);
    await ui.ready();

    // Empty state → dialog.
    await ui.tabTo(/^Add your first account$/);
    await page.keyboard.press('Enter');
    const dialog = ui.dialog();
    await expect.poll(() => dialog.getAttribute('aria-modal')).toBe('true');
    expect((await ui.focused()).type).toBe('radio');
    await screenshot(page, 'add-account-1-broker');

    // Continue without choosing says what to do.
    await ui.tabTo(/^Continue$/);
    await page.keyboard.press('Enter');
    await expect
      .poll(() => dialog.textContent())
      .toContain('Choose the broker your trading account is with');

    // Choose FYERS with the arrow keys (Upstox → Kite → FYERS).
    await ui.tabTo(/^Upstox/);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await dialog.getByRole('radio', { name: /FYERS/ }).isChecked()).toBe(true);
    await ui.tabTo(/^Continue$/);
    await page.keyboard.press('Enter');

    // The guide: where to register and the exact redirect URI, with a working copy button.
    await expect
      .poll(() => dialog.getByRole('heading', { level: 2 }).textContent())
      .toBe('Add a FYERS account');
    const link = dialog.getByRole('link', { name: 'FYERS developer apps page' });
    expect(await link.getAttribute('href')).toBe('https://myapi.fyers.in/dashboard');
    await ui.tabTo(/^Copy redirect URI$/);
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.getByRole('status').first().textContent()).toBe('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      'http://127.0.0.1:5055/fyers/callback',
    );

    // Saving an empty form: every problem in words, focus on the first one.
    await ui.tabTo(/^Add account$/);
    await page.keyboard.press('Enter');
    await expect.poll(() => ui.focused()).toMatchObject({ name: 'Account name' });
    const text = (await dialog.textContent()) ?? '';
    expect(text).toContain('Give the account a name');
    expect(text).toContain('Paste the App ID from your FYERS app');
    expect(text).toContain('Paste the Secret ID');
    expect(text).toContain('Choose a file');
    await screenshot(page, 'add-account-2-validation');

    // Fill it in.
    await page.keyboard.type('Swing bot');
    await ui.tabTo(/^App ID$/);
    await page.keyboard.type('XB99999-100');
    await ui.tabTo(/^Secret ID$/);
    await page.keyboard.type(SECRET);
    expect(await dialog.getByLabel('Secret ID').getAttribute('type')).toBe('password');
    await ui.tabTo(/^Choose file…$/);
    await page.keyboard.press('Enter');
    await expect
      .poll(() => dialog.getByLabel('File', { exact: true }).inputValue())
      .toBe('/home/demo/bots/bot-1/.env');

    // The preview shows the variables with the expiry a token issued now would get, never a token,
    // quoted as the exporter writes new lines (single quotes).
    const preview = dialog.getByLabel('Preview of .env file 1');
    expect(await preview.textContent()).toBe(
      "FYERS_ACCESS_TOKEN='…'\nFYERS_ACCESS_TOKEN_EXPIRES_AT='2026-11-26T00:30:00.000Z'",
    );
    await ui.tabTo(/^Also write the App ID$/);
    await page.keyboard.press('Space');
    await expect.poll(() => preview.textContent()).toContain("FYERS_API_KEY='XB99999-100'");

    // PIN opt-in: the warning is there before the box is ticked, the PIN field after.
    const remember = dialog.getByRole('checkbox', { name: /Remember my FYERS PIN/ });
    expect(await remember.getAttribute('aria-describedby')).toBeTruthy();
    expect(text).toContain('anyone with access to your unlocked session’s keychain could read it');
    await ui.tabTo(/^Remember my FYERS PIN/);
    await page.keyboard.press('Space');
    await ui.tabTo(/^FYERS PIN$/);
    await page.keyboard.type(PIN);
    await screenshot(page, 'add-account-3-filled');

    // Enter in a field submits; the dialog closes and focus lands on "Add account".
    await page.keyboard.press('Enter');
    await expect.poll(() => ui.dialog().count()).toBe(0);
    await expect.poll(() => ui.focused()).toMatchObject({ name: 'Add account' });
    const card = ui.card('Swing bot');
    await expect.poll(() => card.textContent()).toContain('No token yet · log in now for today');
    expect(await card.textContent()).toContain('/home/demo/bots/bot-1/.env');

    // The secret went to main once and is nowhere on the page.
    const save = (await ui.calls()).find((c) => c.method === 'saveAccount');
    expect(save?.request).toMatchObject({
      apiSecret: '[secret]',
      pin: '[secret]',
      config: {
        id: 'fyers-swing-bot',
        broker: 'fyers',
        label: 'Swing bot',
        apiKey: 'XB99999-100',
        storePin: true,
        exportTargets: [
          {
            kind: 'env',
            path: '/home/demo/bots/bot-1/.env',
            tokenKey: 'FYERS_ACCESS_TOKEN',
            expiresAtKey: 'FYERS_ACCESS_TOKEN_EXPIRES_AT',
            extra: { FYERS_API_KEY: 'api_key' },
          },
        ],
      },
    });
    const html = await page.content();
    expect(html).not.toContain(SECRET);
    expect(html).not.toContain(PIN);

    // First login, still by keyboard.
    await ui.tabTo(/^Log in \(Swing bot\)$/);
    await page.keyboard.press('Enter');
    await expect.poll(() => card.textContent()).toContain('Waiting for you to finish logging in');
    await expect.poll(() => card.getByText('Ready', { exact: true }).count()).toBe(1);
    // A visible confirmation, and the new token's life by FYERS's rule (next 06:00 IST).
    expect(await card.textContent()).toContain('Logged in at 08:15 IST');
    expect(await card.textContent()).toContain('Ready for today · good until 06:00 tomorrow');
    expect(await card.textContent()).toContain('Refresh now');
    await screenshot(page, 'add-account-4-logged-in');
  });

  it('keeps the stored secret when editing with the secret field left empty', async () => {
    const { page } = await openDemo({ query: { scenario: 'healthy' } });
    const ui = new DashboardPage(page);
    await ui.ready();
    await ui.card('Personal').getByRole('button', { name: 'Edit (Personal)' }).click();
    const dialog = ui.dialog();
    expect(await dialog.getByLabel('API secret').inputValue()).toBe('');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'edit-account-dark');
    await dialog.getByLabel('Account name').fill('Personal (main)');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => ui.dialog().count()).toBe(0);
    await expect.poll(() => ui.card('Personal (main)').count()).toBe(1);
    const save = (await ui.calls()).find((c) => c.method === 'saveAccount');
    expect(save?.request).not.toHaveProperty('apiSecret');
    expect(save?.request).toMatchObject({ config: { id: 'upstox-personal' } });
  });
});
