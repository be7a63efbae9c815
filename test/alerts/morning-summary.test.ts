/**
 * The morning summary's timing and words, on a FakeClock: once on each trading day at the configured
 * IST time (default 08:45), none on weekends and holidays, late at wake after a sleep, never a timer
 * longer than 60 s, and the refresh-token heads-up once per token.
 */
import { describe, expect, it } from 'vitest';
import {
  MorningSummary,
  morningSummaryText,
  type SummaryText,
} from '../../electron/core/alerts/morning-summary';
import type { AccountView, Preferences, Snapshot } from '../../shared/domain';
import { FakeClock } from '../helpers/fake-clock';
import { prefsWith, snapshotOf, view, withToken } from './views';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** Tue 2026-12-01 07:00 IST. */
const TUE_0700 = new Date('2026-12-01T01:30:00Z');
/** 08:45 IST that day. */
const TUE_0845 = new Date('2026-12-01T03:15:00Z');

interface Sent {
  text: SummaryText;
  late: boolean;
  at: Date;
}

function harness(
  accounts: () => AccountView[],
  prefs: Preferences = prefsWith({
    telegram: { enabled: true, chatId: '42', kinds: ['morning-summary'] },
  }),
  start = TUE_0700,
) {
  const clock = new FakeClock(start);
  let longest = 0;
  const realSet = clock.setTimer.bind(clock);
  clock.setTimer = (ms, cb) => {
    longest = Math.max(longest, ms);
    return realSet(ms, cb);
  };
  const sent: Sent[] = [];
  const warnings: { view: AccountView; text: SummaryText }[] = [];
  let active = true;
  const summary = new MorningSummary({
    clock,
    snapshot: (): Snapshot => snapshotOf(accounts(), clock.now()),
    preferences: () => prefs,
    active: () => active,
    sendSummary: (text, late) => sent.push({ text, late, at: clock.now() }),
    sendRefreshTokenWarning: (v, text) => warnings.push({ view: v, text }),
  });
  return {
    clock,
    summary,
    sent,
    warnings,
    longest: () => longest,
    deactivate: () => (active = false),
  };
}

const upstox = (now: Date) =>
  withToken(view('upstox', 'Personal'), now, new Date(now.getTime() + 20 * HOUR));

