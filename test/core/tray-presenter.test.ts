import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { presentTray } from '../../electron/core/app/tray-presenter';
import { readinessOfView, summarizeReadiness } from '../../shared/readiness';
import type { AccountView, Snapshot } from '../../shared/domain';
import type { BrokerId } from '../../shared/brokers';
import { view as accountView } from '../alerts/views';

const ist = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Kolkata' }).toJSDate();
const NOW = ist('2026-12-08T10:00');
const M = 60_000;

/** `<broker>-main`, valid unless said otherwise (the alert tests' view builder). */
function view(broker: BrokerId, over: Partial<AccountView> = {}): AccountView {
  return accountView(broker, 'main', { status: 'valid', ...over });
}

/** An account whose token has `msLeft` to live at NOW (the snapshot's own status is ignored). */
function withToken(broker: BrokerId, msLeft: number, over: Partial<AccountView> = {}) {
  return view(broker, {
    expiresAt: new Date(NOW.getTime() + msLeft).toISOString(),
    tokenMasked: 'eyJh…abcd',
    ...over,
  });
}

function snapshot(accounts: AccountView[], paused: string | null = null): Snapshot {
  return { at: NOW.toISOString(), accounts, notificationsPausedUntil: paused };
}

const HOLIDAYS = ['2026-12-25'];
const present = (accounts: AccountView[], now = NOW, holidays = HOLIDAYS) =>
  presentTray(snapshot(accounts), now, { startAtLogin: false, holidays, morningReminder: '08:30' });

/** An account whose token dies at `expiresAt` (IST wall clock). */
const until = (broker: BrokerId, expiresAt: string, over: Partial<AccountView> = {}) =>
  view(broker, { expiresAt: ist(expiresAt).toISOString(), tokenMasked: 'eyJh…abcd', ...over });

