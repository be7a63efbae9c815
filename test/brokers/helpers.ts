/**
 * Test plumbing for the broker adapters: a simulator + adapters wired to it over real loopback HTTP,
 * a shared settable clock, a fake sleep that records backoff delays, a Logger that records
 * everything it is given (unredacted, so a leaked secret shows), and a driver for the simulator's
 * login pages.
 */
import { DateTime } from 'luxon';
import { expect } from 'vitest';
import type { BrokerId } from '../../shared/brokers';
import { createBrokerAdapters, type BrokerAdapterOptions } from '../../electron/core/brokers';
import type { BrokerAdapter, LoginGrant, TokenContext } from '../../electron/core/brokers/types';
import { TokenTrayError } from '../../electron/core/errors';
import {
  DEFAULT_SIM_APPS,
  DEFAULT_SIM_USERS,
  startBrokerSimulator,
  type BrokerSimulator,
  type BrokerSimulatorOptions,
} from '../simulator/index';

import { RecordingLogger } from '../helpers/recording-logger';

export { RecordingLogger };
export type { LogEntry } from '../helpers/recording-logger';

/** An IST wall-clock time ('2026-03-10T05:00:00') as an instant. */
export const ist = (iso: string): Date =>
  DateTime.fromISO(iso, { zone: 'Asia/Kolkata' }).toJSDate();
/** An instant as its IST wall clock, to the second ('2026-03-10T05:00:00'). */
export const asIst = (d: Date): string =>
  DateTime.fromJSDate(d, { zone: 'Asia/Kolkata' }).toFormat("yyyy-MM-dd'T'HH:mm:ss");

/** A clock both the simulator and the adapters read; tests move it. */
export class TestClock {
  constructor(private t: Date) {}
  now = (): Date => new Date(this.t.getTime());
  set(t: Date | string): void {
    this.t = new Date(t);
  }
  advance(ms: number): void {
    this.t = new Date(this.t.getTime() + ms);
  }
}

/** Tue 10 Mar 2026, 10:00 IST: a plain trading-day morning. */
export const T0 = new Date('2026-03-10T10:00:00+05:30');

export interface Harness {
  readonly sim: BrokerSimulator;
  readonly adapters: Record<BrokerId, BrokerAdapter>;
  readonly clock: TestClock;
  readonly logger: RecordingLogger;
  /** Delays the adapters asked to sleep, in order. */
  readonly sleeps: number[];
  /** Builds adapters with extra options (same simulator, clock, logger and sleep). */
  adaptersWith(options: BrokerAdapterOptions): Record<BrokerId, BrokerAdapter>;
  close(): Promise<void>;
}

export async function startHarness(
  options: { sim?: BrokerSimulatorOptions; adapters?: BrokerAdapterOptions } = {},
): Promise<Harness> {
  const clock = new TestClock(T0);
  const sim = await startBrokerSimulator({ now: clock.now, ...options.sim });
  const logger = new RecordingLogger();
  const sleeps: number[] = [];
  const base: BrokerAdapterOptions = {
    baseUrls: sim.baseUrls,
    now: clock.now,
    logger,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    random: () => 0.5,
    timeoutMs: 2_000,
  };
  const adaptersWith = (extra: BrokerAdapterOptions) =>
    createBrokerAdapters({ ...base, ...options.adapters, ...extra });
  return {
    sim,
    adapters: adaptersWith({}),
    clock,
    logger,
    sleeps,
    adaptersWith,
    close: () => sim.close(),
  };
}

export function credentialsOf(sim: BrokerSimulator, broker: BrokerId) {
  const app = sim.app(broker);
  return {
    apiKey: app.apiKey,
    apiSecret: app.apiSecret,
    redirectUri: app.redirectUri,
    ...(app.clientId !== undefined ? { clientId: app.clientId } : {}),
  };
}

export const STATE = 'st4te-Of-This-Login_0123456789abcdef';

/**
 * What TokenService hands validate/logout for a token of the simulated user: the user id the
 * exchange named and the app's client ID (Shoonya's calls must name the user; Dhan's the client).
 */
export function simTokenContext(broker: BrokerId): TokenContext {
  const clientId = DEFAULT_SIM_APPS.find((a) => a.broker === broker)?.clientId;
  return {
    userId: DEFAULT_SIM_USERS[broker].userId,
    ...(clientId !== undefined ? { clientId } : {}),
  };
}

/**
 * Drives the simulator's real login page over HTTP: GET the authorize URL the adapter built, check
 * it is the form, POST the chosen button, and return the 302's Location (the redirect the login
 * window would catch).
 */
export async function submitLoginPage(
  harness: Harness,
  broker: BrokerId,
  decision: 'login' | 'cancel',
  state = STATE,
): Promise<string> {
  const creds = credentialsOf(harness.sim, broker);
  const { apiKey, redirectUri } = creds;
  const adapter = harness.adapters[broker];
  // A broker whose login page exists only after a server call (Dhan) opens it like the login flow.
  const authorizeUrl = adapter.startLogin
    ? await adapter.startLogin(creds, state)
    : adapter.authorizeUrl({ apiKey, redirectUri, state });
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('id="sim-login"');
  expect(html).toContain('id="sim-cancel"');
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
  expect(action).toBeDefined();
  const post = await fetch(new URL(action!, authorizeUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: `decision=${decision}`,
    redirect: 'manual',
  });
  expect(post.status).toBe(302);
  const location = post.headers.get('location');
  expect(location).toBeTruthy();
  return location!;
}

/** Logs in through the page and parses the redirect like the login flow does. */
export async function loginGrant(harness: Harness, broker: BrokerId): Promise<LoginGrant> {
  const location = await submitLoginPage(harness, broker, 'login');
  const { redirectUri } = credentialsOf(harness.sim, broker);
  const adapter = harness.adapters[broker];
  expect(adapter.isRedirect(location, redirectUri)).toBe(true);
  return adapter.parseRedirect(location, { redirectUri, state: STATE });
}

/** Awaits a rejection and returns it as a TokenTrayError (fails the test otherwise). */
export async function rejection(promise: Promise<unknown>): Promise<TokenTrayError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(TokenTrayError);
    return e as TokenTrayError;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/** Runs a synchronous call and returns what it threw as a TokenTrayError. */
export function thrown(fn: () => unknown): TokenTrayError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TokenTrayError);
    return e as TokenTrayError;
  }
  throw new Error('expected the call to throw, but it returned');
}
