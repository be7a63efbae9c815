/**
 * Issue 9 item 9, end to end: the whole app (real adapters, the broker simulator over loopback, the
 * real keychain, real settings and .env files) logs in while the broker sends hostile profile
 * fields. A display field never fails a login that already stored and exported, its expiry is saved,
 * and a user_name that is the token is shown nowhere.
 * Run with: bash scripts/with-keyring.sh npx vitest run test/brokers/profile-in-app.test.ts
 */
import { describe, expect, it } from 'vitest';
import { ist, keyringAvailable, requireKeyringInCi, startTestApp } from '../core/app-kit';

requireKeyringInCi();

describe.skipIf(!keyringAvailable)('issue 9 item 9: hostile profile fields in a real login', () => {
  it('a 300-character user_name does not fail the login; the expiry is saved and the name bounded', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T10:00') });
    const id = await h.addAccount('kite');
    const longName = `Ravi ${'Kumar '.repeat(50)}`;
    h.sim.inject({
      path: '/user/profile',
      fault: {
        kind: 'reply',
        status: 200,
        json: { status: 'success', data: { user_id: 'SIM001', user_name: longName } },
      },
    });
    await h.login(id);
    const account = h.app.service.snapshot().accounts.find((a) => a.id === id)!;
    expect(account.expiresAt).toBe(ist('2026-12-09T06:00').toISOString());
    expect(account.userName).toMatch(/^Ravi Kumar Kumar .*…$/);
    expect(account.userName!.length).toBeLessThanOrEqual(100);
    expect(h.botToken(id)).toBeTruthy();
    await h.restart();
    const again = h.app.service.snapshot().accounts.find((a) => a.id === id)!;
    expect(again.expiresAt).toBe(ist('2026-12-09T06:00').toISOString());
  });

  it('a user_name equal to the token is shown nowhere: dashboard, activity, notifications, log', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T10:00') });
    const id = await h.addAccount('kite');
    // Kite tokens are opaque: the exchange answer is replaced so the name can be the token itself.
    const token = 'hostileKiteToken0123456789abcdef';
    const data = { user_id: 'SIM001', user_name: token, access_token: token };
    h.sim.inject({
      path: '/session/token',
      method: 'POST',
      fault: { kind: 'reply', status: 200, json: { status: 'success', data } },
    });
    h.sim.inject({
      path: '/user/profile',
      fault: {
        kind: 'reply',
        status: 200,
        json: { status: 'success', data: { user_id: 'SIM001', user_name: token } },
      },
    });
    await h.login(id);
    expect(h.botToken(id)).toBe(token); // the export is the one place the token belongs
    const seen = [
      JSON.stringify(h.app.service.snapshot()),
      JSON.stringify(h.app.service.listActivity()),
      JSON.stringify(h.notifications.shown),
      h.logger.text(),
    ];
    for (const text of seen) expect(text.includes(token)).toBe(false);
    const account = h.app.service.snapshot().accounts.find((a) => a.id === id)!;
    expect(account.userName).toBeNull();
  });
});
