/**
 * The shared readiness words: 24-hour IST times with the local time beside, and one sentence per
 * state that says what the readiness function decided (issue 11's 02:45 and 05:20 cases).
 */
import { describe, expect, it } from 'vitest';
import { accessTokenExpiry } from '../../shared/expiry';
import { readinessAt, summarizeReadiness, type ReadinessInput } from '../../shared/readiness';
import {
  istWhen,
  istWithLocal,
  listText,
  readinessBadge,
  readinessSentence,
  readinessSummaryText,
  sessionDayText,
} from '../../shared/readiness-text';

const ist = (s: string) => new Date(`${s}+05:30`);
const HOLIDAYS = ['2026-12-25'];
const opts = (now: Date) => ({ now, morningReminder: '08:30' });

function sentence(input: ReadinessInput, now: Date, busy: string | null = null): string {
  const r = readinessAt(input, now, HOLIDAYS);
  return readinessSentence(
    { broker: input.broker, status: input.status, expiresAt: input.expiresAt ?? null, busy },
    r,
    opts(now),
  );
}

describe('times', () => {
  const now = ist('2026-12-22T02:45:00');
  it('24-hour IST, with the day only when it is not today', () => {
    expect(istWhen(ist('2026-12-22T15:30:00'), now)).toBe('15:30');
    expect(istWhen(ist('2026-12-23T06:00:00'), now)).toBe('06:00 tomorrow');
    expect(istWhen(ist('2026-12-21T03:30:00'), now)).toBe('03:30 yesterday');
    expect(istWhen(ist('2026-12-28T06:00:00'), now)).toBe('06:00 Mon 2026-12-28');
  });
  it('local time beside IST only when the user is elsewhere', () => {
    const at = ist('2026-12-22T03:30:00');
    expect(istWithLocal(at, now, 'Asia/Kolkata')).toBe('03:30 IST');
    expect(istWithLocal(at, now, 'Asia/Calcutta')).toBe('03:30 IST');
    expect(istWithLocal(at, now, 'Europe/London')).toBe('03:30 IST (22:00 Mon 2026-12-21 GMT)');
    expect(istWithLocal(ist('2026-12-22T09:15:00'), now, 'Asia/Dubai')).toBe(
      '09:15 IST (07:45 GST)',
    );
    expect(istWithLocal(at, now, 'Not/AZone')).toBe('03:30 IST');
  });
  it('the session day', () => {
    const r = readinessAt({ broker: 'kite', status: 'none' }, ist('2026-12-24T16:00:00'), HOLIDAYS);
    expect(sessionDayText(r, ist('2026-12-24T16:00:00'))).toBe('Mon 2026-12-28');
  });
});

