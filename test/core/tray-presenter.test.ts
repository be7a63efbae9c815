import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { presentTray } from '../../electron/core/app/tray-presenter';
import { DEFAULT_ACCOUNT_THRESHOLDS, type AccountView, type Snapshot } from '../../shared/domain';
import type { BrokerId } from '../../shared/brokers';

const ist = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Kolkata' }).toJSDate();
const NOW = ist('2026-12-08T10:00');
const M = 60_000;

function view(broker: BrokerId, over: Partial<AccountView> = {}): AccountView {
  return {
    id: `${broker}-main`,
    broker,
    label: 'main',
    status: 'valid',
    expiresAt: null,
    issuedAt: null,
    refreshExpiresAt: null,
    lastRefreshAt: null,
    lastValidatedAt: null,
    tokenMasked: null,
    userName: null,
    busy: null,
    lastError: null,
    exportTargets: [],
    lastExport: [],
    autoRefresh: false,
    canRefresh: false,
    hasPin: false,
    apiKey: 'key',
    redirectUri: 'http://127.0.0.1:5055/callback',
    thresholds: DEFAULT_ACCOUNT_THRESHOLDS,
    ...over,
  };
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

const present = (accounts: AccountView[], now = NOW) =>
  presentTray(snapshot(accounts), now, { startAtLogin: false });

describe('tray presenter', () => {
  it('no accounts: grey icon, no title, a tooltip that says so', () => {
    const model = present([]);
    expect(model).toMatchObject({ icon: 'none', title: '', accounts: [] });
    expect(model.tooltip).toBe('TokenTray — no accounts yet');
  });

  it('an account never logged in: grey, "not logged in", nothing to copy or refresh', () => {
    const model = present([view('upstox', { status: 'none' })]);
    expect(model.icon).toBe('none');
    expect(model.title).toBe('');
    expect(model.tooltip).toBe('TokenTray — not logged in\nUpstox · main — not logged in');
    expect(model.accounts[0]).toMatchObject({ status: 'none', canCopy: false, canRefresh: false });
  });

  it.each([
    ['valid', 5 * 60 * M + 12 * M + 30_000, 'valid', '5h 12m'],
    ['expiring', 2 * 60 * M, 'expiring', '2h 0m'],
    ['critical', 42 * M + 59_000, 'critical', '42m'],
    ['under a minute', 30_000, 'critical', '<1m'],
    ['expired', -5 * M, 'expired', 'expired'],
  ] as const)('%s: icon, minute-granular title and label', (_name, left, icon, countdown) => {
    const model = present([withToken('upstox', left)]);
    expect(model.icon).toBe(icon);
    expect(model.title).toBe(countdown);
    expect(model.accounts[0]?.label).toBe(`Upstox · main — ${countdown}`);
    expect(model.tooltip).toBe(`TokenTray — ${countdown}\nUpstox · main — ${countdown}`);
    expect(model.accounts[0]?.canCopy).toBe(icon !== 'expired');
  });

  it('a revoked token shows as expired in the icon and title, "rejected" in its line', () => {
    const model = present([
      withToken('kite', 5 * 60 * M, { status: 'revoked' }),
      withToken('upstox', 5 * 60 * M),
    ]);
    expect(model.icon).toBe('expired');
    expect(model.title).toBe('expired');
    expect(model.accounts.map((a) => a.label)).toEqual([
      'Zerodha Kite · main — rejected by the broker',
      'Upstox · main — 5h 0m',
    ]);
    expect(model.accounts[0]?.canCopy).toBe(false);
  });

  it('the worst status sets the colour and the soonest countdown the title', () => {
    const model = present([
      withToken('upstox', 20 * 60 * M),
      withToken('kite', 50 * M),
      withToken('fyers', 2 * 60 * M),
    ]);
    expect(model.icon).toBe('critical');
    expect(model.title).toBe('50m');
    expect(model.tooltip.split('\n')).toEqual([
      'TokenTray — 50m',
      'Upstox · main — 20h 0m',
      'Zerodha Kite · main — 50m',
      'FYERS · main — 2h 0m',
    ]);
  });

  it('statuses follow `now`, not the status frozen in the snapshot', () => {
    const a = withToken('upstox', 61 * M, { status: 'valid' });
    expect(present([a]).icon).toBe('expiring');
    expect(present([a], new Date(NOW.getTime() + 2 * M)).icon).toBe('critical');
    expect(present([a], new Date(NOW.getTime() + 61 * M)).title).toBe('expired');
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
    expect(model.accounts.map((a) => a.canRefresh)).toEqual([true, false, false, false]);
  });

  it('a busy account says what it is doing', () => {
    const model = present([withToken('kite', 90 * M, { busy: 'login' })]);
    expect(model.accounts[0]).toMatchObject({
      busy: true,
      label: 'Zerodha Kite · main — 1h 30m (logging in…)',
    });
  });

  it('shows the pause and the start-at-login switch', () => {
    const until = ist('2026-12-09T00:00').toISOString();
    const model = presentTray(snapshot([withToken('upstox', 90 * M)], until), NOW, {
      startAtLogin: true,
    });
    expect(model.notificationsPausedUntil).toBe(until);
    expect(model.startAtLogin).toBe(true);
    expect(model.tooltip.split('\n').at(-1)).toBe(
      'Notifications paused until 00:00 IST, Wed 9 Dec',
    );
  });
});
