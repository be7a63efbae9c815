/**
 * Redis target against real redis-server children (random port, requirepass, an ACL user limited to
 * `tokentray:*`): the bot's side is read as a bot reads it — another ACL user GETs the key, checks its
 * PTTL, reads the hash and hears the event. Faults: server down, wrong password, a prefix the ACL
 * forbids, a read-only replica, TLS with and without the CA file.
 */
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverRedis, redisKeys, testRedis } from '../../electron/core/export/redis';
import type { ExportPayload } from '../../electron/core/ports';
import { redisExportTargetSchema } from '../../shared/remote-targets';
import { makeTestCa, type TestCa } from '../helpers/https-receiver';
import { RecordingLogger } from '../helpers/recording-logger';
import {
  REDIS_ADMIN_PASSWORD,
  REDIS_BOT_PASSWORD,
  startRedisServer,
  type TestRedis,
} from '../helpers/redis-server';

const TOKEN = 'fake-access-token-REDIS-0123456789abcdef';

function payload(expiresInMs = 6 * 3600_000, token = TOKEN): ExportPayload {
  return {
    accountId: 'kite-main',
    broker: 'kite',
    accessToken: token,
    issuedAt: new Date(),
    expiresAt: new Date(Date.now() + expiresInMs),
    apiKey: 'fake-api-key',
    userId: 'ZX9999',
  };
}

let primary: TestRedis;
let replica: TestRedis;
let tlsRedis: TestRedis;
let ca: TestCa;

beforeAll(async () => {
  ca = makeTestCa();
  primary = await startRedisServer();
  [replica, tlsRedis] = await Promise.all([
    startRedisServer({ replicaOf: primary }),
    startRedisServer({ tls: ca }),
  ]);
}, 30_000);

afterAll(async () => {
  await Promise.all([primary?.stop(), replica?.stop(), tlsRedis?.stop()]);
  ca?.remove();
});

