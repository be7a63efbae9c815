/**
 * The dashboard at the hours that matter, in Chromium under the real CSP, fed by demo scenarios whose
 * tokens follow the brokers' real expiry rules: what each card, the header and the banner say, and a
 * screenshot of each (test-artifacts/screenshots/readiness-*.png) at 1100 px light and 360 px dark.
 */
import { describe, expect, it } from 'vitest';
import { DashboardPage } from './dashboard-page';
import { useDemoSession } from './demo-session';
import { screenshot } from './harness';

const openDemo = useDemoSession();

interface Expect {
  readonly scenario: string;
  /** label → [badge, sentence] */
  readonly cards: Readonly<Record<string, readonly [string, string]>>;
  /** The header line starts with this. */
  readonly summary: string;
  /** Labels in the banner, in order; [] = no banner. */
  readonly banner: readonly string[];
}

const SCREENS: readonly Expect[] = [
  {
    scenario: 'night-0245',
    cards: {
      Personal: [
        'Log in later',
        'Good until 03:30 · log in after 03:30 for today — reminder at 08:30',
      ],
      'Options bot': [
        'Log in later',
        'Good until 06:00 · log in after 06:00 for today — reminder at 08:30',
      ],
      Swing: ['Renews itself', 'Good until 06:00 · renews itself after the 06:00 cutoff for today'],
    },
    summary: 'Nothing to do yet: 2 accounts to log in later, 1 account renews itself',
    banner: [],
  },
  {
    scenario: 'early-0520',
    cards: {
      Personal: ['Log in now', 'Expired at 03:30 · log in now for today (market opens 09:15)'],
      'Options bot': [
        'Log in later',
        'Good until 06:00 · log in after 06:00 for today — reminder at 08:30',
      ],
      Swing: [
        'Log in later',
        'Good until 06:00 · log in after 06:00 for today — reminder at 08:30',
      ],
    },
    summary: '1 of 3 accounts needs you',
    banner: ['Personal'],
  },
  {
    scenario: 'morning-0829',
    cards: {
      Personal: ['Log in now', 'Expired at 03:30 · log in now for today (market opens 09:15)'],
      'Options bot': ['Log in now', 'Expired at 06:00 · log in now for today (market opens 09:15)'],
      Swing: ['Ready', 'Ready for today · good until 06:00 tomorrow'],
    },
    summary: '2 of 3 accounts need you',
    banner: ['Personal', 'Options bot'],
  },
  {
    scenario: 'morning-0831',
    cards: {
      Personal: ['Log in now', 'Expired at 03:30 · log in now for today (market opens 09:15)'],
      'Options bot': ['Log in now', 'Expired at 06:00 · log in now for today (market opens 09:15)'],
      Swing: ['Ready', 'Ready for today · good until 06:00 tomorrow'],
    },
    summary: '2 of 3 accounts need you',
    banner: ['Personal', 'Options bot'],
  },
  {
    scenario: 'all-states',
    cards: {
      Intraday: ['Revoked', 'Zerodha Kite rejected the token: log in again for today'],
      'Options bot': ['Log in now', 'Expired at 06:00 · the market is open: log in now'],
      Family: ['Log in now', 'Expired at 03:30 · the market is open: log in now'],
      'New app': ['Log in now', 'No token yet · the market is open: log in now'],
      Personal: ['Ready', 'Ready for today · good until 03:30 tomorrow'],
      Swing: ['Ready', 'Ready for today · good until 06:00 tomorrow'],
    },
    summary: '4 of 6 accounts need you',
    banner: ['Intraday', 'Options bot', 'Family', 'New app'],
  },
  {
    scenario: 'healthy',
    cards: {
      Personal: ['Ready', 'Ready for today · good until 03:30 tomorrow'],
      'Options bot': ['Ready', 'Ready for today · good until 06:00 tomorrow'],
      Swing: ['Ready', 'Ready for today · good until 06:00 tomorrow'],
    },
    summary: 'All 3 accounts ready',
    banner: [],
  },
  {
    scenario: 'holiday',
    cards: {
      Personal: [
        'Log in later',
        'Expired at 03:30 · log in after 03:30 tomorrow for tomorrow — reminder at 08:30 tomorrow',
      ],
      'Options bot': [
        'Log in later',
        'Expired at 06:00 · log in after 06:00 tomorrow for tomorrow — reminder at 08:30 tomorrow',
      ],
      Swing: [
        'Renews itself',
        'Good until 06:00 tomorrow · renews itself after the 06:00 cutoff for tomorrow',
      ],
    },
    summary: 'Nothing to do yet: 2 accounts to log in later, 1 account renews itself',
    banner: [],
  },
  {
    scenario: 'problems',
    cards: {
      Swing: ['Keychain locked', 'The keychain is locked: unlock it, then try again'],
      Intraday: ['Revoked', 'Zerodha Kite rejected the token: log in again for today'],
      Family: [
        'Check settings',
        "Upstox did not accept the app's key or secret: check them in Edit account",
      ],
      Algo: ['Broker error', 'Expired at 06:00 · FYERS did not answer: try again'],
      'Options bot': [
        'Not delivered',
        'Good until 06:00 tomorrow · your bots did not get it: a file could not be written',
      ],
      Personal: ['Log in now', 'Expired at 03:30 · log in now for today (market opens 09:15)'],
    },
    summary: '6 of 6 accounts need you',
    banner: ['Swing', 'Intraday', 'Family', 'Algo', 'Options bot', 'Personal'],
  },
];

