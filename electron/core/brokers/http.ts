/**
 * One HTTP round trip to a broker over the global fetch (Node 20), with a per-request timeout.
 * Network failures become TokenTrayError 'broker-down', marked `notSent` only when the request
 * provably never left this computer (connection refused, host not found …): the only case in which a
 * single-use grant may be sent again (brokers.md §2: "The code is single-use, even when the exchange
 * fails").
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { TokenTrayError } from '../errors';

export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface HttpRequest {
  readonly method: HttpMethod;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /**
   * A GET that carries `body` (ICICI Breeze customerdetails takes its JSON on a GET, SDK
   * `api_util`). fetch() refuses a body on GET, so such a request goes through node:http(s)
   * instead (sendBodyOnGet), with the same timeout, size cap, redirect refusal and error words.
   * Only for method GET with a body.
   */
  readonly bodyOnGet?: boolean;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

export interface HttpDeps {
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  /** The broker's name for messages ("Upstox"). */
  readonly label: string;
  /** Largest answer body read; default MAX_BROKER_BODY_BYTES. */
  readonly maxBodyBytes?: number;
}

/**
 * Every real broker answer (token, profile, logout, error) is a few KB of JSON. Anything over 1 MB is
 * not an answer TokenTray could use: reading stops there, whatever the body claims or streams.
 */
export const MAX_BROKER_BODY_BYTES = 1024 * 1024;

function sizeInWords(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${Math.round(bytes / (1024 * 1024))} MB`
    : `${Math.round(bytes / 1024)} KB`;
}

function tooLargeError(url: URL, deps: HttpDeps, limit: number): TokenTrayError {
  return new TokenTrayError(
    'bad-response',
    `${deps.label}'s answer (${url.host}) was too large: more than ${sizeInWords(limit)}, where a real answer is a few KB, so TokenTray stopped reading it. Try again later; if it keeps happening, something between you and ${deps.label} (a proxy or firewall) is sending it. Your current token is kept.`,
    {},
  );
}

/**
 * Reads the body as UTF-8 text, at most `limit` bytes: a declared Content-Length over the limit is
 * refused before a byte is read, a streamed body is cut (and the connection closed) as soon as it
 * passes the limit. Never holds more than the limit (plus one chunk) in memory.
 */
async function readBoundedText(
  response: Response,
  url: URL,
  deps: HttpDeps,
  limit: number,
): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLargeError(url, deps, limit);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder('utf-8');
  const parts: string[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLargeError(url, deps, limit);
    }
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join('');
}

/**
 * Error codes (Node / undici) raised while connecting, before a single byte of the request was
 * written. Anything else (reset, socket closed, timeout) may have reached the broker.
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'the connection was refused',
  ENOTFOUND: 'the host name was not found',
  EAI_AGAIN: 'the host name could not be looked up',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'connecting took too long',
  ECONNRESET: 'the connection was reset',
  UND_ERR_SOCKET: 'the connection was closed before an answer came',
};

/** The error codes behind a fetch failure (its `cause`, or every member of an AggregateError). */
function causeCodes(e: unknown): string[] {
  const cause = (e as { cause?: unknown } | null)?.cause;
  if (typeof cause !== 'object' || cause === null) return [];
  const errors = (cause as { errors?: unknown }).errors;
  if (Array.isArray(errors) && errors.length > 0) {
    return errors.map((x) => {
      const code = (x as { code?: unknown } | null)?.code;
      return typeof code === 'string' ? code : '';
    });
  }
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' ? [code] : [];
}

function isTimeout(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'TimeoutError';
}

/**
 * Turns a fetch failure into words. The message names the host only: URLs can carry tokens (Kite's
 * logout puts the access token in the query, brokers.md §1), and the cause is not attached for the
 * same reason.
 */
function networkError(e: unknown, url: URL, deps: HttpDeps, phase: 'send' | 'read') {
  const codes = causeCodes(e);
  const notSent = phase === 'send' && codes.length > 0 && codes.every((c) => NOT_SENT_CODES.has(c));
  const reason = isTimeout(e)
    ? `no answer within ${Math.round(deps.timeoutMs / 1000)} s`
    : (REASONS[codes[0] ?? ''] ?? 'the network request failed');
  return new TokenTrayError(
    'broker-down',
    `Could not reach ${deps.label} (${url.host}): ${reason}. Check your internet connection and try again; your current token is kept.`,
    { notSent },
  );
}

/** A body as HttpResponse carries it: `json` is the parsed text, or undefined when not JSON. */
function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** node:http's answer headers as fetch's Headers (a header fetch would refuse is left out). */
function nodeHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    try {
      headers.append(raw[i]!, raw[i + 1]!);
    } catch {
      // Not a valid header name or value for fetch: nothing TokenTray reads.
    }
  }
  return headers;
}

