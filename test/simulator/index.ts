/**
 * A local broker simulator: one real HTTP server (node:http) on 127.0.0.1 serving Upstox, Kite and
 * FYERS endpoints at their documented paths (brokers.md §1 — the paths do not collide, so one origin
 * serves all three), with login pages, single-use grants, expiring/revocable tokens, request
 * recording and forced faults. Used by the integration tests and, through cli.ts, by demos.
 *
 *   const sim = await startBrokerSimulator();
 *   const adapters = createBrokerAdapters({ baseUrls: sim.baseUrls });
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrokerId } from '../../shared/brokers';
import { simulatorBrokerBases } from '../../electron/core/brokers/simulator-switch';
import { aliceblueBroker } from './aliceblue';
import { angeloneBroker } from './angelone';
import { breezeBroker } from './breeze';
import { dhanBroker } from './dhan';
import { fivepaisaBroker } from './fivepaisa';
import { fyersBroker } from './fyers';
import { iiflBroker } from './iifl';
import { kiteBroker } from './kite';
import { shoonyaBroker } from './shoonya';
import {
  DEFAULT_SIM_APPS,
  DEFAULT_SIM_USERS,
  SimState,
  type SimLifetimes,
  type TokenStatus,
} from './state';
import type {
  FaultRule,
  FloodRecord,
  RecordedRequest,
  SimApp,
  SimBroker,
  SimFault,
  SimReply,
  SimRoute,
  SimUser,
} from './types';
import { upstoxBroker } from './upstox';
import { rootPage } from './root-page';

export type { FaultRule, FloodRecord, RecordedRequest, SimApp, SimFault, SimUser } from './types';
export { DEFAULT_SIM_APPS, DEFAULT_SIM_USERS, type SimLifetimes } from './state';
export { CANCEL_BUTTON_ID, LOGIN_BUTTON_ID } from './login-page';

export interface BrokerSimulatorOptions {
  /** Default 0: any free port. */
  readonly port?: number;
  /** The simulator's clock (token issue and expiry); default: the real clock. */
  readonly now?: () => Date;
  /** Registered apps; default DEFAULT_SIM_APPS (one fake app per broker). */
  readonly apps?: readonly SimApp[];
  readonly users?: Partial<Record<BrokerId, SimUser>>;
  readonly lifetimes?: SimLifetimes;
  /** Kite: a new session ends the app's previous one (brokers.md §3 O[K9]). Default true. */
  readonly kiteOneSessionPerApp?: boolean;
}

