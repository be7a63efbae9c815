/**
 * The notification policy as the user meets it: real app, real broker simulator, real files and
 * keychain; only the OS notification centre is a recorder. Times are IST; 7–11 Dec 2026 is a plain
 * Monday–Friday week (no NSE holiday).
 */
import { mkdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { H, M, ist, keyringAvailable, requireKeyringInCi, startTestApp } from './app-kit';

requireKeyringInCi();

/** Upstox tokens that die two hours after issue (a JWT `exp` before 03:30): warnings then help. */
const shortUpstox = {
  accessTokenExpiry: { upstox: (issuedAt: Date) => new Date(issuedAt.getTime() + 2 * H) },
};

const titles = (h: { notifications: { shown: { title: string }[] } }) =>
  h.notifications.shown.map((n) => n.title);

describe.skipIf(!keyringAvailable)('notifications', () => {
  it('warn at 60 and 15 min and at expiry, replacing one notification per account', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T10:00'), lifetimes: shortUpstox });
    await h.addAccount('upstox');
    await h.login('upstox-main');
    await h.advanceTo(ist('2026-12-08T12:30'));
    expect(h.notifications.shown.map((n) => [n.id, n.title, n.at.toISOString()])).toEqual([
      [
        'upstox-main:token',
        'Upstox · main: token expires in 1h 0m',
        ist('2026-12-08T11:00').toISOString(),
      ],
      [
        'upstox-main:token',
        'Upstox · main: token expires in 15m',
        ist('2026-12-08T11:45').toISOString(),
      ],
      ['upstox-main:token', 'Upstox · main: token expired', ist('2026-12-08T12:00').toISOString()],
    ]);
    expect(h.notifications.shown[0]?.body).toBe(
      'It stops working at 12:00 IST, before the market closes. A login now lasts the session: click to log in.',
    );
    expect(h.notifications.shown[2]).toMatchObject({
      body: 'It stopped working at 12:00 IST. Click to log in.',
      urgency: 'critical',
    });
    expect(h.notifications.onScreen).toEqual(['upstox-main:token']);
  });

  it('a click logs in; the notification is withdrawn once the token is good', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T10:00'), lifetimes: shortUpstox });
    await h.addAccount('upstox');
    await h.login('upstox-main');
    await h.advanceTo(ist('2026-12-08T12:01'));
    const old = h.botToken('upstox-main');
    h.notifications.click('upstox-main:token');
    await h.app.whenIdle();
    expect(h.botToken('upstox-main')).not.toBe(old);
    expect(h.sim.tokenStatus('upstox', h.botToken('upstox-main')!)).toBe('valid');
    expect(h.notifications.withdrawn.map((w) => w.id)).toEqual(['upstox-main:token']);
    expect(h.notifications.onScreen).toEqual([]);
  });

  it('a warning on screen is withdrawn when the user logs in from the dashboard', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T10:00'), lifetimes: shortUpstox });
    await h.addAccount('upstox');
    await h.login('upstox-main');
    await h.advanceTo(ist('2026-12-08T11:05'));
    expect(h.notifications.onScreen).toEqual(['upstox-main:token']);
    await h.login('upstox-main');
    expect(h.notifications.onScreen).toEqual([]);
    // The old token's 15-min warning (11:45) and expiry (12:00) stay silent; the new token (until
    // 13:05) gets its own warning at 12:05.
    await h.advanceTo(ist('2026-12-08T12:04'));
    expect(titles(h)).toEqual(['Upstox · main: token expires in 1h 0m']);
    await h.advanceTo(ist('2026-12-08T12:06'));
    expect(titles(h)).toEqual([
      'Upstox · main: token expires in 1h 0m',
      'Upstox · main: token expires in 1h 0m',
    ]);
    expect(h.notifications.shown[1]?.body).toContain('13:05 IST');
  });

  it('events missed in sleep merge into one notification of the current truth', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T10:00'), lifetimes: shortUpstox });
    await h.addAccount('upstox');
    await h.addAccount('kite');
    await h.login('upstox-main');
    await h.login('kite-main');
    await h.advanceTo(ist('2026-12-08T10:30'));
    h.app.handlePowerEvent('suspend');
    h.clock.suspend(3 * H); // 10:30 → 13:30: both warnings and the expiry were missed
    h.app.handlePowerEvent('resume');
    await h.app.whenIdle();
    expect(h.notifications.shown.map((n) => [n.title, n.at.toISOString()])).toEqual([
      ['Upstox · main: token expired', ist('2026-12-08T13:30').toISOString()],
    ]);
  });

  it('with the resume event lost, the merged notification still comes within a minute', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T10:00'), lifetimes: shortUpstox });
    await h.addAccount('upstox');
    await h.login('upstox-main');
    await h.advanceTo(ist('2026-12-08T11:10')); // the 60-min warning is on screen
    h.clock.suspend(2 * H); // no suspend/resume events at all
    await h.advance(M);
    expect(titles(h)).toEqual([
      'Upstox · main: token expires in 1h 0m',
      'Upstox · main: token expired',
    ]);
    const late = h.notifications.shown[1]!.at.getTime() - ist('2026-12-08T13:10').getTime();
    expect(late).toBeLessThanOrEqual(M);
    expect(h.notifications.onScreen).toEqual(['upstox-main:token']);
  });

  it('night expiries stay quiet; the 08:30 reminder asks only for accounts without a token', async () => {
    const h = await startTestApp({ start: ist('2026-12-07T20:00'), localZone: 'Europe/London' });
    await h.addAccount('upstox');
    await h.addAccount('kite');
    await h.login('upstox-main'); // dies Tue 03:30
    await h.login('kite-main'); // dies Tue 06:00
    await h.advanceTo(ist('2026-12-08T07:00'));
    expect(h.notifications.shown).toEqual([]);
    await h.login('kite-main'); // the user logs in to Kite early
    await h.advanceTo(ist('2026-12-08T09:00'));
    expect(h.notifications.shown).toEqual([
      expect.objectContaining({
        id: 'login-all',
        title: 'Upstox · main: log in for today',
        body:
          'Its token stopped working at 03:30 IST (22:00 Mon 2026-12-07 GMT). ' +
          'Click to log in before the market opens at 09:15 IST (03:45 GMT).',
        at: ist('2026-12-08T08:30'),
      }),
    ]);
  });

  it('none on a Saturday or an NSE holiday, whatever happens', async () => {
    for (const [start, holidays] of [
      ['2026-12-12T10:00', []], // Saturday
      ['2026-12-09T10:00', ['2026-12-09']], // a Wednesday made a holiday
    ] as const) {
      const h = await startTestApp({
        start: ist(start),
        lifetimes: shortUpstox,
        preferences: { holidays: [...holidays] },
      });
      await h.addAccount('upstox');
      await h.addAccount('kite');
      await h.login('upstox-main');
      await h.login('kite-main');
      await h.advance(3 * H); // warnings and expiry of the Upstox token
      h.sim.revokeAll('kite');
      await h.app.ipc['account:validate']({ id: 'kite-main' }); // a revocation
      await h.advance(M);
      expect(h.notifications.shown).toEqual([]);
      // Not even attempted: a login would not last to the next session, so nothing is due.
      expect(h.app.notifier.stats.shown).toBe(0);
      expect(h.tray.last?.icon).toBe('expired'); // the tray still tells the truth
      await h.close();
    }
  });

  it('pause suppresses everything until 00:00 IST; the next morning reminds as usual', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T10:00'), lifetimes: shortUpstox });
    await h.addAccount('upstox');
    await h.login('upstox-main');
    await h.app.handleTrayAction({ kind: 'pause-notifications' });
    await h.advanceTo(ist('2026-12-08T13:00'));
    expect(h.notifications.shown).toEqual([]);
    await h.advanceTo(ist('2026-12-09T08:31'));
    expect(h.notifications.shown.map((n) => [n.title, n.at.toISOString()])).toEqual([
      ['Upstox · main: log in for today', ist('2026-12-09T08:30').toISOString()],
    ]);
  });

  it('a revocation in the day notifies once; again only after the user acted on it', async () => {
    let decision: 'login' | 'cancel' = 'login';
    const h = await startTestApp({ start: ist('2026-12-08T10:00'), decision: () => decision });
    await h.addAccount('kite');
    await h.login('kite-main');
    const token = h.botToken('kite-main')!;
    h.sim.revokeAll('kite');
    expect(await h.app.ipc['account:validate']({ id: 'kite-main' })).toMatchObject({ ok: false });
    expect(h.notifications.shown).toEqual([
      expect.objectContaining({
        id: 'kite-main:token',
        title: 'Zerodha Kite · main: token rejected',
        body: 'Zerodha Kite rejected the token before its expiry (logged out elsewhere, or a new session replaced it). Click to log in.',
      }),
    ]);
    expect(JSON.stringify(h.notifications.shown)).not.toContain(token);
    await h.app.ipc['account:validate']({ id: 'kite-main' }); // the same news: no second pop-up
    expect(h.notifications.shown).toHaveLength(1);

    decision = 'cancel'; // the user clicks, then closes the login page
    h.notifications.click('kite-main:token');
    await h.app.whenIdle();
    expect(h.botToken('kite-main')).toBe(token); // nothing lost
    await h.app.ipc['account:validate']({ id: 'kite-main' });
    expect(h.notifications.shown).toHaveLength(2);
  });

  it('one morning reminder a day: a revocation after a login does not replay the 08:30 one', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T07:00') });
    await h.addAccount('kite'); // no token yet
    await h.advanceTo(ist('2026-12-08T09:00'));
    await h.login('kite-main');
    await h.advanceTo(ist('2026-12-08T11:00'));
    h.sim.revokeAll('kite');
    await h.app.ipc['account:validate']({ id: 'kite-main' });
    await h.advance(5 * M);
    expect(titles(h)).toEqual([
      'Zerodha Kite · main: log in for today',
      'Zerodha Kite · main: token rejected',
    ]);
  });

  it('TokenTray started after 08:30 on a trading day reminds once about dead tokens', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T07:00') });
    await h.addAccount('upstox');
    await h.login('upstox-main'); // valid until Wed 03:30: no reminder
    await h.addAccount('kite'); // never logged in
    h.app.stop(); // the laptop was off at 08:30
    h.clock.advance(3 * H);
    expect(h.notifications.shown).toEqual([]);
    await h.restart(); // 10:00
    expect(h.notifications.shown.map((n) => [n.title, n.body])).toEqual([
      [
        'Zerodha Kite · main: log in for today',
        'There is no token yet. Click to log in (the market is open).',
      ],
    ]);
    await h.restart(); // a second start the same day reminds again: the app keeps no history
    await h.restart();
    expect(h.notifications.shown).toHaveLength(3);
  });

  it('an export the bot depends on fails: say so, click opens the dashboard, withdraw once fixed', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T10:00') });
    await h.addAccount('kite');
    const envPath = join(h.dir, 'kite-main.env');
    mkdirSync(envPath); // a folder where the .env should be
    await h.login('kite-main');
    expect(h.notifications.shown).toEqual([
      expect.objectContaining({
        id: 'kite-main:export',
        title: 'Zerodha Kite · main: export failed',
      }),
    ]);
    expect(h.notifications.shown[0]?.body).toContain(envPath);
    h.notifications.click('kite-main:export');
    expect(h.shell.calls).toContain('openDashboard');
    rmdirSync(envPath);
    await h.login('kite-main');
    expect(h.notifications.withdrawn.map((w) => w.id)).toContain('kite-main:export');
    expect(h.botToken('kite-main')).toBeDefined();
  });
});
