/**
 * Issue 10 in the trading week: the "second host" of a trader's bots. A real loopback `sshd` (the
 * VPS: each account's bot `.env` lives there, delivered over SFTP) and a real `redis-server` (the
 * shared store), started here and stopped by pid in `stop()`. Two bots read them the way a bot does:
 *
 * - the SSH bot keeps one SSH connection (its own key, the pinned host key) and, at each simulated
 *   market minute, reads every account's remote `.env` over SFTP and parses it with npm `dotenv`;
 * - the Redis bot (a read-only ACL user) does `GET <prefix><account>:access_token`, `PTTL` of that
 *   key and `HGETALL <prefix><account>` at each simulated market minute.
 *
 * A minute is stale for a bot when what it read does not work at the broker simulator at that
 * simulated minute (no value, or a token the simulator calls expired/revoked); for Redis also when
 * the key has no TTL left or the hash's `expires_at` is not after that minute.
 *
 * Redis expires keys by its own, real clock (`SET … PXAT`), while the week runs on a FakeClock in
 * Dec 2026. So the Redis target alone gets the expiry mapped onto real time, shifted by the constant
 * `offsetMs` = (real time when the run starts − WEEK_START): the key still vanishes when the shifted
 * expiry passes, and the Redis bot shifts `expires_at` back before comparing it with the simulated
 * minute. The SSH `.env` carries the true simulated expiry.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { createClient } from 'redis';
import ssh2 from 'ssh2';
import {
  createRemoteDelivery,
  type RemoteDelivery,
} from '../../electron/core/export/remote-delivery';
import type { Clock, Exporter, Logger, SecretStore } from '../../electron/core/ports';
import { BROKERS, expiresAtKeyFor, type BrokerId } from '../../shared/brokers';
import {
  REMOTE_SECRET_KIND,
  remoteExportTargetSchema,
  type RemoteExportTarget,
} from '../../shared/remote-targets';
import {
  REDIS_BOT_PASSWORD,
  startRedisServer,
  type TestRedis,
} from '../../test/helpers/redis-server';
import { makeUserKey, startSshd, type TestSshd } from '../../test/helpers/sshd';

const PREFIX = 'tokentray:';
/** The read-only ACL user the redis-server helper makes (docs/bots.md's "bot" user). */
const READER_URL = (port: number) => `redis://reader:fake-reader-pw@127.0.0.1:${port}`;

/** What one bot read for one account at one simulated minute. */
export interface RemoteReading {
  readonly token: string | undefined;
  /** Redis only: the key's PTTL (ms; -2 no key, -1 no expiry). */
  readonly pttl?: number;
  /** Redis only: the hash's expires_at, mapped back to the simulated clock. */
  readonly expiresAt?: Date;
}

export interface RemoteHosts {
  readonly sshd: TestSshd;
  readonly redis: TestRedis;
  /** Remote deliveries that failed (each is retried by the delivery retry; a figure of the run). */
  readonly failures: { at: Date; accountId: string; kind: string; message: string }[];
  /** The real-time shift of the Redis target's expiry (see the file comment). */
  readonly offsetMs: number;
  /** The account's SSH and Redis targets. */
  targets(accountId: string, broker: BrokerId): RemoteExportTarget[];
  /** Stores the account's Redis ACL password in its keychain entry (the SSH key has none). */
  storeSecrets(secrets: SecretStore, accountId: string): Promise<void>;
  /** For the harness's `wrapExporter`: remote delivery over the app's exporter. */
  wrapExporter(
    local: Exporter,
    context: { readonly clock: Clock; readonly logger: Logger },
    secrets: SecretStore,
  ): Exporter;
  readSsh(accountId: string, broker: BrokerId): Promise<RemoteReading>;
  readRedis(accountId: string): Promise<RemoteReading>;
  /** Closes the bots' connections, stops sshd and redis-server by pid, removes the folders. */
  stop(): Promise<void>;
}