export interface BrokerSimulator {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly port: number;
  /** Ready for createBrokerAdapters({ baseUrls }). */
  readonly baseUrls: Readonly<Record<BrokerId, { readonly api: string; readonly login: string }>>;
  /** Every request received, in order (live). */
  readonly requests: readonly RecordedRequest[];
  /** Every forced 'flood' answer, in order (live): how many bytes the client let through. */
  readonly floods: readonly FloodRecord[];
  requestsTo(method: string, path: string): RecordedRequest[];
  clearRequests(): void;
  /** Forces a fault on the next `times` (default 1) requests to `path`. */
  inject(rule: FaultRule): void;
  clearFaults(): void;
  /** The first registered app of a broker (its fake key, secret and redirect URI). */
  app(broker: BrokerId): SimApp;
  registerApp(app: SimApp): void;
  /** A fresh grant, as if the user had just logged in on the login page. */
  issueGrant(broker: BrokerId, apiKey?: string): string;
  /** Whether a grant was presented to the token endpoint (burnt). */
  grantUsed(code: string): boolean | undefined;
  tokenStatus(broker: BrokerId, token: string, kind?: 'access' | 'refresh'): TokenStatus;
  /** Revokes one token (access or refresh), as a logout elsewhere would. */
  revokeToken(token: string): boolean;
  /** Revokes every token of a broker (or of all brokers): a "master logout". */
  revokeAll(broker?: BrokerId): number;
  /** Stops accepting connections (clients get "connection refused") or starts again, same port. */
  setOffline(offline: boolean): Promise<void>;
  now(): Date;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function parseBodies(contentType: string, body: string): Pick<RecordedRequest, 'form' | 'json'> {
  if (contentType.includes('application/x-www-form-urlencoded')) {
    return { form: Object.fromEntries(new URLSearchParams(body)), json: undefined };
  }
  if (contentType.includes('application/json')) {
    try {
      return { form: undefined, json: JSON.parse(body) as unknown };
    } catch {
      return { form: undefined, json: undefined };
    }
  }
  return { form: undefined, json: undefined };
}

function send(res: ServerResponse, reply: SimReply): void {
  if (res.destroyed || res.writableEnded) return;
  const headers: Record<string, string> = { ...reply.headers };
  let body = '';
  if (reply.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(reply.json);
  } else if (reply.html !== undefined) {
    headers['Content-Type'] = 'text/html; charset=utf-8';
    body = reply.html;
  } else if (reply.text !== undefined) {
    headers['Content-Type'] ??= 'text/plain; charset=utf-8';
    body = reply.text;
  }
  res.writeHead(reply.status, headers);
  res.end(body);
}

export async function startBrokerSimulator(
  options: BrokerSimulatorOptions = {},
): Promise<BrokerSimulator> {
  const now = options.now ?? (() => new Date());
  const state = new SimState(
    options.apps ?? DEFAULT_SIM_APPS,
    { ...DEFAULT_SIM_USERS, ...options.users },
    options.lifetimes ?? {},
    now,
  );
  const brokers: SimBroker[] = [
    upstoxBroker(state),
    kiteBroker(state, { oneSessionPerApp: options.kiteOneSessionPerApp ?? true }),
    fyersBroker(state),
    fivepaisaBroker(state),
    angeloneBroker(state),
    dhanBroker(state),
    shoonyaBroker(state),
    aliceblueBroker(state),
    iiflBroker(state),
    breezeBroker(state),
  ];
  const routes = new Map<string, { broker: SimBroker; route: SimRoute }>();
  for (const broker of brokers) {
    for (const route of broker.routes)
      routes.set(`${route.method} ${route.path}`, { broker, route });
  }
  const knownPaths = new Map<string, SimBroker>();
  for (const { broker, route } of routes.values()) knownPaths.set(route.path, broker);

  const requests: RecordedRequest[] = [];
  const faults: { rule: FaultRule; left: number }[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  function takeFault(method: string, path: string): SimFault | undefined {
    const entry = faults.find(
      (f) =>
        f.left > 0 &&
        f.rule.path === path &&
        (f.rule.method === undefined || f.rule.method.toUpperCase() === method),
    );
    if (!entry) return undefined;
    entry.left -= 1;
    return entry.rule.fault;
  }

  function faultReply(fault: SimFault, broker: SimBroker | undefined): SimReply | 'drop' {
    switch (fault.kind) {
      case 'status':
        return { status: fault.status, json: broker?.errorBody(fault.status) ?? {} };
      case 'rate-limit':
        return {
          status: 429,
          json: broker?.rateLimitBody() ?? {},
          ...(fault.retryAfterSeconds !== undefined
            ? { headers: { 'Retry-After': String(fault.retryAfterSeconds) } }
            : {}),
        };
      case 'garbage':
        return { status: 200, html: '<html><body>Down for maintenance</body></html>' };
      case 'reply':
        return {
          status: fault.status,
          ...(fault.headers !== undefined ? { headers: fault.headers } : {}),
          ...(fault.json !== undefined ? { json: fault.json } : {}),
          ...(fault.text !== undefined ? { text: fault.text } : {}),
        };
      case 'drop':
        return 'drop';
      case 'slow':
        throw new Error('slow faults are handled before routing');
      case 'flood':
        throw new Error('flood faults are streamed by flood()');
    }
  }

  const floods: FloodRecord[] = [];

  /** Streams `fault.bytes` of JSON-looking filler, honouring backpressure, until done or closed. */
  async function flood(
    res: ServerResponse,
    path: string,
    fault: Extract<SimFault, { kind: 'flood' }>,
  ): Promise<void> {
    const record: FloodRecord = {
      path,
      bytes: fault.bytes,
      written: 0,
      completed: false,
      aborted: false,
    };
    floods.push(record);
    res.on('close', () => {
      if (!record.completed) record.aborted = true;
    });
    res.writeHead(fault.status ?? 200, {
      'Content-Type': 'application/json',
      ...(fault.declareLength ? { 'Content-Length': String(fault.bytes) } : {}),
    });
    const chunk = Buffer.alloc(64 * 1024, 'A');
    while (record.written < fault.bytes && !record.aborted && !res.destroyed) {
      const n = Math.min(chunk.length, fault.bytes - record.written);
      const ok = res.write(n === chunk.length ? chunk : chunk.subarray(0, n));
      record.written += n;
      if (!ok) {
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.on('drain', done);
          res.on('close', done);
        });
      }
    }
    if (!record.aborted && !res.destroyed) {
      res.end();
      record.completed = true;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const headers = flatHeaders(req);
    const known = knownPaths.get(url.pathname);
    const recorded: RecordedRequest = {
      at: now(),
      broker: known?.broker,
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      rawQuery: url.search.replace(/^\?/, ''),
      headers,
      body,
      ...parseBodies(headers['content-type'] ?? '', body),
    };
    requests.push(recorded);
    const entry = routes.get(`${method} ${url.pathname}`);

    let fault = takeFault(method, url.pathname);
    if (fault?.kind === 'slow') {
      await delay(fault.delayMs);
      fault = undefined;
    }
    if (fault?.kind === 'flood') {
      entry?.route.onFault?.(recorded);
      await flood(res, url.pathname, fault);
      return;
    }
    if (fault) {
      entry?.route.onFault?.(recorded);
      const reply = faultReply(fault, known);
      if (reply === 'drop') {
        req.socket.destroy();
        return;
      }
      send(res, reply);
      return;
    }
    // The root page lists the endpoints and the test apps (root-page.ts).
    if (!entry && method === 'GET' && url.pathname === '/') {
      send(
        res,
        rootPage({
          host: headers.host ?? '',
          routes: [...routes.values()].map(({ broker, route }) => ({
            broker: broker.broker,
            method: route.method,
            path: route.path,
          })),
          apps: options.apps ?? DEFAULT_SIM_APPS,
          users: { ...DEFAULT_SIM_USERS, ...options.users },
        }),
      );
      return;
    }
    if (!entry) {
      send(res, {
        status: known ? 405 : 404,
        json: { status: 'error', message: `simulator: no ${method} ${url.pathname}` },
      });
      return;
    }
    send(res, entry.route.handle(recorded));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      console.error('broker simulator: handler failed', e);
      send(res, { status: 500, text: 'simulator bug' });
    });
  });

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });

  const port = await listen(options.port ?? 0);
  const url = `http://127.0.0.1:${port}`;
  const baseUrls = simulatorBrokerBases(url);

  return {
    url,
    port,
    baseUrls,
    requests,
    floods,
    requestsTo: (method, path) =>
      requests.filter((r) => r.method === method.toUpperCase() && r.path === path),
    clearRequests: () => void requests.splice(0),
    inject: (rule) => {
      faults.push({ rule, left: rule.times ?? 1 });
    },
    clearFaults: () => void faults.splice(0),
    app: (broker) => state.defaultApp(broker),
    registerApp: (app) => state.registerApp(app),
    issueGrant: (broker, apiKey) => {
      const app = apiKey === undefined ? state.defaultApp(broker) : state.app(broker, apiKey);
      if (!app) throw new Error(`no ${broker} app with key ${apiKey ?? '?'} is registered`);
      return state.newGrant(app);
    },
    grantUsed: (code) => state.grantUsed(code),
    tokenStatus: (broker, token, kind = 'access') => state.tokenStatus(broker, token, kind),
    revokeToken: (token) => state.revoke(token),
    revokeAll: (broker) => state.revokeWhere((t) => broker === undefined || t.broker === broker),
    setOffline: async (offline) => {
      if (offline && server.listening) {
        await stop();
        // Let clients see their pooled keep-alive sockets close: a request written to a stale socket
        // is "maybe sent", not "connection refused", and that is not what going offline simulates.
        await new Promise((resolve) => setTimeout(resolve, 50));
      } else if (!offline && !server.listening) await listen(port);
    },
    now,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      if (server.listening) await stop();
    },
  };
}