/** The error a node:http request is destroyed with when the time is up (isTimeout reads the name). */
function timeoutError(): Error {
  const e = new Error('the request took too long');
  e.name = 'TimeoutError';
  return e;
}

/**
 * A GET with a body over node:http(s) (fetch refuses one). Same rules as the fetch path: one timer
 * for the whole round trip, no redirect followed (a 3xx is returned as is; node:http never follows
 * one), the answer read at most `limit` bytes (a larger Content-Length refused before reading), and
 * failures in the same words, marked `notSent` only for connection errors before anything was written.
 * No keep-alive pool: every call has its own connection, so a stale pooled socket can never turn a
 * "refused" into a "maybe sent".
 */
async function sendBodyOnGet(request: HttpRequest, deps: HttpDeps): Promise<HttpResponse> {
  const { url } = request;
  const limit = deps.maxBodyBytes ?? MAX_BROKER_BODY_BYTES;
  if (request.method !== 'GET' || request.body === undefined) {
    throw new TypeError('bodyOnGet is for a GET with a body');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError('bodyOnGet needs an http(s) URL');
  }
  const body = Buffer.from(request.body, 'utf8');
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  let phase: 'send' | 'read' = 'send';
  return new Promise<HttpResponse>((resolve, reject) => {
    let req: ReturnType<typeof httpRequest>;
    try {
      req = send(url, {
        method: 'GET',
        headers: { ...request.headers, 'Content-Length': String(body.byteLength) },
        agent: false,
      });
    } catch (e) {
      // An invalid header (a bug, or a value no broker could receive): nothing was sent.
      reject(networkError(e, url, deps, 'send'));
      return;
    }
    let settled = false;
    // Settled as a timeout first, whatever the destroyed socket reports after.
    const timer = setTimeout(() => {
      fail(timeoutError());
      req.destroy();
    }, deps.timeoutMs);
    const finish = (outcome: () => HttpResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      try {
        resolve(outcome());
      } catch (e) {
        reject(e instanceof Error ? e : new Error('unexpected failure'));
      }
    };
    const fail = (e: unknown) =>
      finish(() => {
        if (e instanceof TokenTrayError) throw e;
        if (isTimeout(e)) throw networkError(e, url, deps, phase);
        // networkError reads the error code from `cause`, as undici reports it. Node says "socket
        // hang up" (ECONNRESET) where undici says the socket closed before an answer came.
        const code = (e as { code?: unknown } | null)?.code;
        const hangUp = code === 'ECONNRESET' && (e as Error).message === 'socket hang up';
        throw networkError({ cause: hangUp ? { code: 'UND_ERR_SOCKET' } : e }, url, deps, phase);
      });
    req.on('error', fail);
    req.on('response', (res) => {
      phase = 'read';
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > limit) {
        res.destroy();
        req.destroy();
        fail(tooLargeError(url, deps, limit));
        return;
      }
      const decoder = new TextDecoder('utf-8');
      const parts: string[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        size += chunk.byteLength;
        if (size > limit) {
          res.destroy();
          req.destroy();
          fail(tooLargeError(url, deps, limit));
          return;
        }
        parts.push(decoder.decode(chunk, { stream: true }));
      });
      res.on('error', fail);
      res.on('close', () => {
        if (!res.complete) fail({ code: 'UND_ERR_SOCKET' });
      });
      res.on('end', () =>
        finish(() => {
          parts.push(decoder.decode());
          const text = parts.join('');
          return {
            status: res.statusCode ?? 0,
            headers: nodeHeaders(res),
            text,
            json: parseJson(text),
          };
        }),
      );
    });
    req.end(body);
  });
}

export async function sendHttp(request: HttpRequest, deps: HttpDeps): Promise<HttpResponse> {
  if (request.bodyOnGet === true) return sendBodyOnGet(request, deps);
  let response: Response;
  try {
    response = await deps.fetch(request.url, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal: AbortSignal.timeout(deps.timeoutMs),
      // Never follow a redirect from an API endpoint: a 307 would resend the secret-bearing body to
      // wherever the Location points. A 3xx is reported as an unexpected answer instead.
      redirect: 'manual',
    });
  } catch (e) {
    throw networkError(e, request.url, deps, 'send');
  }
  let text: string;
  try {
    text = await readBoundedText(
      response,
      request.url,
      deps,
      deps.maxBodyBytes ?? MAX_BROKER_BODY_BYTES,
    );
  } catch (e) {
    if (e instanceof TokenTrayError) throw e;
    throw networkError(e, request.url, deps, 'read');
  }
  let json: unknown = undefined;
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  return { status: response.status, headers: response.headers, text, json };
}
