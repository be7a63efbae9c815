/**
 * The trading-week bench (scripts/bench/trading-week.ts) as a test, with the real keychain: the goals
 * of issue 5, checked on a deterministic FakeClock week. Only the simulated timeline is asserted;
 * the wall-clock latency figure is the bench's to print.
 */
import { describe, expect, it } from 'vitest';
import { createKeytarSecretStore } from '../../electron/core/secrets/keytar-secret-store';
import { formatWeek, HOLIDAY, simulateTradingWeek } from '../../scripts/bench/trading-week';
import { keyringAvailable, requireKeyringInCi, testService } from '../secrets/keyring';

requireKeyringInCi();

describe.skipIf(!keyringAvailable)('a simulated trading week', () => {
  it('keeps every bot in tokens all session, with one click a day per login-only broker', async () => {
    const { days, fyersRefreshes } = await simulateTradingWeek({
      secrets: createKeytarSecretStore({ service: testService() }),
    });
    console.log(formatWeek(days).join('\n'));
    expect(days.map((d) => d.date)).toEqual([
      '2026-12-07',
      '2026-12-08',
      '2026-12-09',
      '2026-12-10',
      '2026-12-11',
    ]);
    for (const d of days) {
      expect(d.minutesWithoutToken, d.date).toEqual({ upstox: 0, kite: 0, fyers: 0 });
      expect(d.notifications, d.date).toBeLessThanOrEqual(3);
      expect(d.clicks.fyers, d.date).toBe(0);
      if (d.date === HOLIDAY) {
        expect(d.trading).toBe(false);
        expect(d.notifications).toBe(0);
        expect(d.clicks).toEqual({ upstox: 0, kite: 0, fyers: 0 });
      } else {
        expect(d.clicks.upstox, d.date).toBeLessThanOrEqual(1);
        expect(d.clicks.kite, d.date).toBeLessThanOrEqual(1);
      }
    }
    // FYERS renewed itself every morning, the holiday included.
    expect(fyersRefreshes).toHaveLength(5);
  }, 120_000);
});
