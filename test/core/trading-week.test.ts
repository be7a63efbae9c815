/**
 * The trading-week bench (scripts/bench/trading-week.ts) as a test, with the real keychain: the goals
 * of issues 5 and 11, checked on a deterministic FakeClock week with several accounts per broker.
 * Only the simulated timeline is asserted; the wall-clock figures are the bench's to print.
 */
import { describe, expect, it } from 'vitest';
import { createKeytarSecretStore } from '../../electron/core/secrets/keytar-secret-store';
import {
  formatWeek,
  HOLIDAY,
  simulateTradingWeek,
  WEEK_BROKERS,
} from '../../scripts/bench/trading-week';
import type { BrokerId } from '../../shared/brokers';

/** Upstox / Kite / FYERS figures of a day (the week's brokers). */
const weekFigures = (r: Record<BrokerId, number>) =>
  Object.fromEntries(WEEK_BROKERS.map((b) => [b, r[b]]));
import { keyringAvailable, requireKeyringInCi, testService } from '../secrets/keyring';

requireKeyringInCi();

describe.skipIf(!keyringAvailable)('a simulated trading week', () => {
  it('two accounts per broker: bots in tokens all session, 1 notification and 1 click per trading day', async () => {
    const perBroker = 2;
    const { days, fyersRefreshes } = await simulateTradingWeek({
      secrets: createKeytarSecretStore({ service: testService() }),
      perBroker,
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
      expect(weekFigures(d.minutesWithoutToken), d.date).toEqual({
        upstox: 0,
        kite: 0,
        fyers: 0,
        angelone: 0,
      });
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
});