describe('one sentence per readiness', () => {
  it('02:45, Upstox from yesterday evening: good until 03:30, log in after it, reminder at 08:30', () => {
    const input = {
      broker: 'upstox' as const,
      status: 'critical' as const,
      expiresAt: accessTokenExpiry('upstox', ist('2026-12-21T20:00:00')),
    };
    expect(sentence(input, ist('2026-12-22T02:45:00'))).toBe(
      'Good until 03:30 · log in after 03:30 for today — reminder at 08:30',
    );
  });
  it('03:31, the same account: expired, log in now for today', () => {
    expect(
      sentence(
        { broker: 'upstox', status: 'expired', expiresAt: ist('2026-12-22T03:30:00') },
        ist('2026-12-22T03:31:00'),
      ),
    ).toBe('Expired at 03:30 · log in now for today (market opens 09:15)');
  });
  it('05:20, FYERS with auto-refresh: renews itself after the 06:00 cutoff', () => {
    expect(
      sentence(
        {
          broker: 'fyers',
          status: 'critical',
          expiresAt: ist('2026-12-22T06:00:00'),
          autoRenews: true,
        },
        ist('2026-12-22T05:20:00'),
      ),
    ).toBe('Good until 06:00 · renews itself after the 06:00 cutoff for today');
  });
  it('ready, during the session', () => {
    expect(
      sentence(
        { broker: 'kite', status: 'valid', expiresAt: ist('2026-12-23T06:00:00') },
        ist('2026-12-22T10:00:00'),
      ),
    ).toBe('Ready for today · good until 06:00 tomorrow');
  });
  it('never logged in, market open', () => {
    expect(sentence({ broker: 'kite', status: 'none' }, ist('2026-12-22T10:00:00'))).toBe(
      'No token yet · the market is open: log in now',
    );
  });
  it('Thursday evening before a holiday: the reminder is on Monday', () => {
    expect(sentence({ broker: 'kite', status: 'none' }, ist('2026-12-24T16:00:00'))).toBe(
      'No token yet · log in after 06:00 Mon 2026-12-28 for Mon 2026-12-28 — reminder at 08:30 Mon 2026-12-28',
    );
  });
  it('revoked at night: no future expiry, log in after the cutoff', () => {
    expect(
      sentence(
        { broker: 'kite', status: 'revoked', expiresAt: ist('2026-12-22T06:00:00') },
        ist('2026-12-22T02:00:00'),
      ),
    ).toBe('Zerodha Kite rejected the token · log in after 06:00 for today');
  });
  it('revoked by day: log in again', () => {
    const input: ReadinessInput = {
      broker: 'kite',
      status: 'revoked',
      expiresAt: ist('2026-12-23T06:00:00'),
    };
    expect(sentence(input, ist('2026-12-22T11:00:00'))).toBe(
      'Zerodha Kite rejected the token: log in again for today',
    );
    const r = readinessAt(input, ist('2026-12-22T11:00:00'), HOLIDAYS);
    expect(readinessBadge(r, 'revoked')).toBe('Revoked');
  });
  it.each([
    ['keychain', 'The keychain is locked: unlock it, then try again', 'Keychain locked'],
    [
      'bad-credentials',
      "Upstox did not accept the app's key or secret: check them in Edit account",
      'Check settings',
    ],
    ['broker-down', 'No token yet · Upstox did not answer: try again', 'Broker error'],
  ] as const)('broken by %s', (kind, words, badge) => {
    const input: ReadinessInput = { broker: 'upstox', status: 'none', lastErrorKind: kind };
    const now = ist('2026-12-22T08:00:00');
    expect(sentence(input, now)).toBe(words);
    expect(readinessBadge(readinessAt(input, now, HOLIDAYS))).toBe(badge);
  });
  it('a failed delivery', () => {
    expect(
      sentence(
        {
          broker: 'upstox',
          status: 'valid',
          expiresAt: ist('2026-12-23T03:30:00'),
          deliveryFailed: true,
        },
        ist('2026-12-22T10:00:00'),
      ),
    ).toBe('Good until 03:30 tomorrow · your bots did not get it: a file could not be written');
  });
});

describe('the summary line', () => {
  const now = ist('2026-12-22T08:40:00');
  const r = (input: ReadinessInput) => readinessAt(input, now, HOLIDAYS);
  const ready = r({ broker: 'kite', status: 'valid', expiresAt: ist('2026-12-23T06:00:00') });
  const needs = r({ broker: 'upstox', status: 'none' });
  const renewing = r({ broker: 'fyers', status: 'expired', autoRenews: true });
  it.each([
    ['No accounts yet', []],
    ['The account is ready', [ready]],
    ['All 3 accounts ready', [ready, ready, ready]],
    ['1 account needs you', [needs]],
    ['1 of 3 accounts needs you', [ready, needs, renewing]],
    ['2 of 3 accounts need you', [needs, needs, ready]],
    ['1 account renews itself, 2 accounts ready', [renewing, ready, ready]],
  ] as const)('"%s"', (words, list) => {
    expect(readinessSummaryText(summarizeReadiness(list))).toBe(words);
  });
  it('nothing to do yet at 02:45', () => {
    const t = ist('2026-12-22T02:45:00');
    const wait = readinessAt({ broker: 'upstox', status: 'none' }, t, HOLIDAYS);
    expect(readinessSummaryText(summarizeReadiness([wait, wait]))).toBe(
      'Nothing to do yet: 2 accounts to log in later',
    );
  });
  it('lists', () => {
    expect(listText([])).toBe('');
    expect(listText(['a'])).toBe('a');
    expect(listText(['a', 'b', 'c'])).toBe('a, b and c');
  });
});