describe('tray presenter: readiness, not countdowns (issue 11)', () => {
  it('no accounts: grey icon, no title, a tooltip that says so', () => {
    const model = present([]);
    expect(model).toMatchObject({ icon: 'none', title: '', accounts: [], loginAllCount: 0 });
    expect(model.tooltip).toBe('TokenTray — No accounts yet');
  });

  it('02:45: an Upstox token good until 03:30 is not red, and "Log in all" is not offered', () => {
    const model = present([until('upstox', '2026-12-08T03:30')], ist('2026-12-08T02:45'));
    expect(model).toMatchObject({ icon: 'valid', title: '', loginAllCount: 0 });
    expect(model.accounts[0]).toMatchObject({
      label: 'Upstox · main — Log in after 03:30',
      icon: 'valid',
      status: 'critical', // the token's own clock status stays truthful
      canCopy: true,
    });
    expect(model.tooltip).toBe(
      'TokenTray — Nothing to do yet: 1 account to log in later\n' +
        'Upstox · main — Good until 03:30 · log in after 03:30 for today — reminder at 08:30',
    );
  });

  it('05:20: Kite and FYERS tokens dying at 06:00 are not red either; FYERS renews itself', () => {
    const model = present(
      [
        until('kite', '2026-12-08T06:00'),
        until('fyers', '2026-12-08T06:00', {
          autoRefresh: true,
          hasPin: true,
          canRefresh: true,
          refreshExpiresAt: ist('2026-12-20T06:00').toISOString(),
        }),
      ],
      ist('2026-12-08T05:20'),
    );
    expect(model.icon).toBe('valid');
    expect(model.accounts.map((a) => a.label)).toEqual([
      'Zerodha Kite · main — Log in after 06:00',
      'FYERS · main — Renews itself after the 06:00 cutoff',
    ]);
  });

  it.each([
    ['03:30:00', 'expiring', 'Log in now'],
    ['08:14', 'expiring', 'Log in now'],
    ['08:15', 'critical', 'Log in now'],
    ['09:15', 'critical', 'Log in now'],
  ] as const)('after the cutoff, at %s: needs a login, icon %s', (time, icon, words) => {
    const model = present(
      [until('upstox', '2026-12-08T03:30', { status: 'expired' })],
      ist(`2026-12-08T${time}`),
    );
    expect(model).toMatchObject({ icon, title: '1 needs you', loginAllCount: 1 });
    expect(model.accounts[0]?.label).toBe(`Upstox · main — ${words}`);
  });

  it('never logged in, market open: red, one to log in', () => {
    const model = present([view('kite', { status: 'none' })]);
    expect(model).toMatchObject({ icon: 'critical', title: '1 needs you', loginAllCount: 1 });
    expect(model.tooltip).toBe(
      'TokenTray — 1 account needs you\nZerodha Kite · main — No token yet · the market is open: log in now',
    );
    expect(model.accounts[0]).toMatchObject({ canCopy: false, canRefresh: false });
  });

  it('a revoked token: dark-red ×, "Revoked", nothing to copy, no future expiry in the words', () => {
    const model = present([until('kite', '2026-12-09T06:00', { status: 'revoked' })]);
    expect(model).toMatchObject({ icon: 'expired', title: '1 needs you', loginAllCount: 1 });
    expect(model.accounts[0]).toMatchObject({
      label: 'Zerodha Kite · main — Revoked',
      icon: 'expired',
      canCopy: false,
    });
    expect(model.tooltip).not.toContain('06:00');
  });

  it('counts agree with summarizeReadiness; accounts are listed most urgent first', () => {
    const accounts = [
      until('kite', '2026-12-09T06:00', { id: 'kite-ready' }),
      view('upstox', { id: 'upstox-none', status: 'none' }),
      until('fyers', '2026-12-09T06:00', { id: 'fyers-revoked', status: 'revoked' }),
    ];
    const model = present(accounts);
    const summary = summarizeReadiness(accounts.map((a) => readinessOfView(a, NOW, HOLIDAYS)));
    expect(summary.needYou).toBe(2);
    expect(model.title).toBe('2 need you');
    expect(model.tooltip.split('\n')[0]).toBe('TokenTray — 2 of 3 accounts need you');
    expect(model.accounts.map((a) => a.accountId)).toEqual([
      'fyers-revoked',
      'upstox-none',
      'kite-ready',
    ]);
    expect(model.loginAllCount).toBe(2);
    expect(model.accounts[2]?.label).toBe(
      'Zerodha Kite · main — Ready · good until 06:00 tomorrow',
    );
  });

  it('a weekend with dead tokens: nothing to do yet, the empty ring', () => {
    const model = present(
      [until('upstox', '2026-12-12T03:30', { status: 'expired' })],
      ist('2026-12-12T10:00'), // Saturday
    );
    expect(model).toMatchObject({ icon: 'none', title: '', loginAllCount: 0 });
    expect(model.accounts[0]?.label).toBe('Upstox · main — Log in after 03:30 Mon 2026-12-14');
  });

  it('a holiday from the preferences counts; without it the same morning needs a login', () => {
    const dead = [until('kite', '2026-12-25T06:00', { status: 'expired' })];
    const at = ist('2026-12-25T08:40');
    expect(present(dead, at).icon).toBe('none');
    expect(present(dead, at, []).icon).toBe('critical');
  });

  it('words follow `now`, not the status frozen in the snapshot', () => {
    const a = until('upstox', '2026-12-08T03:30', { status: 'valid' });
    expect(present([a], ist('2026-12-08T03:29')).accounts[0]?.label).toBe(
      'Upstox · main — Log in after 03:30',
    );
    expect(present([a], ist('2026-12-08T03:30')).accounts[0]).toMatchObject({
      label: 'Upstox · main — Log in now',
      status: 'expired',
    });
  });

  it('refresh is offered only for FYERS with a live refresh token', () => {
    const refreshAlive = new Date(NOW.getTime() + 3 * 86_400_000).toISOString();
    const refreshDead = new Date(NOW.getTime() - M).toISOString();
    const model = present([
      withToken('fyers', 60 * M, { refreshExpiresAt: refreshAlive }),
      withToken('fyers', 60 * M, { id: 'fyers-old', refreshExpiresAt: refreshDead }),
      withToken('fyers', 60 * M, { id: 'fyers-none' }),
      withToken('upstox', 60 * M, { refreshExpiresAt: refreshAlive }),
    ]);
    const byId = new Map(model.accounts.map((a) => [a.accountId, a.canRefresh]));
    expect([...byId.entries()].sort()).toEqual(
      [
        ['fyers-main', true],
        ['fyers-old', false],
        ['fyers-none', false],
        ['upstox-main', false],
      ].sort(),
    );
  });

  it('a busy account says what it is doing, and is not offered to "Log in all" again', () => {
    const model = present([view('kite', { status: 'none', busy: 'login' })]);
    expect(model.accounts[0]).toMatchObject({
      busy: true,
      label: 'Zerodha Kite · main — Log in now (logging in…)',
    });
    expect(model.loginAllCount).toBe(0);
  });

  it('shows "Log in all" progress, the pause and the start-at-login switch', () => {
    const pausedUntil = ist('2026-12-09T00:00').toISOString();
    const model = presentTray(
      {
        ...snapshot([view('kite', { status: 'none', busy: 'login' })], pausedUntil),
        loginQueue: {
          accountIds: ['kite-main', 'upstox-main'],
          current: 'kite-main',
          done: 0,
          total: 2,
          loggedIn: 0,
          cancelled: 0,
          failed: 0,
        },
      },
      NOW,
      { startAtLogin: true },
    );
    expect(model.notificationsPausedUntil).toBe(pausedUntil);
    expect(model.startAtLogin).toBe(true);
    expect(model.tooltip.split('\n').slice(-2)).toEqual([
      'Logging in 1 of 2…',
      'Notifications paused until 00:00 IST Wed 2026-12-09',
    ]);
  });
});
