/**
 * The loopback HTTP API (off by default; Settings → Local API). A thin transport over the command
 * layer: it checks where a request comes from and who sends it, then maps routes to commands and
 * CommandError codes to HTTP statuses. Every answer is JSON (`{error:{code,message}}` on failure,
 * never a stack trace) except the SSE stream.
 *
 * Defences, in order:
 * - Listens on 127.0.0.1 and ::1 only (never a wildcard address): nothing off this machine connects.
 * - `Host` must be the loopback address (or `localhost`) and our port: a DNS-rebinding page whose
 *   name now resolves to 127.0.0.1 still sends its own name and is refused.
 * - Any `Origin` header is refused and no CORS header is ever sent: browsers add Origin to
 *   cross-origin requests, so a web page can neither read answers nor cause side effects.
 * - `Authorization: Bearer <key>` on everything but the OpenAPI document; keys have a scope
 *   (api-keys.ts), are compared in constant time, and repeated bad keys lock the API (429).
 * - Bodies over 16 KB → 413; invalid JSON → 400; unknown route → 404; wrong method → 405 with Allow.
 * - Logs hold method, path, status and time: never a header, a query value or a body.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../ports';
import {
  CommandError,
  HTTP_STATUS,
  toCommandError,
  type CommandErrorCode,
} from '../commands/command-error';
import type { ApiScope, Caller, CommandName, CommandOutputs, Commands } from '../commands/commands';
import type { AccountMatch } from '../commands/account-ref';
import type { ApiKeyRing } from './api-keys';
import { FailureLimiter } from './api-keys';
import { OPENAPI_DOCUMENT } from './openapi';
import type { TokenEvent, TokenEventHub } from './token-events';

export const DEFAULT_API_PORT = 5056;
export const MAX_BODY_BYTES = 16 * 1024;
export const HEARTBEAT_MS = 15_000;
export const LOOPBACK_HOSTS = ['127.0.0.1', '::1'] as const;

export interface ApiServerOptions {
  readonly commands: Commands;
  readonly events: TokenEventHub;
  readonly keys: ApiKeyRing;
  readonly logger: Logger;
  /** 0 picks a free port (tests). */
  readonly port: number;
  /** Must be a loopback address; anything else is refused. Default: both 127.0.0.1 and ::1. */
  readonly hosts?: readonly string[];
  readonly limiter?: FailureLimiter;
  readonly heartbeatMs?: number;
}

export interface ApiServer {
  readonly port: number;
  /** `host:port` of every listening socket. */
  readonly addresses: readonly string[];
  close(): Promise<void>;
}

/** For a log line that must mention headers: Authorization never appears in clear. */
export function maskHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = /^(authorization|cookie|proxy-authorization)$/i.test(name)
      ? '••••'
      : Array.isArray(value)
        ? value.join(', ')
        : value;
  }
  return out;
}

interface Route {
  readonly pattern: RegExp;
  readonly methods: Readonly<Record<string, RouteHandler>>;
  /** False only for the OpenAPI document. */
  readonly auth: boolean;
}

interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly params: readonly string[];
  readonly scope: ApiScope | null;
}

type RouteHandler = (ctx: RequestContext) => Promise<unknown>;

class HttpError extends CommandError {}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  extra: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...extra,
  });
  res.end(text);
}

function sendError(
  res: ServerResponse,
  code: CommandErrorCode,
  message: string,
  extra: Record<string, string> = {},
): void {
  sendJson(res, HTTP_STATUS[code], { error: { code, message } }, extra);
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
    throw new HttpError(
      'payload-too-large',
      `The request body is over ${MAX_BODY_BYTES / 1024} KB.`,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      throw new HttpError(
        'payload-too-large',
        `The request body is over ${MAX_BODY_BYTES / 1024} KB.`,
      );
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(
      'bad-request',
      'The request body is not valid JSON: send e.g. {"account":"fyers-main"} with Content-Type: application/json.',
    );
  }
}