async function check(ui: DashboardPage, e: Expect): Promise<void> {
  const order = await ui.page.locator('.account-card h3').allTextContents();
  expect(order, 'cards, most urgent first').toEqual(Object.keys(e.cards));
  for (const [label, [badge, sentence]] of Object.entries(e.cards)) {
    const card = ui.card(label);
    expect(await card.locator('.status-badge').textContent(), label).toBe(badge);
    expect(await card.locator('.readiness-line').textContent(), label).toBe(sentence);
  }
  expect(await ui.page.locator('.summary').textContent()).toMatch(new RegExp(`^${e.summary}`));
  const nav = (await ui.nav('Accounts').textContent()) ?? '';
  if (e.banner.length === 0) {
    expect(await ui.banner().count()).toBe(0);
    expect(nav).toBe('Accounts');
  } else {
    const items = ui.banner().getByRole('listitem').locator('strong');
    const labels = (await items.allTextContents()).map((t) => t.replace(/ \(.*\)$/, ''));
    expect(labels).toEqual(e.banner);
    // Header, nav badge and banner count the same accounts.
    expect(nav).toBe(`Accounts${e.banner.length} need you`);
  }
}

describe('readiness at the hours that matter', () => {
  for (const e of SCREENS) {
    it(`${e.scenario}: says what each account needs (1100 px light, 360 px dark)`, async () => {
      const first = await openDemo({ query: { scenario: e.scenario }, colorScheme: 'light' });
      const wide = new DashboardPage(first.page);
      await wide.ready();
      await check(wide, e);
      await screenshot(wide.page, `readiness-${e.scenario}`);
      // The session checks the last page it opened; this one is checked and closed here.
      expect(first.problems, 'console errors or CSP violations').toEqual([]);
      await first.close();

      const narrow = new DashboardPage(
        (
          await openDemo({
            query: { scenario: e.scenario },
            colorScheme: 'dark',
            viewport: { width: 360, height: 780 },
          })
        ).page,
      );
      await narrow.ready();
      await check(narrow, e);
      const overflow = await narrow.page.evaluate(
        () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
      );
      expect(overflow, 'horizontal scroll at 360 px').toBe(false);
      await screenshot(narrow.page, `readiness-${e.scenario}-360-dark`);
    });
  }

  it('the morning reminder is in the activity log at 08:31, not at 08:29', async () => {
    for (const [scenario, count] of [
      ['morning-0829', 0],
      ['morning-0831', 1],
    ] as const) {
      const opened = await openDemo({ query: { scenario } });
      const ui = new DashboardPage(opened.page);
      await ui.ready();
      await ui.nav('Activity').click();
      const list = ui.page.getByRole('list', { name: 'Events, newest first' });
      await list.waitFor();
      expect(
        await list.getByRole('listitem').filter({ hasText: 'Morning reminder sent' }).count(),
        scenario,
      ).toBe(count);
      expect(opened.problems).toEqual([]);
      if (scenario === 'morning-0829') await opened.close();
    }
  });

  it('the add-account dialog fits 360 px: close button on screen, labels and buttons whole', async () => {
    const ui = new DashboardPage(
      (
        await openDemo({
          query: { scenario: 'healthy' },
          colorScheme: 'dark',
          viewport: { width: 360, height: 780 },
        })
      ).page,
    );
    await ui.ready();
    await ui.page.getByRole('button', { name: 'Add account' }).click();
    const dialog = ui.dialog();
    await dialog.getByRole('radio', { name: /Upstox/ }).check();
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await dialog.getByLabel('Account name').waitFor();
    expect((await dialog.getAttribute('aria-label')) ?? (await dialog.textContent())).toContain(
      'Add an Upstox account',
    );
    const fits = await ui.page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const close = document.querySelector('.modal-close')?.getBoundingClientRect();
      const clipped = [...document.querySelectorAll('.modal label, .modal button')]
        .filter(
          (el) => el.scrollWidth > el.clientWidth + 1 || el.getBoundingClientRect().right > width,
        )
        .map((el) => el.textContent);
      return { closeRight: close?.right ?? Infinity, width, clipped };
    });
    expect(fits.closeRight).toBeLessThanOrEqual(fits.width);
    expect(fits.clipped).toEqual([]);
    expect(await dialog.getByRole('button', { name: 'Add account' }).isVisible()).toBe(true);
    expect(await dialog.getByText('App ID').count()).toBe(0);
    await screenshot(ui.page, 'readiness-add-account-360-dark');
  });
});
