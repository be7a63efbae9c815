/**
 * FYERS with auto-refresh on: renew silently with the refresh token and the stored PIN, speak only
 * on failure, never lose the token the bot is using, and warn before the 15-day refresh token ends.
 */
import { describe, expect, it } from 'vitest';
import { H, M, ist, keyringAvailable, requireKeyringInCi, startTestApp } from './app-kit';

requireKeyringInCi();

const REFRESH_PATH = '/api/v3/validate-refresh-token';

describe.skipIf(!keyringAvailable)('FYERS auto-refresh', () => {
  it('renews silently just after the 06:00 cutoff: new token in the .env, no notification', async () => {
    const h = await startTestApp({ start: ist('2026-12-07T20:00') });
    await h.addAccount('fyers', { autoRefresh: true, pin: '1234' });
    await h.login('fyers-main');
    const first = h.botToken('fyers-main')!;
    await h.advanceTo(ist('2026-12-08T06:10'));
    const second = h.botToken('fyers-main')!;
    expect(second).not.toBe(first);
    expect(h.sim.tokenStatus('fyers', second)).toBe('valid');
    expect(h.sim.requestsTo('POST', REFRESH_PATH).map((r) => r.at)).toEqual([
      ist('2026-12-08T06:05'),
    ]);
    expect(h.env('fyers-main')['FYERS_ACCESS_TOKEN_EXPIRES_AT']).toBe(
      ist('2026-12-09T06:00').toISOString(),
    );
    await h.advanceTo(ist('2026-12-08T16:00'));
    expect(h.notifications.shown).toEqual([]);
    expect(h.tray.last?.icon).toBe('valid');
    expect(h.logger.text()).not.toContain(second);
  });

  it('a refresh that falls due during a validation runs once the validation ends', async () => {
    const h = await startTestApp({
      start: ist('2026-12-08T10:00'),
      // Tokens living 3 h make the refresh run an hour before expiry, at 12:00.
      lifetimes: { accessTokenExpiry: { fyers: (t: Date) => new Date(t.getTime() + 3 * H) } },
    });
    await h.addAccount('fyers', { autoRefresh: true, pin: '1234' });
    await h.login('fyers-main');
    const first = h.botToken('fyers-main')!;
    await h.advanceTo(ist('2026-12-08T11:59'));
    // The user clicks Validate a minute before 12:00, and the broker is slow to answer.
    h.sim.inject({ path: '/api/v3/profile', fault: { kind: 'slow', delayMs: 300 } });
    const validation = h.app.service.validate('fyers-main');
    expect(h.app.service.snapshot().accounts[0]?.busy).toBe('validate');
    h.clock.advance(M); // 12:00, still validating
    await validation;
    await h.app.whenIdle();
    expect(h.sim.requestsTo('POST', REFRESH_PATH).map((r) => r.at)).toEqual([
      ist('2026-12-08T12:00'),
    ]);
    const second = h.botToken('fyers-main')!;
    expect(second).not.toBe(first);
    expect(h.sim.tokenStatus('fyers', second)).toBe('valid');
    expect(h.notifications.shown).toEqual([]);
  });

  it('a failed refresh in the day notifies at once and keeps the working token', async () => {
    const h = await startTestApp({
      start: ist('2026-12-08T10:00'),
      // Tokens living 3 h make the refresh run an hour before expiry, in the day.
      lifetimes: { accessTokenExpiry: { fyers: (t: Date) => new Date(t.getTime() + 3 * H) } },
    });
    await h.addAccount('fyers', { autoRefresh: true, pin: '1234' });
    await h.login('fyers-main');
    const token = h.botToken('fyers-main')!;
    h.sim.inject({ path: REFRESH_PATH, fault: { kind: 'status', status: 503 }, times: 10 });
    await h.advanceTo(ist('2026-12-08T12:01'));
    expect(h.notifications.shown).toEqual([
      expect.objectContaining({
        id: 'fyers-main:token',
        title: 'FYERS · main: automatic refresh failed',
        at: ist('2026-12-08T12:00'),
      }),
    ]);
    const body = h.notifications.shown[0]!.body;
    expect(body).toContain('The current token works until 13:00 IST.');
    expect(body).not.toContain(token);
    // The bot keeps its token, which still works; the keychain too.
    expect(h.botToken('fyers-main')).toBe(token);
    expect(h.sim.tokenStatus('fyers', token)).toBe('valid');
    expect(await h.secrets.get('fyers-main', 'access-token')).toBe(token);
    // The token dies at 13:00, in the session, and the refresh met a broker that is down.
    expect(h.tray.last?.accounts[0]?.label).toBe('FYERS · main — Broker error');
  });

  it('a failure at 06:05 waits for the 08:30 reminder, which tries once more, then asks', async () => {
    const h = await startTestApp({ start: ist('2026-12-07T20:00') });
    await h.addAccount('fyers', { autoRefresh: true, pin: '9999' }); // the stored PIN is wrong
    await h.login('fyers-main');
    const token = h.botToken('fyers-main')!;
    await h.advanceTo(ist('2026-12-08T08:29'));
    expect(h.notifications.shown).toEqual([]);
    expect(h.sim.requestsTo('POST', REFRESH_PATH)).toHaveLength(1);
    await h.advanceTo(ist('2026-12-08T08:31'));
    expect(h.sim.requestsTo('POST', REFRESH_PATH)).toHaveLength(2);
    expect(h.notifications.shown).toHaveLength(1);
    expect(h.notifications.shown[0]).toMatchObject({
      title: 'FYERS · main: automatic refresh failed',
      at: ist('2026-12-08T08:30'),
      urgency: 'critical',
    });
    expect(h.notifications.shown[0]?.body).toMatch(
      /^It stopped working at 06:00 IST\. The automatic refresh after the 06:00 cutoff failed: .+ Click to log in\.$/,
    );
    expect(h.botToken('fyers-main')).toBe(token); // files untouched by the failures

    h.notifications.click('fyers-main:token');
    await h.app.whenIdle();
    expect(h.sim.tokenStatus('fyers', h.botToken('fyers-main')!)).toBe('valid');
    expect(h.tray.last?.icon).toBe('valid');
  });

  it('warns before the refresh token runs out, holding a weekend warning until Monday 08:30', async () => {
    const h = await startTestApp({
      start: ist('2026-12-10T10:00'), // Thursday
      // A refresh token of 4 days: its 2-day warning falls on Saturday 10:00.
      lifetimes: { refreshTokenExpiry: (t: Date) => new Date(t.getTime() + 4 * 24 * H) },
    });
    await h.addAccount('fyers', { autoRefresh: true, pin: '1234' });
    await h.login('fyers-main');
    await h.advanceTo(ist('2026-12-14T08:29'));
    expect(h.notifications.shown).toEqual([]);
    await h.advance(2 * M);
    expect(h.notifications.shown.map((n) => [n.id, n.title, n.at.toISOString()])).toEqual([
      [
        'fyers-main:refresh-token',
        'FYERS · main: automatic refresh stops in 1h 30m',
        ist('2026-12-14T08:30').toISOString(),
      ],
    ]);
    expect(h.notifications.shown[0]?.body).toBe(
      'The FYERS refresh token (it lasts 15 days) runs out at 10:00 IST. Click to log in and start a new one.',
    );
    // A login starts a new refresh token: the warning goes.
    h.notifications.click('fyers-main:refresh-token');
    await h.app.whenIdle();
    expect(h.notifications.onScreen).toEqual([]);
  });
});