/** A bot: its own ACL user, read-only on our keys. */
async function bot(url: string, extra: object = {}) {
  // Credentials in the URL: node-redis ignores a separate password when the URL names a user.
  const client = createClient({
    url: url.replace('tokentray@', 'reader:fake-reader-pw@'),
    ...extra,
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

const target = (url: string, prefix?: string, caFile?: string) =>
  redisExportTargetSchema.parse({
    kind: 'redis',
    url,
    ...(prefix !== undefined ? { prefix } : {}),
    ...(caFile ? { caFile } : {}),
  });

describe('redis target', () => {
  it('sets the token with PXAT at its expiry, the hash and the event without the token', async () => {
    const reader = await bot(primary.url);
    const subscriber = reader.duplicate();
    subscriber.on('error', () => undefined);
    await subscriber.connect();
    const messages: string[] = [];
    await subscriber.subscribe('tokentray:events', (m) => messages.push(m));
    try {
      const p = payload();
      const logger = new RecordingLogger();
      await deliverRedis(target(primary.url), p, REDIS_BOT_PASSWORD, { logger });
      const keys = redisKeys('tokentray:', 'kite-main');
      expect(await reader.get(keys.token)).toBe(TOKEN);
      const pttl = await reader.pTTL(keys.token);
      const left = p.expiresAt.getTime() - Date.now();
      expect(pttl).toBeGreaterThan(left - 5_000);
      expect(pttl).toBeLessThanOrEqual(left + 50);
      expect(await reader.hGetAll(keys.hash)).toEqual({
        expires_at: p.expiresAt.toISOString(),
        broker: 'kite',
        user_id: 'ZX9999',
      });
      for (let i = 0; i < 100 && messages.length === 0; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(messages.map((m) => JSON.parse(m) as unknown)).toEqual([
        { account: 'kite-main', expires_at: p.expiresAt.toISOString() },
      ]);
      expect(messages.join('')).not.toContain(TOKEN);
      expect(logger.text()).not.toContain(TOKEN);
      expect(logger.text()).not.toContain(REDIS_BOT_PASSWORD);
    } finally {
      subscriber.destroy();
      reader.destroy();
    }
  });

  it('the key vanishes when the token dies', async () => {
    const reader = await bot(primary.url);
    try {
      await deliverRedis(
        target(primary.url, 'tokentray:short:'),
        payload(300, 'fake-short-lived-token-000000'),
        REDIS_BOT_PASSWORD,
      );
      const key = redisKeys('tokentray:short:', 'kite-main').token;
      expect(await reader.get(key)).toBe('fake-short-lived-token-000000');
      let value: string | null = 'still there';
      for (let i = 0; i < 200 && value !== null; i++) {
        await new Promise((r) => setTimeout(r, 20));
        value = await reader.get(key);
      }
      expect(value).toBeNull();
    } finally {
      reader.destroy();
    }
  });

  it('a wrong password is refused with words that hold neither password nor token', async () => {
    const err = (await deliverRedis(target(primary.url), payload(), 'fake-wrong-password').catch(
      (e: unknown) => e,
    )) as Error;
    expect(err.message).toMatch(/refused the user name or password \(WRONGPASS\)/);
    expect(err.message).not.toContain('fake-wrong-password');
    expect(err.message).not.toContain(TOKEN);
  });

  it('a prefix outside what the ACL user may write is NOPERM, and nothing is written', async () => {
    const err = (await deliverRedis(
      target(primary.url, 'other:'),
      payload(),
      REDIS_BOT_PASSWORD,
    ).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/ACL user may not write/);
    const admin = createClient({
      url: `redis://127.0.0.1:${primary.port}`,
      password: REDIS_ADMIN_PASSWORD,
    });
    await admin.connect();
    try {
      expect(await admin.exists('other:kite-main:access_token')).toBe(0);
    } finally {
      admin.destroy();
    }
  });

  it('a read-only replica is refused as a whole (READONLY) and keeps what it had', async () => {
    const err = (await deliverRedis(
      target(replica.url, 'tokentray:replica:'),
      payload(),
      REDIS_BOT_PASSWORD,
    ).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/read-only replica: point TokenTray at the primary/);
    const reader = await bot(replica.url);
    try {
      expect(await reader.get(redisKeys('tokentray:replica:', 'kite-main').token)).toBeNull();
    } finally {
      reader.destroy();
    }
  });

  it('Redis down: connection refused, said plainly', async () => {
    const down = await startRedisServer();
    const url = down.url;
    await down.stop();
    const err = (await deliverRedis(target(url), payload(), REDIS_BOT_PASSWORD, {
      connectTimeoutMs: 1_000,
    }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/connection refused/);
  });

  it('rediss:// with the CA file works; without it the certificate is refused', async () => {
    await deliverRedis(target(tlsRedis.url, undefined, ca.caFile), payload(), REDIS_BOT_PASSWORD);
    const reader = await bot(tlsRedis.url, { socket: { tls: true, ca: ca.caPem } });
    try {
      expect(await reader.get(redisKeys('tokentray:', 'kite-main').token)).toBe(TOKEN);
    } finally {
      reader.destroy();
    }
    const err = (await deliverRedis(target(tlsRedis.url), payload(), REDIS_BOT_PASSWORD, {
      connectTimeoutMs: 2_000,
    }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/TLS certificate was not accepted/);
  });

  it('Test connection writes only a short-lived test key', async () => {
    const message = await testRedis(target(primary.url), REDIS_BOT_PASSWORD);
    expect(message).toMatch(/^Connected to redis:\/\/127\.0\.0\.1:\d+\/tokentray:/);
  });

  it('refuses a URL with a password in it', () => {
    expect(
      redisExportTargetSchema.safeParse({ kind: 'redis', url: 'redis://u:pw@h:6379' }).success,
    ).toBe(false);
  });
});
