/**
 * Issue 14, Dhan: one login, then RenewToken before the 24 h run out — the whole app (TokenService,
 * scheduler, notifier, tray) against the simulator, with the real keychain. The login itself goes
 * through Dhan's consent call before the page opens, with the account's client ID.
 */
import { describe, expect, it } from 'vitest';
import { readinessOfView } from '../../shared/readiness';
import { H, M, ist, keyringAvailable, requireKeyringInCi, startTestApp } from './app-kit';

requireKeyringInCi();

const RENEW = '/v2/RenewToken';
const CONSENT = '/app/generate-consent';

describe.skipIf(!keyringAvailable)('Dhan: renews itself with the live token', () => {
  it('logs in through the consent call, then renews at 08:45 and 15:35 IST, never in market hours and without drifting: new token in the .env, no notification', async () => {
    const h = await startTestApp({ start: ist('2026-12-07T20:00') });
    await h.addAccount('dhan', { autoRefresh: true });
    await h.login('dhan-main');
    // The consent was asked for with the account's client ID, before the login page opened.
    const consent = h.sim.requestsTo('POST', CONSENT);
    expect(consent).toHaveLength(1);
    expect(consent[0]?.query['client_id']).toBe(h.sim.app('dhan').clientId);
    const first = h.botToken('dhan-main')!;
    expect(h.env('dhan-main')['DHAN_ACCESS_TOKEN_EXPIRES_AT']).toBe(
      ist('2026-12-08T20:00').toISOString(),
    );
    // Evening: Tuesday's session is covered by a token that dies Tue 20:00.
    const view = () => h.app.service.snapshot().accounts[0]!;
    expect(view()).toMatchObject({ canRefresh: true, autoRefresh: true, hasPin: false });

    // Monday evening: the token lasts until Tue 20:00, through Tuesday's session.
    expect(readinessOfView(view(), h.clock.now(), []).state).toBe('ready');

    await h.advanceTo(ist('2026-12-08T08:50'));
    expect(h.sim.requestsTo('GET', RENEW).map((r) => r.at)).toEqual([ist('2026-12-08T08:45')]);
    const second = h.botToken('dhan-main')!;
    expect(second).not.toBe(first);
    expect(h.sim.tokenStatus('dhan', second)).toBe('valid');
    expect(h.env('dhan-main')['DHAN_ACCESS_TOKEN_EXPIRES_AT']).toBe(
      ist('2026-12-09T08:45').toISOString(),
    );
    // Tuesday's session: ready before the open, with the token it will trade on all day.
    expect(readinessOfView(view(), h.clock.now(), []).state).toBe('ready');
    await h.advanceTo(ist('2026-12-10T16:00'));
    // Twice a day at the same times, before the open and after the close: no drift, no renewal
    // ending a token a bot is trading on.
    expect(h.sim.requestsTo('GET', RENEW).map((r) => r.at)).toEqual(
      [
        '2026-12-08T08:45',
        '2026-12-08T15:35',
        '2026-12-09T08:45',
        '2026-12-09T15:35',
        '2026-12-10T08:45',
        '2026-12-10T15:35',
      ].map(ist),
    );
    expect(h.notifications.shown).toEqual([]);
    expect(h.tray.last?.icon).toBe('valid');
    expect(h.logger.text()).not.toContain(second);
    // Never a second login page.
    expect(h.navigator.requests).toHaveLength(1);
  });

  it('with automatic renewal off nothing renews by itself; Refresh renews on demand', async () => {
    const h = await startTestApp({ start: ist('2026-12-07T20:00') });
    await h.addAccount('dhan');
    await h.login('dhan-main');
    const first = h.botToken('dhan-main')!;
    await h.advanceTo(ist('2026-12-08T19:30'));
    expect(h.sim.requestsTo('GET', RENEW)).toEqual([]);
    // The session after 15:30 Tuesday is Wednesday's: the Tuesday-20:00 token cannot last it.
    const view = h.app.service.snapshot().accounts[0]!;
    expect(readinessOfView(view, h.clock.now(), []).state).toBe('needs-login');
    await h.app.service.refresh('dhan-main');
    const second = h.botToken('dhan-main')!;
    expect(second).not.toBe(first);
    expect(h.env('dhan-main')['DHAN_ACCESS_TOKEN_EXPIRES_AT']).toBe(
      ist('2026-12-09T19:30').toISOString(),
    );
    const after = h.app.service.snapshot().accounts[0]!;
    expect(readinessOfView(after, h.clock.now(), []).state).toBe('ready');
  });

  it('a token revoked elsewhere cannot renew: said at once, marked revoked, no more renewals, Log in offered', async () => {
    const h = await startTestApp({ start: ist('2026-12-07T20:00') });
    await h.addAccount('dhan', { autoRefresh: true });
    await h.login('dhan-main');
    const token = h.botToken('dhan-main')!;
    h.sim.revokeToken(token);
    await h.advanceTo(ist('2026-12-08T19:05'));
    expect(h.sim.requestsTo('GET', RENEW)).toHaveLength(1);
    const view = h.app.service.snapshot().accounts[0]!;
    expect(view).toMatchObject({ status: 'revoked', canRefresh: false });
    expect(h.notifications.shown.map((n) => n.id)).toContain('dhan-main:token');
    // The .env keeps what it had (the user sees what failed; nothing is blanked).
    expect(h.botToken('dhan-main')).toBe(token);
    await h.advanceTo(ist('2026-12-08T22:00'));
    expect(h.sim.requestsTo('GET', RENEW)).toHaveLength(1);
    expect(readinessOfView(view, h.clock.now(), [])).toMatchObject({
      state: 'broken',
      action: 'log-in',
    });
  });

  it('a laptop asleep past the 24 h: no renewal of a dead token, a login is asked for', async () => {
    const h = await startTestApp({ start: ist('2026-12-07T20:00') });
    await h.addAccount('dhan', { autoRefresh: true });
    await h.login('dhan-main');
    h.app.handlePowerEvent('suspend');
    h.clock.suspend(26 * H); // asleep Mon 20:00 → Tue 22:00: the renewal at Tue 19:00 never ran
    h.app.handlePowerEvent('resume');
    await h.app.whenIdle();
    await h.advance(2 * M);
    expect(h.sim.requestsTo('GET', RENEW)).toEqual([]);
    const view = h.app.service.snapshot().accounts[0]!;
    expect(view).toMatchObject({ status: 'expired', canRefresh: false });
    expect(readinessOfView(view, h.clock.now(), []).state).toBe('needs-login');
  });

  it('an account without its Dhan client ID is refused with the field named', async () => {
    const h = await startTestApp({ start: ist('2026-12-07T20:00') });
    const app = h.sim.app('dhan');
    const result = await h.app.ipc['account:save']({
      config: {
        id: 'dhan-noid',
        broker: 'dhan',
        label: 'noid',
        apiKey: app.apiKey,
        redirectUri: app.redirectUri,
        exportTargets: [],
      },
      apiSecret: app.apiSecret,
    });
    expect(result).toMatchObject({ ok: false });
    expect(JSON.stringify(result)).toMatch(/Dhan client ID/);
  });
});
