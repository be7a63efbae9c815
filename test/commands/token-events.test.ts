/**
 * Token events derived from snapshots: one event per change that matters to a bot, never the token,
 * and resumption by Last-Event-ID (same run: what was missed; another run: all of this run's;
 * a gap beyond the buffer: a resync first).
 */
import { describe, expect, it } from 'vitest';
import { TokenEventHub, type TokenEvent } from '../../electron/core/api/token-events';
import type { AccountView, Snapshot } from '../../shared/domain';
import { view as accountView } from '../alerts/views';

/** The alert tests' account view (test/alerts/views.ts), as `kite-main` with this file's key and URI. */
const view = (over: Partial<AccountView>): AccountView =>
  accountView('kite', 'main', { apiKey: 'k', redirectUri: 'http://127.0.0.1/cb', ...over });
const snap = (...accounts: AccountView[]): Snapshot => ({
  at: '2026-12-08T04:30:00.000Z',
  accounts,
  notificationsPausedUntil: null,
});

describe('TokenEventHub', () => {
  it('emits renewed, expiring, expired, revoked and export-failed once each, never the token', () => {
    const hub = new TokenEventHub({ now: () => new Date('2026-12-09T00:00:00Z') });
    const seen: TokenEvent[] = [];
    hub.subscribe((e) => seen.push(e));
    const base = { expiresAt: '2026-12-09T00:30:00.000Z', tokenMasked: 'abcd…wxyz' };
    hub.onSnapshot(snap(view({})));
    hub.onSnapshot(snap(view({ ...base, status: 'valid', issuedAt: '2026-12-08T04:30:00.000Z' })));
    hub.onSnapshot(snap(view({ ...base, status: 'valid', issuedAt: '2026-12-08T04:30:00.000Z' })));
    hub.onSnapshot(
      snap(view({ ...base, status: 'expiring', issuedAt: '2026-12-08T04:30:00.000Z' })),
    );
    hub.onSnapshot(
      snap(view({ ...base, status: 'critical', issuedAt: '2026-12-08T04:30:00.000Z' })),
    );
    hub.onSnapshot(
      snap(view({ ...base, status: 'expired', issuedAt: '2026-12-08T04:30:00.000Z' })),
    );
    const failed = {
      path: '/bot/.env',
      ok: false,
      at: '2026-12-09T01:00:00.000Z',
      message: 'no folder',
    };
    hub.onSnapshot(
      snap(
        view({
          ...base,
          status: 'revoked',
          issuedAt: '2026-12-08T04:30:00.000Z',
          lastExport: [failed],
        }),
      ),
    );
    hub.onSnapshot(
      snap(
        view({
          ...base,
          status: 'revoked',
          issuedAt: '2026-12-08T04:30:00.000Z',
          lastExport: [failed],
        }),
      ),
    );
    expect(seen.map((e) => e.type)).toEqual([
      'token-renewed',
      'token-expiring',
      'token-expired',
      'token-revoked',
      'export-failed',
    ]);
    expect(seen[1]?.data).toEqual({
      account: 'kite-main',
      status: 'expiring',
      expires_at: '2026-12-09T00:30:00.000Z',
      seconds_left: 1800,
    });
    expect(JSON.stringify(seen)).not.toContain('abcd');
  });

  it('resumes after Last-Event-ID; unknown runs replay all; a gap beyond the buffer starts with resync', () => {
    const hub = new TokenEventHub({ now: () => new Date(), bufferSize: 3 });
    hub.onSnapshot(snap(view({})));
    const ids: string[] = [];
    hub.subscribe((e) => ids.push(e.id));
    for (let i = 1; i <= 5; i += 1) {
      hub.onSnapshot(snap(view({ status: 'valid', issuedAt: `2026-12-08T0${i}:00:00.000Z` })));
    }
    expect(ids).toHaveLength(5);
    expect(hub.since(ids[3]).map((e) => e.id)).toEqual([ids[4]]);
    expect(hub.since(ids[4])).toEqual([]);
    expect(hub.since(null)).toEqual([]);
    const gap = hub.since(ids[0]); // 2..5 missed, the buffer holds 3..5
    expect(gap[0]?.type).toBe('resync');
    expect(gap.slice(1).map((e) => e.id)).toEqual(ids.slice(2));
    const otherRun = hub.since('0badbeef-2');
    expect(otherRun[0]?.type).toBe('resync'); // this run's first events left the buffer
    expect(hub.since('garbage').map((e) => e.type)).toContain('resync');
  });
});
