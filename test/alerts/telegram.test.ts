/**
 * The Telegram channel against a loopback fake of the Bot API (test/helpers/fake-telegram.ts): the
 * method and chat id, HTML escaping Telegram accepts, the 4096-character limit, 429 with retry_after,
 * and a bad token as a clear error that never shows the token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  sendTelegramMessage,
  telegramText,
  TELEGRAM_MAX_TEXT,
} from '../../electron/core/alerts/telegram';
import { parseTelegramHtml, startFakeTelegram, type FakeTelegram } from '../helpers/fake-telegram';

const TOKEN = '123456789:FAKE-test-token-not-real_abcdefghij';
const CHAT = '-1001234567890';

let tg: FakeTelegram;
beforeAll(async () => {
  tg = await startFakeTelegram({ token: TOKEN, chatIds: [CHAT, '42'] });
});
afterAll(async () => {
  await tg.close();
});

describe('sendTelegramMessage', () => {
  it('calls sendMessage for the chat id with the title in bold and the body as written', async () => {
    const r = await sendTelegramMessage(
      TOKEN,
      CHAT,
      { title: 'TokenTray · Tue summary', body: 'All 4 tokens ready for today' },
      { baseUrl: tg.baseUrl },
    );
    expect(r).toEqual({ ok: true });
    const m = tg.messages.at(-1);
    expect(m?.method).toBe('sendMessage');
    expect(m?.chatId).toBe(CHAT);
    expect(m?.parseMode).toBe('HTML');
    expect(m?.shown).toBe('TokenTray · Tue summary\nAll 4 tokens ready for today');
  });

  it('escapes <, > and & so Telegram shows them as typed (an account label like "<A&B>")', async () => {
    const body = 'Kite · <A&B> failed: 1 < 2 && 3 > 2 &amp; <b>not bold</b>';
    const r = await sendTelegramMessage(
      TOKEN,
      '42',
      { title: 'x <i>y</i> & z', body },
      { baseUrl: tg.baseUrl },
    );
    expect(r).toEqual({ ok: true });
    expect(tg.messages.at(-1)?.shown).toBe(`x <i>y</i> & z\n${body}`);
  });

  it('keeps a huge body under 4096 characters, cut with an ellipsis, never inside an entity or emoji', async () => {
    for (const unit of ['&', '😀', 'a<']) {
      const body = unit.repeat(5000);
      const text = telegramText({ title: 'T', body });
      expect(text.length).toBeLessThanOrEqual(TELEGRAM_MAX_TEXT);
      const shown = parseTelegramHtml(text);
      expect(shown).not.toBeNull();
      expect(shown?.endsWith('…')).toBe(true);
      expect(shown).not.toMatch(/[\uD800-\uDBFF]…$/); // no half surrogate before the ellipsis
      const r = await sendTelegramMessage(
        TOKEN,
        CHAT,
        { title: 'T', body },
        { baseUrl: tg.baseUrl },
      );
      expect(r).toEqual({ ok: true });
    }
  });

  it('429: retryable, with retry_after in ms', async () => {
    tg.rateLimit(1, 7);
    const r = await sendTelegramMessage(
      TOKEN,
      CHAT,
      { title: 'a', body: 'b' },
      { baseUrl: tg.baseUrl },
    );
    expect(r).toMatchObject({ ok: false, retryable: true, retryAfterMs: 7000 });
  });

  it('a wrong bot token (401) is a clear, final error that does not contain the token', async () => {
    const wrong = '987654321:WRONG-fake-token-xxxxxxxxxxxxxxxx';
    const r = await sendTelegramMessage(
      wrong,
      CHAT,
      { title: 'a', body: 'b' },
      { baseUrl: tg.baseUrl },
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.retryable).toBe(false);
    expect(r.message).toMatch(/rejected the bot token.*@BotFather/);
    expect(r.message).not.toContain(wrong);
    expect(r.message).not.toContain('WRONG');
    expect(tg.requests.at(-1)).toEqual({ method: 'sendMessage', status: 401 });
  });

  it('an unknown chat says how to fix it; a malformed token is refused before any request', async () => {
    const r = await sendTelegramMessage(
      TOKEN,
      '777',
      { title: 'a', body: 'b' },
      { baseUrl: tg.baseUrl },
    );
    expect(r).toMatchObject({ ok: false, retryable: false });
    expect(r.ok ? '' : r.message).toMatch(/chat not found.*send your bot a message first/);
    const before = tg.requests.length;
    const bad = await sendTelegramMessage(
      'not a token',
      CHAT,
      { title: 'a', body: 'b' },
      {
        baseUrl: tg.baseUrl,
      },
    );
    expect(bad).toMatchObject({ ok: false, retryable: false });
    expect(tg.requests.length).toBe(before);
  });

  it('500 and a closed port are retryable; the message never holds the URL (it carries the token)', async () => {
    tg.fail(1);
    const r = await sendTelegramMessage(
      TOKEN,
      CHAT,
      { title: 'a', body: 'b' },
      { baseUrl: tg.baseUrl },
    );
    expect(r).toMatchObject({ ok: false, retryable: true });
    const closed = await sendTelegramMessage(
      TOKEN,
      CHAT,
      { title: 'a', body: 'b' },
      { baseUrl: 'http://127.0.0.1:1' },
    );
    expect(closed).toMatchObject({ ok: false, retryable: true });
    for (const x of [r, closed]) if (!x.ok) expect(x.message).not.toContain(TOKEN);
  });

  it('refuses a plain-http Bot API address that is not loopback (the token would travel in clear)', async () => {
    const r = await sendTelegramMessage(
      TOKEN,
      CHAT,
      { title: 'a', body: 'b' },
      {
        baseUrl: 'http://api.telegram.org',
      },
    );
    expect(r).toMatchObject({ ok: false, retryable: false });
  });
});
