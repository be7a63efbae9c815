/**
 * The built dashboard in Chromium under its real CSP, fed by the demo bridge: every status, the
 * banner's one-click fix, the live countdown, settings, activity, light and dark. A screenshot of each
 * state goes to test-artifacts/screenshots/.
 */
import { describe, expect, it } from 'vitest';
import { DashboardPage } from './dashboard-page';
import { useDemoSession } from './demo-session';
import { screenshot, type OpenOptions } from './harness';

const openDemo = useDemoSession();

async function start(options: OpenOptions): Promise<DashboardPage> {
  const ui = new DashboardPage((await openDemo(options)).page);
  await ui.ready();
  return ui;
}

/** Market hours, 10:05 IST Wed 2026-11-25, most urgent first: [label, badge, countdown]. */
const ALL_STATES: readonly [label: string, badge: string, countdown: string][] = [
  ['Intraday', 'Revoked', 'No usable token'],
  ['Options bot', 'Log in now', 'Expired'],
  ['Family', 'Log in now', 'Expired'],
  ['New app', 'Log in now', 'No token'],
  ['Personal', 'Ready', '17h 25m 00s left'],
  ['Swing', 'Ready', '19h 55m 00s left'],
];

async function background(ui: DashboardPage): Promise<string> {
  return ui.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
}

