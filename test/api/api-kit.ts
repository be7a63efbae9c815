/**
 * The app harness (real simulator, adapters, settings file, .env exports, keychain) plus the local
 * API on top of it: the CLI socket in a private temp folder and the HTTP server on 127.0.0.1:0 with
 * one key per scope. Closed after each test, including every server and child it started.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { startLocalApi, type LocalApi } from '../../electron/core/api/local-api';
import { createKeytarSecretStore } from '../../electron/core/secrets/keytar-secret-store';
import type { AppHarness } from '../helpers/app-harness';
import { startTestApp } from '../core/app-kit';
import { testService } from '../secrets/keyring';

export { keyringAvailable, requireKeyringInCi, ist, M, H } from '../core/app-kit';

export interface ApiApp {
  readonly h: AppHarness;
  readonly api: LocalApi;
  readonly base: string;
  readonly port: number;
  readonly statusKey: string;
  readonly tokenKey: string;
  /** Keychain service of the accounts' secrets (the CLI reads it without the app). */
  readonly keychainService: string;
  readonly socketPath: string;
  readonly runtimeDir: string;
}

const open: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close();
});

export async function startApiApp(options: {
  start: Date;
  /** Turn the HTTP API on (default); the CLI socket always runs. */
  http?: boolean;
}): Promise<ApiApp> {
  const keychainService = testService();
  const h = await startTestApp({
    start: options.start,
    secrets: createKeytarSecretStore({ service: keychainService }),
  });
  const runtimeDir = mkdtempSync(join(tmpdir(), 'tokentray-run-'));
  const socketPath = join(runtimeDir, 'tokentray', 'cli.sock');
  const apiKeySecrets = createKeytarSecretStore({ service: `${keychainService}-api` });
  if (options.http !== false) {
    await h.app.service.savePreferences({
      ...h.app.service.getPreferences(),
      localApi: { enabled: true, port: 5056 },
    });
  }
  const api = await startLocalApi({
    commands: h.app.commands,
    subscribe: (l) => h.app.service.subscribe(l),
    snapshot: () => h.app.service.snapshot(),
    preferences: () => h.app.service.getPreferences(),
    savePreferences: (p) => h.app.service.savePreferences(p),
    clock: h.clock,
    logger: h.logger,
    apiKeySecrets,
    socketPath,
    portOverride: 0,
  });
  open.push(async () => {
    await api.close();
    await api.vault.revoke('status').catch(() => undefined);
    await api.vault.revoke('token').catch(() => undefined);
    rmSync(runtimeDir, { recursive: true, force: true });
  });
  const statusKey = await api.regenerateKey('status');
  const tokenKey = await api.regenerateKey('token');
  const port = api.http()?.port ?? 0;
  return {
    h,
    api,
    base: `http://127.0.0.1:${port}`,
    port,
    statusKey,
    tokenKey,
    keychainService,
    socketPath,
    runtimeDir,
  };
}

/** A small SSE reader over fetch: collects events until told to stop. */
export interface SseClient {
  readonly events: { id: string; event: string; data: Record<string, unknown> }[];
  readonly raw: string[];
  next(
    predicate?: (e: { event: string }) => boolean,
    timeoutMs?: number,
  ): Promise<{ id: string; event: string; data: Record<string, unknown> }>;
  close(): void;
}

export async function openSse(url: string, key: string, lastEventId?: string): Promise<SseClient> {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: {
      authorization: `Bearer ${key}`,
      ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
    },
    signal: controller.signal,
  });
  if (res.status !== 200 || !res.body) throw new Error(`SSE answered ${res.status}`);
  const events: SseClient['events'] = [];
  const raw: string[] = [];
  const waiters: (() => void)[] = [];
  let consumed = 0;
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          raw.push(block);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const i = line.indexOf(':');
            if (i > 0) fields[line.slice(0, i)] = line.slice(i + 1).trimStart();
          }
          if (fields.event && fields.data !== undefined) {
            events.push({
              id: fields.id ?? '',
              event: fields.event,
              data: JSON.parse(fields.data) as Record<string, unknown>,
            });
          }
          for (const w of waiters.splice(0)) w();
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    events,
    raw,
    async next(predicate = () => true, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (consumed < events.length) {
          const e = events[consumed++];
          if (e && predicate(e)) return e;
        }
        if (Date.now() > deadline) throw new Error('no SSE event in time');
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
    close: () => controller.abort(),
  };
}
