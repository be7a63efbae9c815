/**
 * The one HTTP POST the alert channels make (Telegram's sendMessage, the alert webhook): JSON body,
 * a per-attempt deadline, no redirects followed, no connection reuse, never throws. What comes back
 * is the status and (for Telegram) a capped body; the caller decides what it means.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export type PostOutcome =
  | { readonly kind: 'answer'; readonly status: number; readonly body: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'network'; readonly code: string };

export interface PostOptions {
  readonly timeoutMs: number;
  /** Headers beyond Content-Type, Content-Length and User-Agent (a signature, a delivery id). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Extra CA certificates (PEM) to trust for https: a self-hosted receiver, tests. */
  readonly ca?: string | Buffer | undefined;
  /**
   * Read at most this many bytes of the answer (a larger one is cut off). 0: the answer is not read
   * at all — drained and dropped (it might echo what was sent), and the outcome is known as soon as
   * the status arrives.
   */
  readonly maxAnswerBytes: number;
}

export function postJson(url: URL, body: string, options: PostOptions): Promise<PostOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (o: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(o);
    };
    const reqOptions = {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Content-Length': String(Buffer.byteLength(body)),
        'User-Agent': 'TokenTray',
        ...options.headers,
      },
      agent: false as const,
    };
    const onResponse = (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (options.maxAnswerBytes === 0) {
        res.on('error', () => undefined);
        res.resume();
        finish({ kind: 'answer', status, body: '' });
        return;
      }
      const chunks: Buffer[] = [];
      let seen = 0;
      res.on('data', (c: Buffer) => {
        seen += c.length;
        if (seen > options.maxAnswerBytes) res.destroy();
        else chunks.push(c);
      });
      res.on('error', () => finish({ kind: 'network', code: 'ECONNRESET' }));
      res.on('end', () =>
        finish({ kind: 'answer', status, body: Buffer.concat(chunks).toString('utf8') }),
      );
    };
    const req =
      url.protocol === 'https:'
        ? httpsRequest(
            url,
            { ...reqOptions, ...(options.ca !== undefined ? { ca: options.ca } : {}) },
            onResponse,
          )
        : httpRequest(url, reqOptions, onResponse);
    const deadline = setTimeout(() => {
      finish({ kind: 'timeout' });
      req.destroy();
    }, options.timeoutMs);
    req.on('error', (e: unknown) => {
      const code =
        typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string'
          ? e.code.slice(0, 40)
          : 'unknown';
      finish({ kind: 'network', code });
    });
    req.end(body);
  });
}
