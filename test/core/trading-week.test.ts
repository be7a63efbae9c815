/**
 * The trading-week bench (scripts/bench/trading-week.ts) as a test, with the real keychain: the goals
 * of issues 5 and 11, checked on a deterministic FakeClock week with several accounts per broker.
 * Issue 10: every account also delivers over SSH/SFTP to a real loopback sshd and to a real
 * redis-server (scripts/bench/trading-week-remote.ts), where a bot on that host reads each remote .env
 * over SFTP and a Redis bot reads GET/PTTL/HGETALL at every 15th simulated market minute (the bench:
 * every minute): 0 stale minutes.
 * Only the simulated timeline is asserted; the wall-clock figures are the bench's to print.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeytarSecretStore } from '../../electron/core/secrets/keytar-secret-store';
import {
  formatWeek,
  HOLIDAY,
  formatRemote,
  simulateTradingWeek,
  WEEK_BROKERS,
  WEEK_START,
} from '../../scripts/bench/trading-week';
import { startRemoteHosts, type RemoteHosts } from '../../scripts/bench/trading-week-remote';
import { BROKER_IDS, renewsWithoutLogin, type BrokerId } from '../../shared/brokers';

/** Upstox / Kite / FYERS figures of a day (the week's brokers). */
const weekFigures = (r: Record<BrokerId, number>) =>
  Object.fromEntries(WEEK_BROKERS.map((b) => [b, r[b]]));
import { keyringAvailable, requireKeyringInCi, testService } from '../secrets/keyring';

requireKeyringInCi();

let remote: RemoteHosts | undefined;
beforeAll(async () => {
  if (keyringAvailable) remote = await startRemoteHosts(WEEK_START);
}, 30_000);
// sshd and redis-server are stopped by pid, also when the week failed.
afterAll(async () => {
  await remote?.stop();
});

describe.skipIf(!keyringAvailable)('a simulated trading week', () => {
  it('two accounts per broker: bots in tokens all session (local, over SSH, in Redis), 1 notification and 1 click per trading day', async () => {
    const perBroker = 2;
    const { days, fyersRefreshes } = await simulateTradingWeek({
      secrets: createKeytarSecretStore({ service: testService() }),
      perBroker,
      ...(remote ? { remote } : {}),
      // Every 15th market minute from 09:15 (the bench reads every minute).
      remoteEveryMinutes: 15,
    });
    console.log([...formatWeek(days), ...formatRemote(days)].join('\n'));
    // Each remote delivery succeeded the first time (a failure shows as a notification too).
    expect(remote?.failures ?? []).toEqual([]);
    expect(days.map((d) => d.date)).toEqual([
      '2026-12-07',
      '2026-12-08',
      '2026-12-09',
      '2026-12-10',
      '2026-12-11',
    ]);
    for (const d of days) {
      expect(weekFigures(d.minutesWithoutToken), d.date).toEqual({
        upstox: 0,
        kite: 0,
        fyers: 0,
        angelone: 0,
      });
      // The bot on the second host (SSH/SFTP .env) and the Redis bot: every account at every 15th
      // market minute of a trading day (25 minutes × 8 accounts × 2 bots), none on the holiday.
      // The bench reads every minute (375 a day).
      const stale = d.remoteStale;
      expect(
        stale && { ssh: weekFigures(stale.ssh), redis: weekFigures(stale.redis) },
        d.date,
      ).toEqual({
        ssh: { upstox: 0, kite: 0, fyers: 0, angelone: 0 },
        redis: { upstox: 0, kite: 0, fyers: 0, angelone: 0 },
      });
      expect(d.remoteReads, d.date).toBe(d.trading ? 25 * 4 * perBroker * 2 : 0);
      expect(d.logins.fyers, d.date).toBe(0); // FYERS renews itself: never a login page
      if (d.date === HOLIDAY) {
        expect(d.trading).toBe(false);
        expect(d.notifications, d.date).toBe(0);
        expect(d.clicks, d.date).toBe(0);
        expect(weekFigures(d.logins), d.date).toEqual({
          upstox: 0,
          kite: 0,
          fyers: 0,
          angelone: 0,
        });
      } else {
        // One notification naming every account, one click for all of them…
        expect([d.notifications, d.clicks], d.date).toEqual([1, 1]);
        // At 08:30, or within a minute of waking on Friday (asleep until 08:40, resume event lost).
        const at = d.date === '2026-12-11' ? '08:4[01]' : '08:30';
        expect(d.shown, d.date).toHaveLength(1);
        expect(d.shown[0], d.date).toMatch(
          new RegExp(`^${at} Log in for today: ${3 * perBroker} accounts$`),
        );
        // …which opened each login-only account's page once.
        expect(weekFigures(d.logins), d.date).toEqual({
          upstox: perBroker,
          kite: perBroker,
          fyers: 0,
          angelone: perBroker,
        });
      }
    }
    // Every FYERS account renewed itself every morning, the holiday included.
    expect(fyersRefreshes).toHaveLength(5 * perBroker);
  }, 240_000);

  it('issue 14: one account for each of the ten brokers — no stale minute, 1 notification and 1 click per trading day', async () => {
    const { days, fyersRefreshes, dhanRenewals } = await simulateTradingWeek({
      secrets: createKeytarSecretStore({ service: testService() }),
      perBroker: 1,
      brokers: BROKER_IDS,
    });
    console.log(formatWeek(days, BROKER_IDS).join('\n'));
    console.log(`Dhan renewals: ${dhanRenewals.map((d) => d.toISOString()).join(', ')}`);
    const zero = Object.fromEntries(BROKER_IDS.map((b) => [b, 0]));
    const loginOnly = BROKER_IDS.filter((b) => !renewsWithoutLogin(b));
    for (const d of days) {
      expect(d.minutesWithoutToken, d.date).toEqual(zero);
      // FYERS and Dhan renew themselves: never a login page after the first.
      expect([d.logins.fyers, d.logins.dhan], d.date).toEqual([0, 0]);
      if (d.date === HOLIDAY) {
        expect([d.notifications, d.clicks], d.date).toEqual([0, 0]);
        expect(d.logins, d.date).toEqual(zero);
      } else {
        expect([d.notifications, d.clicks], d.date).toEqual([1, 1]);
        expect(d.shown[0], d.date).toMatch(
          new RegExp(`Log in for today: ${loginOnly.length} accounts$`),
        );
        // Every login-only broker's page opened once, from that one click.
        expect(d.logins, d.date).toEqual({
          ...zero,
          ...Object.fromEntries(loginOnly.map((b) => [b, 1])),
        });
      }
    }
    expect(fyersRefreshes).toHaveLength(5);
    // Dhan renewed itself before each 24 h ran out: at least once a day, never a login.
    expect(dhanRenewals.length).toBeGreaterThanOrEqual(5);
  }, 300_000);
});
