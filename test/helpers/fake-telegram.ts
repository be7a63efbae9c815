/**
 * A loopback fake of the Telegram Bot API's `sendMessage`, for tests and the bench. It behaves as the
 * Bot API documents (https://core.telegram.org/bots/api#making-requests): answers
 * `{"ok":true,"result":…}` or `{"ok":false,"error_code":…,"description":…,"parameters":…}`;
 * 401 "Unauthorized" for an unknown bot token; 400 "chat not found" for an unknown chat; 400 "message
 * is too long" over 4096 characters (after entity parsing); 400 "can't parse entities" for HTML with a
 * bare `<` or `&`; and, when scripted, 429 with `parameters.retry_after`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedMessage {
  readonly method: string;
  readonly token: string;
  readonly chatId: string;
  /** The text as a chat shows it (entities decoded, tags removed). */
  readonly shown: string;
  /** The text as sent. */
  readonly raw: string;
  readonly parseMode: string | null;
}

export interface FakeTelegram {
  readonly baseUrl: string;
  /** Every sendMessage accepted. */
  readonly messages: ReceivedMessage[];
  /** Every request, accepted or not (method + answer status). */
  readonly requests: { method: string; status: number }[];
  /** The next `n` requests are answered 429 with retry_after `seconds`. */
  rateLimit(n: number, seconds: number): void;
  /** The next `n` requests are answered 500. */
  fail(n: number): void;
  close(): Promise<void>;
}

const ALLOWED_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'code',
  'pre',
]);

/** Parses Telegram-style HTML: null when it would be refused ("can't parse entities"). */
export function parseTelegramHtml(text: string): string | null {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '<') {
      const m = /^<\/?([a-z]+)>/.exec(text.slice(i));
      if (!m || !ALLOWED_TAGS.has(m[1] ?? '')) return null;
      i += m[0].length;
      continue;
    }
    if (c === '&') {
      const m = /^&(lt|gt|amp|quot|#\d{1,7});/.exec(text.slice(i));
      if (!m) return null;
      const name = m[1] ?? '';
      out +=
        name === 'lt'
          ? '<'
          : name === 'gt'
            ? '>'
            : name === 'amp'
              ? '&'
              : name === 'quot'
                ? '"'
                : String.fromCodePoint(Number(name.slice(1)));
      i += m[0].length;
      continue;
    }
    if (c === '>') return null; // Telegram wants it escaped too
    out += c;
    i += 1;
  }
  return out;
}

export async function startFakeTelegram(options: {
  readonly token: string;
  readonly chatIds: readonly string[];
}): Promise<FakeTelegram> {
  const messages: ReceivedMessage[] = [];
  const requests: { method: string; status: number }[] = [];
  let limited = 0;
  let limitSeconds = 0;
  let failing = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, body: Record<string, unknown>, method: string) => {
        requests.push({ method, status });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? '');
      if (!m || req.method !== 'POST') {
        return answer(404, { ok: false, error_code: 404, description: 'Not Found' }, '?');
      }
      const [, token = '', method = ''] = m;
      if (token !== options.token) {
        return answer(401, { ok: false, error_code: 401, description: 'Unauthorized' }, method);
      }
      if (limited > 0) {
        limited -= 1;
        return answer(
          429,
          {
            ok: false,
            error_code: 429,
            description: `Too Many Requests: retry after ${limitSeconds}`,
            parameters: { retry_after: limitSeconds },
          },
          method,
        );
      }
      if (failing > 0) {
        failing -= 1;
        return answer(
          500,
          { ok: false, error_code: 500, description: 'Internal Server Error' },
          method,
        );
      }
      if (method !== 'sendMessage') {
        return answer(404, { ok: false, error_code: 404, description: 'Not Found' }, method);
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return answer(
          400,
          { ok: false, error_code: 400, description: 'Bad Request: invalid JSON' },
          method,
        );
      }
      const chatId =
        typeof body.chat_id === 'string' || typeof body.chat_id === 'number'
          ? String(body.chat_id)
          : '';
      const raw = typeof body.text === 'string' ? body.text : '';
      const parseMode = typeof body.parse_mode === 'string' ? body.parse_mode : null;
      if (!options.chatIds.includes(chatId)) {
        return answer(
          400,
          { ok: false, error_code: 400, description: 'Bad Request: chat not found' },
          method,
        );
      }
      const shown = parseMode === 'HTML' ? parseTelegramHtml(raw) : raw;
      if (shown === null) {
        return answer(
          400,
          {
            ok: false,
            error_code: 400,
            description: "Bad Request: can't parse entities: unsupported start tag",
          },
          method,
        );
      }
      if (shown.length === 0 || shown.length > 4096) {
        return answer(
          400,
          {
            ok: false,
            error_code: 400,
            description:
              shown.length === 0
                ? 'Bad Request: message text is empty'
                : 'Bad Request: message is too long',
          },
          method,
        );
      }
      messages.push({ method, token, chatId, shown, raw, parseMode });
      return answer(
        200,
        { ok: true, result: { message_id: messages.length, text: shown } },
        method,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    messages,
    requests,
    rateLimit(n, seconds) {
      limited = n;
      limitSeconds = seconds;
    },
    fail(n) {
      failing = n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