export async function startRemoteHosts(weekStart: Date): Promise<RemoteHosts> {
  const dir = mkdtempSync(join(tmpdir(), 'tokentray-week-remote-'));
  const key = makeUserKey(dir, 'id');
  const remoteDir = join(dir, 'vps');
  const servers = await Promise.allSettled([
    startSshd({ authorizedKeys: [key.publicKey] }),
    startRedisServer(),
  ]);
  const [sshdResult, redisResult] = servers;
  if (sshdResult.status === 'rejected' || redisResult.status === 'rejected') {
    for (const s of servers) if (s.status === 'fulfilled') await s.value.stop();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `the remote hosts did not start: ${String(sshdResult.status === 'rejected' ? sshdResult.reason : (redisResult as PromiseRejectedResult).reason)}`,
    );
  }
  const sshd = sshdResult.value;
  const redis = redisResult.value;
  const deliveries: RemoteDelivery[] = [];
  const failures: RemoteHosts['failures'] = [];
  let ssh: ssh2.Client | undefined;
  let closeReader: (() => Promise<unknown>) | undefined;
  const stop = async () => {
    for (const d of deliveries) d.stop();
    ssh?.end();
    await closeReader?.().catch(() => undefined);
    await Promise.all([sshd.stop(), redis.stop()]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    mkdirSync(remoteDir, { mode: 0o700 });
    // The bots: one SSH connection (its own key, host key checked), one Redis connection.
    const client = new ssh2.Client();
    ssh = client;
    await new Promise<void>((resolve, reject) => {
      client.once('ready', resolve).once('error', reject);
      client.connect({
        host: '127.0.0.1',
        port: sshd.port,
        username: 'root',
        privateKey: readFileSync(key.privateKeyPath),
        readyTimeout: 10_000,
      });
    });
    const sftp = await new Promise<ssh2.SFTPWrapper>((resolve, reject) =>
      client.sftp((e, s) => (e ? reject(e) : resolve(s))),
    );
    const redisReader = createClient({ url: READER_URL(redis.port) });
    redisReader.on('error', () => undefined); // a failed command rejects; no unhandled 'error'
    await redisReader.connect();
    closeReader = () => redisReader.disconnect();
    const offsetMs = Date.now() - weekStart.getTime();
    const remotePath = (accountId: string) => join(remoteDir, `${accountId}.env`);

    return {
      sshd,
      redis,
      offsetMs,
      failures,
      targets: (accountId, broker) => {
        const tokenKey = BROKERS[broker].defaultEnvKey;
        return [
          remoteExportTargetSchema.parse({
            kind: 'ssh',
            host: '127.0.0.1',
            port: sshd.port,
            username: 'root',
            path: remotePath(accountId),
            format: 'env',
            tokenKey,
            expiresAtKey: expiresAtKeyFor(tokenKey),
            auth: 'key',
            privateKeyPath: key.privateKeyPath,
            hostKeySha256: sshd.hostKeySha256,
          }),
          remoteExportTargetSchema.parse({ kind: 'redis', url: redis.url, prefix: PREFIX }),
        ];
      },
      storeSecrets: (secrets, accountId) =>
        secrets.set(accountId, REMOTE_SECRET_KIND.redis, REDIS_BOT_PASSWORD),
      wrapExporter(local, { clock, logger }, secrets) {
        const delivery = createRemoteDelivery({
          local,
          secrets,
          logger,
          clock,
          // Real-time deadlines far above a loopback handshake: a CPU shared by parallel test runs
          // must not turn into a failed delivery (and an extra notification) in the simulated week.
          ssh: { readyTimeoutMs: 60_000, agentSocket: null },
          redis: { connectTimeoutMs: 60_000 },
        });
        deliveries.push(delivery);
        return {
          export: (target, payload) =>
            delivery.exporter
              .export(
                target,
                target.kind === 'redis'
                  ? { ...payload, expiresAt: new Date(payload.expiresAt.getTime() + offsetMs) }
                  : payload,
              )
              .catch((e: unknown) => {
                failures.push({
                  at: clock.now(),
                  accountId: payload.accountId,
                  kind: target.kind,
                  message: e instanceof Error ? e.message : String(e),
                });
                throw e;
              }),
        };
      },
      async readSsh(accountId, broker) {
        const data = await new Promise<Buffer | null>((resolve, reject) =>
          sftp.readFile(remotePath(accountId), (e, d) => {
            // ssh2 gives SFTP status 2 (no such file) before the first delivery.
            if (e && (e as { code?: unknown }).code === 2) resolve(null);
            else if (e) reject(e);
            else resolve(d);
          }),
        );
        if (!data) return { token: undefined };
        return { token: parseDotenv(data)[BROKERS[broker].defaultEnvKey] };
      },
      async readRedis(accountId) {
        const key = `${PREFIX}${accountId}:access_token`;
        const [token, pttl, hash] = await Promise.all([
          redisReader.get(key),
          redisReader.pTTL(key),
          redisReader.hGetAll(`${PREFIX}${accountId}`),
        ]);
        const expires = hash.expires_at ? Date.parse(hash.expires_at) : Number.NaN;
        return {
          token: token ?? undefined,
          pttl,
          ...(Number.isFinite(expires) ? { expiresAt: new Date(expires - offsetMs) } : {}),
        };
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