describe('MorningSummary timing', () => {
  it('sends one summary at 08:45 IST on a trading day, on time, and no second one that day', () => {
    const h = harness(() => [upstox(TUE_0700)]);
    h.summary.start();
    h.clock.advanceTo(new Date(TUE_0845.getTime() - 1000));
    expect(h.sent).toHaveLength(0);
    h.clock.advance(MIN);
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]?.late).toBe(false);
    expect(h.sent[0]!.at.getTime() - TUE_0845.getTime()).toBeLessThanOrEqual(MIN);
    h.clock.advance(15 * HOUR); // rest of the day
    expect(h.sent).toHaveLength(1);
    expect(h.longest()).toBeLessThanOrEqual(MIN);
    h.summary.stop();
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('follows the configured time and sends on each trading day, none on Sat, Sun or a listed holiday', () => {
    const h = harness(
      () => [upstox(TUE_0700)],
      prefsWith(
        {
          morningSummary: '07:30',
          webhook: { enabled: true, url: 'https://example.invalid/x', kinds: ['morning-summary'] },
        },
        ['2026-12-03'], // Thursday as a holiday
      ),
    );
    h.summary.start();
    h.clock.advance(7 * 24 * HOUR); // Tue … next Tue 07:00
    const days = h.sent.map((s) => s.at.toISOString().slice(0, 10));
    // Tue, Wed, Fri, Mon (Thu holiday; Sat, Sun weekend); 07:30 IST is 02:00Z the same date.
    expect(days).toEqual(['2026-12-01', '2026-12-02', '2026-12-04', '2026-12-07']);
    expect(h.sent.every((s) => !s.late)).toBe(true);
    expect(h.sent.every((s) => s.at.toISOString().slice(11, 16) === '02:00')).toBe(true);
  });

  it('slept through 08:45: sent at wake, marked late, with the time it was due', () => {
    const h = harness(() => [upstox(TUE_0700)]);
    h.summary.start();
    h.clock.advance(HOUR); // 08:00 IST
    h.clock.suspend(3 * HOUR); // wakes 11:00 IST
    h.summary.wake();
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]?.late).toBe(true);
    expect(h.sent[0]?.text.body).toMatch(
      /^Late: the computer was asleep or off at 08:45 IST; this is the state at 11:00 IST\./,
    );
  });

  it('a lost resume event costs at most one timer (≤ 60 s of awake time)', () => {
    const h = harness(() => [upstox(TUE_0700)]);
    h.summary.start();
    h.clock.advance(HOUR);
    h.clock.suspend(3 * HOUR);
    h.clock.advance(MIN);
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]?.late).toBe(true);
  });

  it('arms nothing while no channel is enabled', () => {
    const h = harness(() => [upstox(TUE_0700)]);
    h.deactivate();
    h.summary.start();
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('warns once per refresh token within the warning days, from the summary time, even on a holiday', () => {
    const sat0700 = new Date('2026-12-05T01:30:00Z');
    const fyers = view('fyers', 'Main', {
      refreshExpiresAt: new Date('2026-12-06T00:30:00Z').toISOString(), // Sun 06:00 IST
    });
    let accounts = [fyers];
    const h = harness(() => accounts, undefined, sat0700);
    h.summary.start();
    h.clock.advance(HOUR);
    expect(h.warnings).toHaveLength(0); // before 08:45
    h.clock.advance(HOUR);
    expect(h.warnings).toHaveLength(1);
    expect(h.sent).toHaveLength(0); // Saturday: no summary
    expect(h.warnings[0]?.text.body).toMatch(/runs out 06:00 tomorrow IST/);
    h.clock.advance(3 * HOUR);
    expect(h.warnings).toHaveLength(1);
    accounts = [{ ...fyers, refreshExpiresAt: new Date('2026-12-07T00:30:00Z').toISOString() }];
    h.clock.advance(MIN);
    expect(h.warnings).toHaveLength(2); // a new refresh token is a new warning
  });
});

describe('morningSummaryText', () => {
  const now = TUE_0845;
  const hol: string[] = [];
  it('all ready: "All 4 tokens ready for today"', () => {
    const accounts = [
      upstox(now),
      withToken(view('kite', 'Options'), now, new Date(now.getTime() + 20 * HOUR)),
      withToken(view('fyers', 'Main'), now, new Date(now.getTime() + 20 * HOUR)),
      withToken(view('upstox', 'Second'), now, new Date(now.getTime() + 20 * HOUR)),
    ];
    const t = morningSummaryText(snapshotOf(accounts, now), now, hol, null);
    expect(t.body).toBe('All 4 tokens ready for today');
    expect(t.title).toBe('TokenTray · Tue 2026-12-01 summary');
  });

  it('two need a login: named in login order with what to do, the ready one not listed', () => {
    const accounts = [
      view('upstox', 'Personal'),
      withToken(view('fyers', 'Main'), now, new Date(now.getTime() + 20 * HOUR)),
      view('kite', 'Options'),
    ];
    const t = morningSummaryText(snapshotOf(accounts, now), now, hol, null);
    expect(t.body).toBe(
      '2 need a login: Upstox · Personal, Zerodha Kite · Options — log in on your computer',
    );
  });

  it('never holds a token: only names, counts and times', () => {
    const secretish = withToken(view('kite', 'Options'), now, new Date(now.getTime() + 20 * HOUR));
    const t = morningSummaryText(
      snapshotOf(
        [{ ...secretish, tokenMasked: 'SECRET-like-mask', apiKey: 'fake-api-key-123' }],
        now,
      ),
      now,
      hol,
      null,
    );
    expect(`${t.title}\n${t.body}`).not.toMatch(/SECRET-like-mask|fake-api-key-123/);
  });
});