describe('dashboard in Chromium', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`shows every readiness in words, colour and countdown, most urgent first (${scheme})`, async () => {
      const ui = await start({ query: { scenario: 'all-states' }, colorScheme: scheme });
      for (const [label, badge, countdown] of ALL_STATES) {
        const card = ui.card(label);
        expect(await card.locator('.status-badge').textContent(), label).toBe(badge);
        expect(await card.getByRole('timer').textContent(), label).toBe(countdown);
      }
      const order = await ui.page.locator('.account-card h3').allTextContents();
      expect(order).toEqual(ALL_STATES.map(([label]) => label));
      // Expiry in IST and in the user's zone (the test browser runs in Europe/London).
      expect(await ui.card('Personal').textContent()).toContain(
        '03:30 IST Thu 2026-11-26 · 22:00 Wed 2026-11-25 (GMT)',
      );
      // Refresh only where the broker allows it.
      expect(
        await ui
          .card('Swing')
          .getByRole('button', { name: /^Refresh now/ })
          .count(),
      ).toBe(1);
      expect(
        await ui
          .card('Personal')
          .getByRole('button', { name: /^Refresh now/ })
          .count(),
      ).toBe(0);
      // Header, badge and banner count the same four accounts.
      const banner = ui.banner();
      expect(await banner.getByRole('listitem').count()).toBe(4);
      expect(await ui.nav('Accounts').textContent()).toContain('4 need you');
      expect(await ui.page.locator('.summary').textContent()).toMatch(/^4 of 6 accounts need you/);
      expect(await banner.textContent()).toContain(
        'Options bot (Zerodha Kite): Expired at 06:00 · the market is open: log in now',
      );
      expect(await background(ui)).toBe(
        scheme === 'dark' ? 'rgb(15, 18, 23)' : 'rgb(244, 245, 247)',
      );
      await screenshot(ui.page, `accounts-all-states-${scheme}`);
    });
  }

  it('fits a 360 px window without losing anything', async () => {
    const ui = await start({
      query: { scenario: 'all-states' },
      viewport: { width: 360, height: 800 },
    });
    const overflow = await ui.page.evaluate(
      () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
    );
    expect(overflow).toBe(false);
    await screenshot(ui.page, 'accounts-narrow');
  });

  it('shows busy and failing accounts with the fix in words', async () => {
    const ui = await start({ query: { scenario: 'problems' } });
    const personal = ui.card('Personal');
    expect(await personal.getAttribute('aria-busy')).toBe('true');
    expect(await personal.textContent()).toContain(
      'Waiting for you to finish logging in to Upstox in the login window',
    );
    expect(
      await personal
        .getByRole('button', { name: 'Log in (Personal)' })
        .getAttribute('aria-disabled'),
    ).toBe('true');
    const options = ui.card('Options bot');
    expect(await options.getByRole('alert').textContent()).toContain(
      'choose a file you can write to in Edit account',
    );
    // The banner offers the fix that matches each problem, most urgent first.
    const banner = ui.banner();
    expect(await banner.getByRole('listitem').getByRole('button').allTextContents()).toEqual([
      'Refresh now (Swing)',
      'Log in (Intraday)',
      'Edit account (Family)',
      'Refresh now (Algo)',
      'Edit account (Options bot)',
      'Log in (Personal)',
    ]);
    await screenshot(ui.page, 'accounts-problems-light');
    await ui.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(ui.page, 'accounts-problems-dark');
  });

  it('renews from the banner in one click and the banner clears', async () => {
    const ui = await start({ query: { scenario: 'morning' } });
    const banner = ui.banner();
    expect(await banner.getByRole('listitem').count()).toBe(3);
    await screenshot(ui.page, 'morning-banner');

    await banner.getByRole('button', { name: 'Log in (Personal)' }).click();
    await expect.poll(() => ui.card('Personal').textContent()).toContain('Waiting for you');
    await expect
      .poll(() => ui.card('Personal').locator('.status-badge').textContent())
      .toBe('Ready');
    // The new token dies at the next 03:30 IST, as Upstox's do; the click is confirmed.
    expect(await ui.card('Personal').textContent()).toContain('03:30 IST Thu 2026-11-26');
    expect(await ui.card('Personal').getByRole('status').textContent()).toContain(
      'Logged in at 08:40 IST',
    );

    // FYERS with a remembered PIN refreshes without a prompt.
    await banner.getByRole('button', { name: 'Refresh now (Swing)' }).click();
    await expect.poll(() => ui.card('Swing').locator('.status-badge').textContent()).toBe('Ready');
    await expect.poll(() => banner.getByRole('listitem').count()).toBe(1);
    expect(await ui.nav('Accounts').textContent()).toContain('1 need you');
    const calls = (await ui.calls()).map((c) => c.method);
    expect(calls).toContain('login');
    expect(calls).toContain('refresh');
  });

  it('asks for the FYERS PIN when it is not remembered; Escape cancels and returns focus', async () => {
    // 05:20: Swing refreshes by hand (no PIN remembered).
    const ui = await start({ query: { scenario: 'early-0520' } });
    const refresh = ui.card('Swing').getByRole('button', { name: 'Refresh now (Swing)' });
    await refresh.focus();
    await ui.page.keyboard.press('Enter');
    const dialog = ui.dialog();
    await expect.poll(() => ui.focused()).toMatchObject({ name: 'FYERS PIN' });
    await screenshot(ui.page, 'pin-prompt');
    await ui.page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => ui.focused()).toMatchObject({ name: 'Refresh now (Swing)' });
    expect((await ui.calls()).some((c) => c.method === 'refresh')).toBe(false);

    await ui.page.keyboard.press('Enter');
    await ui.page.keyboard.type('12');
    await ui.page.keyboard.press('Enter');
    expect(await dialog.textContent()).toContain('The FYERS PIN is 4 digits');
    await ui.page.keyboard.type('34');
    await ui.page.keyboard.press('Enter');
    await expect.poll(() => dialog.count()).toBe(0);
    // Confirmed on the card; at 05:20 a FYERS token still dies at 06:00, so it still says so.
    await expect
      .poll(() => ui.card('Swing').getByRole('status').textContent())
      .toContain('Renewed at 05:20 IST');
    expect(await ui.card('Swing').locator('.readiness-line').textContent()).toBe(
      'Good until 06:00 · log in after 06:00 for today — reminder at 08:30',
    );
    const refreshCall = (await ui.calls()).find((c) => c.method === 'refresh');
    expect(refreshCall?.request).toEqual({ id: 'fyers-swing', pin: '[secret]' });
  });

  it('counts down every second from expiresAt without moving the layout', async () => {
    const ui = await start({ query: { scenario: 'healthy' } });
    const timer = ui.card('Personal').getByRole('timer');
    expect(await timer.textContent()).toBe('16h 30m 00s left');
    const boxes = () =>
      ui.page.evaluate(() =>
        // The countdown's box inside its card (the header may change as the session passes).
        [...document.querySelectorAll('.countdown')].map((el) => {
          const r = el.getBoundingClientRect();
          const c = el.closest('.account-card')?.getBoundingClientRect();
          return [r.x - (c?.x ?? 0), r.y - (c?.y ?? 0), r.width, r.height]
            .map((n) => Math.round(n * 10) / 10)
            .join(',');
        }),
      );
    const before = await boxes();
    await ui.advance(1000);
    await expect.poll(() => timer.textContent()).toBe('16h 29m 59s left');
    // From two-digit to one-digit hours, minutes and seconds: nothing moves.
    await ui.advance(6 * 3_600_000 + 29 * 60_000 + 50_000);
    await expect.poll(() => timer.textContent()).toBe('10h 00m 09s left');
    expect(await boxes()).toEqual(before);
    await ui.advance(10_000);
    await expect.poll(() => timer.textContent()).toBe('9h 59m 59s left');
    expect(await boxes()).toEqual(before);
  });

  it('colours by readiness as the night passes: blue, then amber after 03:30, red before 09:15', async () => {
    const ui = await start({ query: { scenario: 'night-0245' } });
    const card = ui.card('Personal');
    const badge = card.locator('.status-badge');
    expect(await badge.textContent()).toBe('Log in later');
    expect(await card.getAttribute('class')).toContain('tone-info');
    expect(await ui.banner().count()).toBe(0);
    await ui.advance(45 * 60_000);
    await expect.poll(() => badge.textContent()).toBe('Log in now');
    expect(await card.getAttribute('class')).toContain('tone-warn');
    expect(await ui.banner().textContent()).toContain('Personal (Upstox)');
    // 08:15: an hour before the open.
    await ui.advance(4 * 3_600_000 + 45 * 60_000);
    await expect.poll(() => card.getAttribute('class')).toContain('tone-danger');
    await screenshot(ui.page, 'night-to-morning');
  });

  it('Log in all opens the logins one after another, with progress, and Cancel closes one', async () => {
    const ui = await start({ query: { scenario: 'morning-0831', latency: '400' } });
    const banner = ui.banner();
    await banner.getByRole('button', { name: 'Log in all (2)' }).click();
    await expect.poll(() => banner.textContent()).toContain('Logging in 1 of 2: Personal');
    await expect.poll(() => banner.textContent()).toContain('Logging in 2 of 2: Options bot');
    await expect
      .poll(() => ui.page.locator('.login-all-progress').textContent())
      .toContain('Log in all finished: 2 of 2 logged in.');
    expect(await ui.card('Personal').locator('.status-badge').textContent()).toBe('Ready');
    expect(await ui.card('Options bot').locator('.status-badge').textContent()).toBe('Ready');
    const methods = (await ui.calls()).map((c) => c.method);
    expect(methods.filter((m) => m === 'loginAll')).toHaveLength(1);
    expect(methods.filter((m) => m === 'login')).toHaveLength(2);
    await screenshot(ui.page, 'login-all-finished');

    // A login left open can be cancelled; the card says so without an error.
    await ui.page.evaluate(() => window.tokentrayDemo?.setLatency(60_000));
    await ui.advance(20 * 3_600_000); // 04:31 the next day: a login is due again for Upstox
    const personal = ui.card('Personal');
    await personal.getByRole('button', { name: 'Log in (Personal)' }).click();
    await personal.getByRole('button', { name: 'Cancel login (Personal)' }).click();
    await expect
      .poll(() => personal.getByRole('status').textContent())
      .toContain('Login cancelled at');
    expect(await personal.getByRole('alert').count()).toBe(0);
  });

  it('settings: validation, holidays, theme override', async () => {
    const ui = await start({ query: { scenario: 'healthy' }, colorScheme: 'light' });
    await ui.nav('Settings').click();
    await expect.poll(() => ui.focused()).toMatchObject({ name: 'Settings' });
    const page = ui.page;
    expect(await page.getByRole('listitem').filter({ hasText: '2026-11-26 (Thu)' }).count()).toBe(
      0,
    );
    await screenshot(page, 'settings-light');

    await page.getByLabel('Warn before a FYERS refresh token runs out (days)').fill('30');
    await page.getByRole('button', { name: 'Save settings' }).click();
    expect(await page.getByText('Enter whole days from 0 to 14').count()).toBe(1);
    await page.getByLabel('Warn before a FYERS refresh token runs out (days)').fill('3');

    await page.getByLabel('Add a holiday').fill('2026-11-26');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'Remove 2026-12-25 (Fri)' }).click();
    await page.getByLabel('Morning reminder (IST)').fill('08:45');

    // The theme previews at once and wins over the OS.
    await page.getByRole('radio', { name: 'Dark' }).check();
    expect(await background(ui)).toBe('rgb(15, 18, 23)');
    await screenshot(page, 'settings-dark-override');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect
      .poll(() => page.getByRole('status').allTextContents())
      .toContain('Settings saved.');
    const saved = (await ui.calls()).find((c) => c.method === 'savePreferences');
    expect(saved?.request).toMatchObject({
      morningReminder: '08:45',
      theme: 'dark',
      refreshTokenWarningDays: 3,
      startAtLogin: false,
    });
    const holidays = saved?.request.holidays as string[];
    expect(holidays).toContain('2026-11-26');
    expect(holidays).not.toContain('2026-12-25');

    // Saved: it stays dark on the accounts page too.
    await ui.nav('Accounts').click();
    expect(await background(ui)).toBe('rgb(15, 18, 23)');
    await screenshot(page, 'accounts-dark-override');
  });

  it('a theme previewed but not saved goes back when leaving Settings', async () => {
    const ui = await start({ query: { scenario: 'healthy', theme: 'light' }, colorScheme: 'dark' });
    expect(await background(ui)).toBe('rgb(244, 245, 247)');
    await ui.nav('Settings').click();
    await ui.page.getByRole('radio', { name: 'Follow the system' }).check();
    expect(await background(ui)).toBe('rgb(15, 18, 23)');
    await ui.nav('Accounts').click();
    expect(await background(ui)).toBe('rgb(244, 245, 247)');
  });

  it('activity log lists events newest first and filters by account', async () => {
    const ui = await start({ query: { scenario: 'problems' } });
    await ui.nav('Activity').click();
    const list = ui.page.getByRole('list', { name: 'Events, newest first' });
    await list.waitFor();
    const all = await list.getByRole('listitem').count();
    expect(all).toBeGreaterThan(4);
    await screenshot(ui.page, 'activity-light');
    await ui.page.getByLabel('Show').selectOption({ label: 'Options bot (Zerodha Kite)' });
    await expect.poll(() => list.getByRole('listitem').count()).toBeLessThan(all);
    const texts = await list.getByRole('listitem').allTextContents();
    for (const t of texts) expect(t).toContain('Options bot (Zerodha Kite)');
    expect(texts[0]).toContain('permission denied');
    const last = (await ui.calls()).filter((c) => c.method === 'listActivity').at(-1);
    expect(last?.request).toEqual({ id: 'kite-options', limit: 200 });
    await ui.page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(ui.page, 'activity-dark');
  });

  it('the real entry without the preload explains instead of crashing', async () => {
    const { page } = await openDemo({ file: 'index.html' });
    const heading = page.getByRole('heading', { level: 1 });
    await heading.waitFor();
    expect(await heading.textContent()).toBe('TokenTray cannot reach its background process');
    await screenshot(page, 'missing-preload');
  });
});