function parseBoolean(url: URL, name: string): boolean {
  const v = url.searchParams.get(name);
  if (v === null || v === 'false' || v === '0') return false;
  if (v === 'true' || v === '1') return true;
  throw new HttpError('bad-request', `The query parameter ${name} must be true or false.`);
}

function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const h = host.toLowerCase();
  return h === `127.0.0.1:${port}` || h === `[::1]:${port}` || h === `localhost:${port}`;
}

function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return null;
  const m = /^Bearer ([\x21-\x7e]{1,200})$/.exec(header.trim());
  return m?.[1] ?? null;
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { commands, events, keys, logger } = options;
  const limiter = options.limiter ?? new FailureLimiter();
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  const hosts = options.hosts ?? LOOPBACK_HOSTS;
  for (const host of hosts) {
    if (host !== '127.0.0.1' && host !== '::1') {
      throw new Error(`The local API listens on 127.0.0.1 and ::1 only, not on ${host}.`);
    }
  }
  const streams = new Set<ServerResponse>();
  let port = options.port;

  const caller = (scope: ApiScope | null, match: AccountMatch): Caller => ({
    principal: { kind: 'api', scope: scope ?? 'status' },
    match,
    via: 'api',
  });

  function run<N extends CommandName>(
    name: N,
    input: unknown,
    ctx: RequestContext,
    match: AccountMatch = 'name',
  ): Promise<CommandOutputs[N]> {
    return commands.run(name, input, caller(ctx.scope, match));
  }

  function sse(ctx: RequestContext): Promise<unknown> {
    const { req, res } = ctx;
    const header = req.headers['last-event-id'];
    const lastId =
      (typeof header === 'string' ? header : null) ?? ctx.url.searchParams.get('last_event_id');
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    const write = (event: TokenEvent) => {
      res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
    };
    // Subscribe before replaying: nothing emitted in between is lost (and none is doubled:
    // emission is synchronous on this thread).
    const unsubscribe = events.subscribe(write);
    res.write(`retry: 2000\n: connected\n\n`);
    for (const event of events.since(lastId)) write(event);
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
    streams.add(res);
    return new Promise<void>((resolve) => {
      res.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(res);
        resolve();
      });
    });
  }

  const routes: Route[] = [
    {
      pattern: /^\/api\/openapi\.json$/,
      auth: false,
      methods: { GET: () => Promise.resolve(OPENAPI_DOCUMENT) },
    },
    {
      pattern: /^\/api\/token\/status$/,
      auth: true,
      methods: {
        GET: (ctx) => run('status', { accounts: ctx.url.searchParams.getAll('account') }, ctx),
      },
    },
    {
      pattern: /^\/api\/token\/force-refresh$/,
      auth: true,
      methods: {
        POST: async (ctx) => ({ account: await run('refresh', await readJsonBody(ctx.req), ctx) }),
      },
    },
    {
      pattern: /^\/api\/v1\/accounts$/,
      auth: true,
      methods: {
        GET: async (ctx) => ({ accounts: (await run('status', {}, ctx)).accounts }),
      },
    },
    {
      pattern: /^\/api\/v1\/accounts\/([^/]+)$/,
      auth: true,
      methods: {
        GET: async (ctx) => {
          const answer = await run('status', { accounts: [ctx.params[0]] }, ctx, 'id');
          return { account: answer.accounts[0] };
        },
      },
    },
    {
      pattern: /^\/api\/v1\/accounts\/([^/]+)\/token$/,
      auth: true,
      methods: {
        GET: (ctx) =>
          run(
            'token',
            { account: ctx.params[0], allow_expired: parseBoolean(ctx.url, 'allow_expired') },
            ctx,
            'id',
          ),
      },
    },
    {
      pattern: /^\/api\/v1\/events$/,
      auth: true,
      methods: { GET: sse },
    },
  ];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<number> {
    if (!hostAllowed(req.headers.host, port)) {
      sendError(
        res,
        'forbidden',
        `The Host header must be 127.0.0.1:${port} (or [::1]:${port}, localhost:${port}).`,
      );
      return 403;
    }
    if (req.headers.origin !== undefined) {
      sendError(
        res,
        'forbidden',
        'Requests from web pages (with an Origin header) are refused: call the API from a program, not a browser.',
      );
      return 403;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    } catch {
      sendError(res, 'bad-request', 'The request URL is not valid.');
      return 400;
    }
    let params: string[] = [];
    const route = routes.find((r) => {
      const m = r.pattern.exec(url.pathname);
      if (!m) return false;
      try {
        params = m.slice(1).map((p) => decodeURIComponent(p));
      } catch {
        params = ['\u0000'];
      }
      return true;
    });
    if (!route) {
      sendError(
        res,
        'not-found',
        `No such endpoint: ${req.method ?? ''} ${url.pathname.slice(0, 100)}. The API is described at /api/openapi.json.`,
      );
      return 404;
    }
    const handler = route.methods[req.method ?? ''];
    if (!handler) {
      const allow = Object.keys(route.methods).join(', ');
      sendError(res, 'method-not-allowed', `Use ${allow} for ${url.pathname}.`, { allow });
      return 405;
    }
    let scope: ApiScope | null = null;
    if (route.auth) {
      const locked = limiter.lockedFor();
      if (locked > 0) {
        sendError(
          res,
          'too-many-requests',
          'Too many requests with a wrong API key: try again later.',
          {
            'retry-after': String(Math.ceil(locked / 1000)),
          },
        );
        return 429;
      }
      const key = bearer(req);
      if (key === null) {
        sendError(
          res,
          'unauthorized',
          'Send the API key as "Authorization: Bearer <key>" (Settings → Local API).',
          {
            'www-authenticate': 'Bearer',
          },
        );
        return 401;
      }
      scope = keys.check(key);
      if (scope === null) {
        limiter.fail();
        sendError(
          res,
          'unauthorized',
          'The API key is not valid: copy it again from Settings → Local API, or regenerate it.',
          {
            'www-authenticate': 'Bearer error="invalid_token"',
          },
        );
        return 401;
      }
    }
    const result = await handler({ req, res, url, params, scope });
    if (!res.headersSent) sendJson(res, 200, result);
    return 200;
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    const path = (req.url ?? '').split('?')[0]?.slice(0, 100) ?? '';
    handle(req, res)
      .catch((e: unknown) => {
        const err = e instanceof CommandError ? e : toCommandError(e, logger, 'api');
        if (!res.headersSent) {
          const close: Record<string, string> =
            err.code === 'payload-too-large' ? { connection: 'close' } : {};
          sendError(res, err.code, err.message, close);
          if (err.code === 'payload-too-large') res.on('finish', () => req.destroy());
        } else {
          res.end();
        }
        return HTTP_STATUS[err.code];
      })
      .then((status) => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        logger.info('api request', {
          method: req.method,
          path,
          status,
          ms: Math.round(ms * 10) / 10,
        });
      })
      .catch(() => undefined);
  };

  const servers: Server[] = [];
  const addresses: string[] = [];
  for (const host of hosts) {
    const server = createServer(onRequest);
    server.keepAliveTimeout = 5_000;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host, port, ipv6Only: host === '::1', exclusive: true }, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // A machine without IPv6 loopback still gets the IPv4 one.
      if (
        host === '::1' &&
        (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT') &&
        servers.length > 0
      ) {
        logger.warn('local API: ::1 is not available; listening on 127.0.0.1 only', { code });
        continue;
      }
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
      if (code === 'EADDRINUSE') {
        throw new CommandError(
          'conflict',
          `Port ${port} is in use by another program: choose another port in Settings → Local API.`,
        );
      }
      throw e;
    }
    const address = server.address() as AddressInfo;
    port = address.port;
    addresses.push(host === '::1' ? `[::1]:${port}` : `${host}:${port}`);
    servers.push(server);
  }
  logger.info('local API listening', { addresses });

  return {
    port,
    addresses,
    async close() {
      for (const res of streams) res.end();
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              s.closeAllConnections();
            }),
        ),
      );
    },
  };
}
