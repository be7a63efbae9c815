/**
 * Alert channels inside the real app (TokenService, scheduler, notifier, the broker simulator, the real
 * keychain): the morning summary reaches the fake Bot API on a trading day and, after a sleep through
 * the next one, arrives at resume marked late; the desktop notifications go on as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERTS_SECRET_ACCOUNT } from '../../electron/core/secrets/secret-names';
import { createKeytarSecretStore } from '../../electron/core/secrets/keytar-secret-store';
import { startFakeTelegram, type FakeTelegram } from '../helpers/fake-telegram';
import { H, ist, keyringAvailable, requireKeyringInCi, startTestApp } from '../core/app-kit';
import { testService } from '../secrets/keyring';

requireKeyringInCi();

const BOT_TOKEN = '123456789:FAKE-app-alerts-token_abcdefghijk';
const CHAT = '5150';

async function until(cond: () => boolean, what: string, tries = 500): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(!keyringAvailable)('alert channels in the app', () => {
  let tg: FakeTelegram;
  beforeAll(async () => {
    tg = await startFakeTelegram({ token: BOT_TOKEN, chatIds: [CHAT] });
  });
  afterAll(async () => {
    await tg?.close();
  });

  it('morning summary on time, then late after sleeping through the next one; bot token never logged', async () => {
    const secrets = createKeytarSecretStore({ service: testService() });
    await secrets.set(ALERTS_SECRET_ACCOUNT, 'telegram-bot-token', BOT_TOKEN);
    try {
      const h = await startTestApp({
        start: ist('2026-12-01T07:00'), // Tuesday
        secrets,
        preferences: {
          alerts: {
            morningSummary: '08:45',
            telegram: { enabled: true, chatId: CHAT, kinds: ['morning-summary', 'failure'] },
          },
        },
        alertEndpoints: { telegram: { baseUrl: tg.baseUrl, timeoutMs: 15_000 } },
      });
      await h.addAccount('upstox');
      const before = tg.messages.length;
      await h.advanceTo(ist('2026-12-01T08:46'));
      await until(() => tg.messages.length > before, 'the summary');
      expect(tg.messages.length).toBe(before + 1);
      expect(tg.messages.at(-1)?.shown).toMatch(
        /summary\n1 needs a login: Upstox · main — log in on your computer$/,
      );

      // Asleep from 20:00 until 10:00 the next (trading) day; the resume event arrives.
      await h.advanceTo(ist('2026-12-01T20:00'));
      h.clock.suspend(14 * H);
      h.app.handlePowerEvent('resume');
      await until(() => tg.messages.length > before + 1, 'the late summary');
      expect(tg.messages.at(-1)?.shown).toMatch(
        /Late: the computer was asleep or off at 08:45 IST; this is the state at 10:00 IST\./,
      );
      await h.app.whenIdle();
      const status = await h.app.alerts.status();
      expect(status[0]).toMatchObject({ channel: 'telegram', hasSecret: true, lastError: null });
      const logged = h.logger.entries.map((e) => JSON.stringify(e)).join('\n');
      expect(logged).not.toContain(BOT_TOKEN);
    } finally {
      await secrets.deleteAll(ALERTS_SECRET_ACCOUNT).catch(() => undefined);
    }
  });

  it('a login that fails in a "Log in all" round reaches the failure channel', async () => {
    const secrets = createKeytarSecretStore({ service: testService() });
    await secrets.set(ALERTS_SECRET_ACCOUNT, 'telegram-bot-token', BOT_TOKEN);
    try {
      const h = await startTestApp({
        start: ist('2026-12-01T08:35'), // Tuesday, after the cutoffs
        secrets,
        preferences: {
          alerts: {
            morningSummary: '08:45',
            telegram: { enabled: true, chatId: CHAT, kinds: ['failure'] },
          },
        },
        // A generous deadline: a timed-out send would wait for a retry on the fake clock.
        alertEndpoints: { telegram: { baseUrl: tg.baseUrl, timeoutMs: 15_000 } },
      });
      await h.addAccount('upstox');
      const before = tg.messages.length;
      // The broker fails the exchange (and keeps failing through the retries).
      h.sim.inject({
        path: '/v2/login/authorization/token',
        fault: { kind: 'status', status: 503 },
        times: 20,
      });
      const r = await h.app.ipc['accounts:login-all']({});
      expect(r).toMatchObject({ ok: true, queued: ['upstox-main'] });
      await h.app.whenIdle();
      // Real HTTP to the fake Bot API on a loaded 2-core CI box: allow up to 30 s.
      await until(() => tg.messages.length > before, 'the failure alert', 3000);
      expect(tg.messages.at(-1)?.shown).toMatch(/login failed/);
      expect(h.logger.entries.map((e) => JSON.stringify(e)).join('\n')).not.toContain(BOT_TOKEN);
    } finally {
      await secrets.deleteAll(ALERTS_SECRET_ACCOUNT).catch(() => undefined);
    }
  }, 60_000);
});
