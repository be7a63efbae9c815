/**
 * The dispatcher end to end with real parts: the real keychain (bot token and webhook secret), the
 * fake Bot API and an HTTPS webhook receiver on loopback, and a FakeClock for the retry waits and the
 * morning summary. Run through `bash scripts/with-keyring.sh`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertChannels } from '../../electron/core/alerts/channels';
import {
  verifySignature,
  SIGNATURE_HEADER,
  DELIVERY_HEADER,
} from '../../electron/core/export/webhook-signature';
import { createKeytarSecretStore } from '../../electron/core/secrets/keytar-secret-store';
import { ALERTS_SECRET_ACCOUNT } from '../../electron/core/secrets/secret-names';
import type { AlertKind, AlertSettings } from '../../shared/alert-settings';
import type { AccountView, Preferences } from '../../shared/domain';
import { FakeClock } from '../helpers/fake-clock';
import { startFakeTelegram, type FakeTelegram } from '../helpers/fake-telegram';
import {
  makeTestCa,
  startHttpsReceiver,
  type HttpsReceiver,
  type TestCa,
} from '../helpers/https-receiver';
import { RecordingLogger } from '../helpers/recording-logger';
import { keyringAvailable, requireKeyringInCi, testService } from '../secrets/keyring';
import { prefsWith, snapshotOf, view } from './views';

requireKeyringInCi();

const BOT_TOKEN = '123456789:FAKE-channels-test-token_abcdefghij';
const HOOK_SECRET = 'fake-alert-hook-secret-channels';
const CHAT = '4242';
const TUE_0700 = new Date('2026-12-01T01:30:00Z');
const MIN = 60_000;

/** Lets real I/O (HTTP on loopback, the keychain) finish; the FakeClock does not move meanwhile. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(!keyringAvailable)('AlertChannels', () => {
  const service = testService();
  const logger = new RecordingLogger();
  const secrets = createKeytarSecretStore({ service, logger });
  let tg: FakeTelegram;
  let ca: TestCa;
  let rx: HttpsReceiver;

  beforeAll(async () => {
    tg = await startFakeTelegram({ token: BOT_TOKEN, chatIds: [CHAT] });
    ca = makeTestCa();
    rx = await startHttpsReceiver(ca);
    await secrets.set(ALERTS_SECRET_ACCOUNT, 'telegram-bot-token', BOT_TOKEN);
    await secrets.set(ALERTS_SECRET_ACCOUNT, 'alert-webhook-secret', HOOK_SECRET);
  });
  afterAll(async () => {
    await secrets.deleteAll(ALERTS_SECRET_ACCOUNT).catch(() => undefined);
    await tg?.close();
    await rx?.close();
    ca?.remove();
  });

  function make(
    alerts: Partial<AlertSettings>,
    accounts: AccountView[] = [view('upstox', 'Personal')],
  ) {
    const clock = new FakeClock(TUE_0700);
    let prefs: Preferences = prefsWith(alerts);
    const channels = new AlertChannels({
      clock,
      logger,
      secrets,
      preferences: () => prefs,
      snapshot: () => snapshotOf(accounts, clock.now()),
      telegram: { baseUrl: tg.baseUrl, timeoutMs: 2000 },
      webhook: { ca: ca.caPem, timeoutMs: 2000 },
    });
    return { clock, channels, setPrefs: (p: Preferences) => (prefs = p) };
  }

  const both = (kinds: AlertKind[]) => ({
    telegram: { enabled: true, chatId: CHAT, kinds },
    webhook: { enabled: true, url: rx.url, kinds },
  });

  it('the morning summary reaches Telegram and the webhook once, signed, with nothing secret', async () => {
    const { clock, channels } = make(
      both(['morning-summary', 'failure', 'revoked', 'refresh-token']),
    );
    const tgBefore = tg.messages.length;
    const rxBefore = rx.requests.length;
    rx.script([], 200);
    channels.start();
    clock.advance(2 * 60 * MIN); // 09:00 IST
    await until(() => tg.messages.length > tgBefore && rx.requests.length > rxBefore, 'delivery');
    channels.stop();
    const msg = tg.messages.at(-1);
    expect(msg?.chatId).toBe(CHAT);
    expect(msg?.shown).toContain('1 needs a login: Upstox · Personal — log in on your computer');
    const req = rx.requests.at(-1)!;
    expect(
      verifySignature(HOOK_SECRET, req.body, req.headers[SIGNATURE_HEADER.toLowerCase()] as string),
    ).toBe(true);
    expect(JSON.parse(req.body.toString('utf8'))).toMatchObject({
      kind: 'morning-summary',
      late: false,
    });
    for (const text of [msg?.raw ?? '', req.body.toString('utf8')]) {
      expect(text).not.toContain(BOT_TOKEN);
      expect(text).not.toContain(HOOK_SECRET);
    }
    const status = await channels.status();
    expect(
      status.map((s) => [s.channel, s.hasSecret, s.lastError, s.lastSuccessAt !== null]),
    ).toEqual([
      ['telegram', true, null, true],
      ['webhook', true, null, true],
    ]);
  });

  it('Telegram 429 waits retry_after on the Clock and then delivers; the webhook is not held up', async () => {
    const accounts = [view('upstox', 'Personal')];
    const { clock, channels } = make(both(['revoked']), accounts);
    channels.start();
    tg.rateLimit(1, 45);
    const rxBefore = rx.requests.length;
    const tgBefore = tg.messages.length;
    const sendsBefore = tg.requests.length;
    channels.handleNotice({ kind: 'revoked', accountId: 'upstox-personal', message: 'x' });
    await until(
      () => rx.requests.length > rxBefore && tg.requests.length > sendsBefore,
      'first tries',
    );
    expect(tg.messages.length).toBe(tgBefore); // Telegram said wait
    expect(tg.requests.at(-1)?.status).toBe(429);
    await until(
      () => channels.pendingCount('telegram') === 1 && channels.waitingForRetry('telegram'),
      'retry armed',
    );
    clock.advance(44_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(tg.messages.length).toBe(tgBefore); // not before retry_after
    clock.advance(1_000);
    await until(() => tg.messages.length > tgBefore, 'retry after 45 s');
    expect(tg.messages.at(-1)?.shown).toContain('Upstox · Personal: token revoked');
    const [t] = await channels.status();
    expect(t?.lastError).toMatch(/slow down/);
    expect(t?.lastSuccessAt).not.toBeNull();
    channels.stop();
  });

  it('a bad bot token is a final error in Settings, not retried, and the webhook still delivers', async () => {
    await secrets.set(
      ALERTS_SECRET_ACCOUNT,
      'telegram-bot-token',
      '999999999:WRONG-fake-token-for-test_xxxxxx',
    );
    try {
      const { channels } = make(both(['failure']));
      channels.start();
      const rxBefore = rx.requests.length;
      const sendsBefore = tg.requests.length;
      channels.autoRefreshFailed(
        'upstox-personal',
        'FYERS did not answer (HTTP 503). Try again later.',
      );
      await until(
        () =>
          rx.requests.length > rxBefore &&
          channels.pendingCount('telegram') === 0 &&
          tg.requests.length > sendsBefore,
        'both tries',
      );
      expect(tg.requests.length).toBe(sendsBefore + 1); // not retried
      const [t, w] = await channels.status();
      expect(t?.lastError).toMatch(/rejected the bot token/);
      expect(t?.lastError).not.toContain('WRONG');
      expect(w?.lastError).toBeNull();
      const test = await channels.sendTest('telegram');
      expect(test.lastError).toMatch(/@BotFather/);
      channels.stop();
    } finally {
      await secrets.set(ALERTS_SECRET_ACCOUNT, 'telegram-bot-token', BOT_TOKEN);
    }
    expect(logger.entries.map((e) => JSON.stringify(e)).join('\n')).not.toContain(
      'WRONG-fake-token',
    );
  });

  it('webhook 5xx is retried with backoff keeping its delivery id; only subscribed kinds are sent', async () => {
    const { clock, channels } = make({
      telegram: { enabled: true, chatId: CHAT, kinds: ['morning-summary'] },
      webhook: { enabled: true, url: rx.url, kinds: ['failure'] },
    });
    channels.start();
    rx.script([503], 200);
    const rxBefore = rx.requests.length;
    const sendsBefore = tg.requests.length;
    channels.handleNotice({
      kind: 'export-failed',
      accountId: 'upstox-personal',
      message: 'Webhook https://hooks.example/x?token=fake-query-token failed with HTTP 500.',
    });
    await until(() => rx.requests.length === rxBefore + 1, 'first try');
    await until(() => channels.waitingForRetry('webhook'), 'retry armed');
    clock.advance(30_000);
    await until(() => rx.requests.length === rxBefore + 2, 'retry');
    const [first, second] = rx.requests.slice(rxBefore);
    const id = (r: typeof first) => r?.headers[DELIVERY_HEADER.toLowerCase()];
    expect(id(first)).toBe(id(second));
    const body = JSON.parse(second!.body.toString('utf8')) as { text: string; kind: string };
    expect(body.kind).toBe('failure');
    expect(body.text).not.toContain('fake-query-token');
    expect(body.text).toContain('https://hooks.example/x');
    expect(tg.requests.length).toBe(sendsBefore); // Telegram subscribed to the summary only
    // The same failure again within hours is not a second message.
    channels.handleNotice({
      kind: 'export-failed',
      accountId: 'upstox-personal',
      message: 'Webhook https://hooks.example/x?token=fake-query-token failed with HTTP 500.',
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(rx.requests.length).toBe(rxBefore + 2);
    channels.stop();
  });

  it('sends what happens before start() (a revocation found at the first validation), nothing after stop()', async () => {
    const { channels } = make(both(['revoked']), [view('kite', 'Options')]);
    const before = tg.messages.length;
    channels.handleNotice({ kind: 'revoked', accountId: 'kite-options', message: '' });
    await until(() => tg.messages.length === before + 1, 'the revocation');
    expect(tg.messages.at(-1)?.shown).toContain('Zerodha Kite · Options: token revoked');
    channels.stop();
    channels.autoRefreshFailed('kite-options', 'Kite did not answer.');
    await new Promise((r) => setTimeout(r, 100));
    expect(tg.messages.length).toBe(before + 1);
  });

  it('Send test message reports success to Settings', async () => {
    const { channels } = make(both(['failure']));
    const before = tg.messages.length;
    const s = await channels.sendTest('telegram');
    expect(s.lastSuccessAt).not.toBeNull();
    expect(tg.messages.length).toBe(before + 1);
    expect(tg.messages.at(-1)?.shown).toContain('TokenTray test message');
    const w = await channels.sendTest('webhook');
    expect(w.lastSuccessAt).not.toBeNull();
  });
});
