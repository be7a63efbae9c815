/**
 * The dispatcher, its secrets and the delivery retry together, with the real keychain (a private
 * gnome-keyring: scripts/with-keyring.sh), a real file, a real redis-server, a real sshd and a
 * loopback HTTPS receiver: one token goes to every target; each fails on its own with its label;
 * a failed delivery is retried while the token is valid (and not after); "Retry delivery" retries
 * now; no secret reaches the settings or the log.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFileExporter } from '../../electron/core/export/file-exporter';
import { createRemoteDelivery } from '../../electron/core/export/remote-delivery';
import { deliverRemoteTargets, type DeliveryRecord } from '../../electron/core/export/targets';
import { SIGNATURE_HEADER, verifySignature } from '../../electron/core/export/webhook-signature';
import type { ExportPayload } from '../../electron/core/ports';
import { createKeytarSecretStore } from '../../electron/core/secrets/keytar-secret-store';
import { accountConfigSchema } from '../../shared/domain';
import { remoteExportTargetSchema } from '../../shared/remote-targets';
import { FakeClock } from '../helpers/fake-clock';
import {
  makeTestCa,
  startHttpsReceiver,
  type HttpsReceiver,
  type TestCa,
} from '../helpers/https-receiver';
import { RecordingLogger } from '../helpers/recording-logger';
import { REDIS_BOT_PASSWORD, startRedisServer, type TestRedis } from '../helpers/redis-server';
import { makeUserKey, startSshd, type TestSshd } from '../helpers/sshd';
import { keyringAvailable, requireKeyringInCi, testService } from '../secrets/keyring';

requireKeyringInCi();

const TOKEN = 'fake-access-token-DELIVERY-0123456789abcdef';
const WEBHOOK_SECRET = 'fake-webhook-secret-DELIVERY-01';
// Real now: Redis expires keys by its own clock (PXAT), so the token's expiry must be ahead of it.
const START = new Date();

let ca: TestCa;
let receiver: HttpsReceiver;
let redis: TestRedis;
let sshd: TestSshd;
let dir: string;

beforeAll(async () => {
  if (!keyringAvailable) return;
  dir = mkdtempSync(join(tmpdir(), 'tokentray-delivery-'));
  ca = makeTestCa();
  const key = makeUserKey(dir, 'id');
  [receiver, redis, sshd] = await Promise.all([
    startHttpsReceiver(ca),
    startRedisServer(),
    startSshd({ authorizedKeys: [key.publicKey] }),
  ]);
}, 30_000);

afterAll(async () => {
  await Promise.all([receiver?.close(), redis?.stop(), sshd?.stop()]);
  ca?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function payload(clock: FakeClock, hours = 6): ExportPayload {
  return {
    accountId: 'upstox-main',
    broker: 'upstox',
    accessToken: TOKEN,
    issuedAt: clock.now(),
    expiresAt: new Date(clock.now().getTime() + hours * 3600_000),
    apiKey: 'fake-api-key',
    userId: 'AB1234',
  };
}

function setup() {
  const clock = new FakeClock(START);
  const logger = new RecordingLogger();
  const secrets = createKeytarSecretStore({ service: testService(), logger });
  const remote = createRemoteDelivery({
    local: createFileExporter({ logger }),
    secrets,
    logger,
    clock,
    webhook: { ca: ca.caPem, backoffMs: () => 1, timeoutMs: 2_000 },
    redis: { connectTimeoutMs: 2_000 },
  });
  const outcomes: DeliveryRecord[] = [];
  remote.attach({ recordDelivery: (_id, record) => outcomes.push(record) });
  return { clock, logger, secrets, remote, outcomes };
}

const webhook = () => remoteExportTargetSchema.parse({ kind: 'webhook', url: receiver.url });

describe.skipIf(!keyringAvailable)('remote delivery with the real keychain', () => {
  it('one token to a file, Redis and a webhook; a bad SSH target fails alone, with its label', async () => {
    const { clock, logger, remote } = setup();
    await remote.commands.setSecret('upstox-main', 'webhook-secret', WEBHOOK_SECRET);
    await remote.commands.setSecret('upstox-main', 'redis-password', REDIS_BOT_PASSWORD);
    receiver.requests.length = 0;
    receiver.script([]);
    const file = join(dir, 'bot.env');
    const p = payload(clock);
    await remote.exporter.export(
      {
        kind: 'env',
        path: file,
        tokenKey: 'UPSTOX_ACCESS_TOKEN',
        expiresAtKey: 'UPSTOX_EXPIRES_AT',
        extra: {},
      },
      p,
    );
    const targets = [
      remoteExportTargetSchema.parse({ kind: 'redis', url: redis.url }),
      webhook(),
      remoteExportTargetSchema.parse({
        kind: 'ssh',
        host: '127.0.0.1',
        port: sshd.port,
        username: 'root',
        path: join(dir, 'remote.env'),
        auth: 'key',
        privateKeyPath: join(dir, 'id'),
        hostKeySha256: 'SHA256:' + 'B'.repeat(43),
      }),
    ];
    const notes: string[] = [];
    const records = await deliverRemoteTargets(remote.exporter, targets, p, clock.now(), (_l, m) =>
      notes.push(m),
    );
    expect(records.map((r) => [r.path, r.ok])).toEqual([
      [`redis://127.0.0.1:${redis.port}/tokentray:`, true],
      [receiver.url, true],
      [`ssh://root@127.0.0.1:${sshd.port}${join(dir, 'remote.env')}`, false],
    ]);
    expect(records[2]?.message).toMatch(/host key has CHANGED/);
    expect(readFileSync(file, 'utf8')).toContain(TOKEN);
    // The webhook was signed with the secret from the keychain.
    const req = receiver.requests[0]!;
    expect(
      verifySignature(
        WEBHOOK_SECRET,
        req.body,
        req.headers[SIGNATURE_HEADER.toLowerCase()] as string,
      ),
    ).toBe(true);
    const reader = createClient({ url: redis.url.replace('tokentray@', 'reader:fake-reader-pw@') });
    await reader.connect();
    try {
      expect(await reader.get('tokentray:upstox-main:access_token')).toBe(TOKEN);
    } finally {
      reader.destroy();
    }
    for (const secret of [TOKEN, WEBHOOK_SECRET, REDIS_BOT_PASSWORD]) {
      expect(logger.text()).not.toContain(secret);
      expect(notes.join('\n')).not.toContain(secret);
      expect(records.map((r) => r.message ?? '').join('\n')).not.toContain(secret);
    }
    expect(logger.registered.has(WEBHOOK_SECRET)).toBe(true);
    remote.stop();
  });

  it('retries a failed delivery while the token is valid; the account gets the new outcome', async () => {
    const { clock, remote, outcomes } = setup();
    await remote.commands.setSecret('upstox-main', 'webhook-secret', WEBHOOK_SECRET);
    receiver.requests.length = 0;
    receiver.script([400], 200);
    await expect(remote.exporter.export(webhook(), payload(clock))).rejects.toThrow(/HTTP 400/);
    expect(remote.retry.pendingFor('upstox-main')).toEqual([receiver.url]);
    clock.advance(30_000);
    expect(receiver.requests).toHaveLength(1);
    clock.advance(30_000); // one minute after the failure
    await vi.waitFor(() => expect(outcomes).toHaveLength(1));
    expect(outcomes[0]).toMatchObject({ path: receiver.url, ok: true });
    expect(receiver.requests).toHaveLength(2);
    expect(remote.retry.pendingFor('upstox-main')).toEqual([]);
    remote.stop();
  });

  it('stops retrying once the token has expired', async () => {
    const { clock, remote, outcomes } = setup();
    await remote.commands.setSecret('upstox-main', 'webhook-secret', WEBHOOK_SECRET);
    receiver.requests.length = 0;
    receiver.script([], 400);
    await expect(remote.exporter.export(webhook(), payload(clock, 0.02))).rejects.toThrow(); // 72 s
    clock.advance(60_000);
    await vi.waitFor(() => expect(outcomes).toHaveLength(1));
    expect(outcomes[0]?.ok).toBe(false);
    clock.advance(60_000);
    clock.advance(60_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(receiver.requests).toHaveLength(2);
    expect(remote.retry.pendingFor('upstox-main')).toEqual([]);
    expect(clock.pendingTimers).toBe(0);
    remote.stop();
  });

  it('"Retry delivery" tries now, and says when nothing waits', async () => {
    const { clock, remote } = setup();
    await remote.commands.setSecret('upstox-main', 'webhook-secret', WEBHOOK_SECRET);
    receiver.script([500, 500, 500, 500], 200);
    await expect(remote.exporter.export(webhook(), payload(clock))).rejects.toThrow(/HTTP 500/);
    await remote.commands.retryDelivery('upstox-main');
    await expect(remote.commands.retryDelivery('upstox-main')).rejects.toThrow(/Nothing to retry/);
    remote.stop();
  });

  it('a webhook without a secret in the keychain sends nothing', async () => {
    const { clock, remote } = setup();
    receiver.requests.length = 0;
    await expect(remote.exporter.export(webhook(), payload(clock))).rejects.toThrow(
      /no webhook secret in the keychain, so nothing was sent/,
    );
    expect(receiver.requests).toHaveLength(0);
    remote.stop();
  });

  it('a secret typed into a target never reaches the settings', () => {
    const config = accountConfigSchema.parse({
      id: 'upstox-main',
      broker: 'upstox',
      label: 'Main',
      apiKey: 'fake-api-key',
      redirectUri: 'http://127.0.0.1:5055/upstox/callback',
      remoteTargets: [
        { kind: 'redis', url: 'redis://bot@127.0.0.1:6379', password: 'fake-typed-password' },
        { kind: 'webhook', url: 'https://bots.example.com/hook', secret: 'fake-typed-secret' },
      ],
    });
    expect(JSON.stringify(config)).not.toMatch(/fake-typed/);
  });
});
