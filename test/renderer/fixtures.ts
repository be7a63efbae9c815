/**
 * Test doubles for the renderer: AccountView/snapshot builders and a fake `TokenTrayApi` whose every
 * method is a spy, plus `push()` to publish a snapshot the way main does.
 */
import { vi, type Mock } from 'vitest';
import { expiresAtKeyFor } from '../../shared/brokers';
import {
  DEFAULT_ACCOUNT_THRESHOLDS,
  preferencesSchema,
  type AccountView,
  type ActivityEntry,
  type Preferences,
  type Snapshot,
} from '../../shared/domain';
import type { CommandResult, TokenTrayApi } from '../../shared/ipc-contract';
import type { Clock } from '../../renderer/clock';

/** 09:05 IST on Wed 25 Nov 2026 (a trading day). */
export const NOW = Date.parse('2026-11-25T03:35:00.000Z');
export const MIN = 60_000;
export const HOUR = 60 * MIN;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function account(over: Partial<AccountView> = {}): AccountView {
  const broker = over.broker ?? 'upstox';
  const tokenKey = `${broker.toUpperCase()}_ACCESS_TOKEN`;
  return {
    id: 'upstox-personal',
    broker,
    label: 'Personal',
    status: 'valid',
    // Logged in at 08:05 IST today: dies at 03:30 IST tomorrow, as Upstox tokens do.
    expiresAt: '2026-11-25T22:00:00.000Z',
    issuedAt: iso(NOW - HOUR),
    refreshExpiresAt: null,
    lastRefreshAt: iso(NOW - HOUR),
    lastValidatedAt: null,
    tokenMasked: 'eyJ0…k3Xq',
    userName: 'DEMO USER',
    busy: null,
    lastError: null,
    exportTargets: [
      {
        kind: 'env',
        path: '/home/demo/bots/personal/.env',
        tokenKey,
        expiresAtKey: expiresAtKeyFor(tokenKey),
        extra: {},
      },
    ],
    lastExport: [],
    autoRefresh: false,
    canRefresh: false,
    hasPin: false,
    apiKey: 'demo-key-0000',
    redirectUri: 'http://127.0.0.1:5055/upstox/callback',
    thresholds: DEFAULT_ACCOUNT_THRESHOLDS,
    ...over,
  };
}

export function snapshot(accounts: AccountView[], at = NOW): Snapshot {
  return { at: iso(at), accounts, notificationsPausedUntil: null };
}

type Spied<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? Mock<(...args: A) => R> : T[K];
};

export interface FakeApi extends Spied<TokenTrayApi> {
  /** Publishes a snapshot to every subscriber, as main does. */
  push(s: Snapshot): void;
  listenerCount(): number;
}

const ok = (): Promise<CommandResult> => Promise.resolve({ ok: true });

export function fakeApi(
  initial: Snapshot,
  options: { preferences?: Partial<Preferences>; activity?: ActivityEntry[] } = {},
): FakeApi {
  const listeners = new Set<(s: Snapshot) => void>();
  const prefs = preferencesSchema.parse(options.preferences ?? {});
  return {
    getSnapshot: vi.fn(() => Promise.resolve(initial)),
    login: vi.fn(ok),
    refresh: vi.fn(ok),
    validate: vi.fn(ok),
    forget: vi.fn(ok),
    saveAccount: vi.fn(ok),
    openExportFolder: vi.fn(ok),
    chooseEnvFile: vi.fn(() => Promise.resolve({ path: '/home/demo/bots/new/.env' })),
    getPreferences: vi.fn(() => Promise.resolve(prefs)),
    savePreferences: vi.fn(ok),
    listActivity: vi.fn(() => Promise.resolve(options.activity ?? [])),
    onSnapshot: vi.fn((listener: (s: Snapshot) => void) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    }),
    push: (s) => {
      for (const l of listeners) l(s);
    },
    listenerCount: () => listeners.size,
  };
}

/** A clock the test moves by hand. */
export function manualClock(
  start = NOW,
): Clock & { set(ms: number): void; advance(ms: number): void } {
  let t = start;
  const listeners = new Set<() => void>();
  return {
    now: () => t,
    set(ms) {
      t = ms;
      for (const l of listeners) l();
    },
    advance(ms) {
      this.set(t + ms);
    },
    onJump(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Pretends the window was hidden or shown (jsdom is always "visible"). */
export function setVisibility(state: DocumentVisibilityState): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
}
