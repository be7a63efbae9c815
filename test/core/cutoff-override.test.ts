/**
 * Issue 14: where a broker's daily cutoff is only a Guess (Shoonya, Alice Blue, IIFL), the account
 * may override it; the override then decides the expiry the bots read, together with what the broker
 * itself said (the earliest wins). A documented cutoff cannot be overridden.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BROKERS, expiresAtKeyFor, type BrokerId } from '../../shared/brokers';
import type { AppHarness } from '../helpers/app-harness';
import { ist, keyringAvailable, requireKeyringInCi, startTestApp } from './app-kit';

requireKeyringInCi();

/** Accounts saved here directly (not through the harness, which forgets only its own). */
const saved: { h: AppHarness; id: string }[] = [];
afterEach(async () => {
  for (const { h, id } of saved.splice(0)) await h.secrets.deleteAll(id).catch(() => undefined);
});

async function addWithCutoff(h: AppHarness, broker: BrokerId, cutoffOverride?: string) {
  const app = h.sim.app(broker);
  const id = `${broker}-${cutoffOverride === undefined ? 'main' : 'late'}`;
  saved.push({ h, id });
  const tokenKey = BROKERS[broker].defaultEnvKey;
  const result = await h.app.ipc['account:save']({
    config: {
      id,
      broker,
      label: 'main',
      apiKey: app.apiKey,
      redirectUri: app.redirectUri,
      ...(app.clientId !== undefined ? { clientId: app.clientId } : {}),
      exportTargets: [
        {
          kind: 'env',
          path: `${h.dir}/${id}.env`,
          tokenKey,
          expiresAtKey: expiresAtKeyFor(tokenKey),
          extra: {},
        },
      ],
      ...(cutoffOverride !== undefined ? { cutoffOverride } : {}),
    },
    apiSecret: app.apiSecret,
  });
  return { id, result, expiresKey: expiresAtKeyFor(tokenKey) };
}

describe.skipIf(!keyringAvailable)('a guessed daily cutoff, overridden per account', () => {
  it('Alice Blue: 03:00 by default; with 06:00 the bots read 06:00', async () => {
    const h = await startTestApp({
      start: ist('2026-12-08T10:00'),
      // The simulated broker agrees with the user: sessions end at 06:00.
      lifetimes: { accessTokenExpiry: { aliceblue: () => ist('2026-12-09T06:00') } },
    });
    const plain = await addWithCutoff(h, 'aliceblue');
    expect(plain.result).toMatchObject({ ok: true });
    await h.login(plain.id);
    expect(h.env(plain.id)[plain.expiresKey]).toBe(ist('2026-12-09T03:00').toISOString());

    const overridden = await addWithCutoff(h, 'aliceblue', '06:00');
    expect(overridden.result).toMatchObject({ ok: true });
    await h.login(overridden.id);
    expect(h.env(overridden.id)[overridden.expiresKey]).toBe(ist('2026-12-09T06:00').toISOString());
    expect(h.app.service.snapshot().accounts.find((a) => a.id === overridden.id)).toMatchObject({
      cutoffOverride: '06:00',
      expiresAt: ist('2026-12-09T06:00').toISOString(),
    });
  });

  it('Shoonya: the instant the broker returned still wins when it is earlier than the override', async () => {
    const h = await startTestApp({
      start: ist('2026-12-08T10:00'),
      lifetimes: { accessTokenExpiry: { shoonya: () => ist('2026-12-09T02:00') } },
    });
    const { id, result, expiresKey } = await addWithCutoff(h, 'shoonya', '06:00');
    expect(result).toMatchObject({ ok: true });
    await h.login(id);
    expect(h.env(id)[expiresKey]).toBe(ist('2026-12-09T02:00').toISOString());
  });

  it('a documented cutoff (Upstox 03:30) cannot be overridden', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T10:00') });
    const { result } = await addWithCutoff(h, 'upstox', '06:00');
    expect(result).toMatchObject({ ok: false });
    expect(JSON.stringify(result)).toMatch(/documents when its tokens die/);
  });
});
