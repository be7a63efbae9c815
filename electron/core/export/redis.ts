/**
 * Redis export target. On a new token, in one MULTI/EXEC (all or nothing):
 *
 *   SET     <prefix><account>:access_token <token> PXAT <expiry ms>   — the key dies with the token
 *   HSET    <prefix><account> expires_at … broker … [user_id …]      — no secret in the hash
 *   PUBLISH <prefix>events {"account":"…","expires_at":"…"}          — never the token
 *
 * Client: the `redis` package (node-redis v6) rather than ioredis. node-redis is the client Redis
 * itself maintains and recommends for new projects (ioredis is in maintenance mode), it speaks RESP3,
 * and its typed `SET … { expiration: { type: 'PXAT' } }` and MULTI builder let the compiler check the
 * command shapes; ACL user + password and TLS (`rediss://` + CA) are plain options. Each delivery
 * opens its own connection and closes it: one connection a day needs no pool, and a broken
 * connection cannot outlive the delivery (reconnects are off, so a down server fails fast).
 */
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { createClient } from 'redis';
import { exportTargetLabel, type RedisExportTarget } from '../../../shared/remote-targets';
import { TokenTrayError } from '../errors';
import { silentLogger, type ExportPayload, type Logger } from '../ports';

export interface RedisOptions {
  /** Connect deadline (default 5 s). */
  readonly connectTimeoutMs?: number;
  readonly logger?: Logger;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

/** Key names for one account (what a bot reads). */
export function redisKeys(prefix: string, accountId: string) {
  return {
    token: `${prefix}${accountId}:access_token`,
    hash: `${prefix}${accountId}`,
    channel: `${prefix}events`,
  };
}

function errorText(e: unknown): string {
  if (e instanceof Error) {
    const parts = [e.message];
    if ('code' in e && typeof e.code === 'string') parts.push(e.code);
    if ('errors' in e && Array.isArray(e.errors)) {
      for (const inner of e.errors) if (inner instanceof Error) parts.push(inner.message);
    }
    const cause = (e as { cause?: unknown }).cause;
    if (cause instanceof Error) parts.push(cause.message);
    return parts.join(' ');
  }
  return String(e);
}

/** Our own words for what went wrong; never the server's text (it can quote a command). */
function describeRedisError(e: unknown, label: string, timeoutMs: number): TokenTrayError {
  const text = errorText(e);
  let reason: string;
  if (/WRONGPASS|invalid username-password/i.test(text)) {
    reason =
      'Redis refused the user name or password (WRONGPASS). Check the ACL user in the URL and the password in the account form.';
  } else if (/NOAUTH/i.test(text)) {
    reason = 'the server needs a password: enter it in the account form.';
  } else if (/NOPERM/i.test(text)) {
    reason =
      "the ACL user may not write these keys or publish: grant it ~<prefix>* and &<prefix>* with +set +hset +publish +multi +exec (see the README's Redis guide).";
  } else if (/READONLY/i.test(text)) {
    reason =
      'the server is a read-only replica: point TokenTray at the primary (the replica gets the key from it).';
  } else if (/ECONNREFUSED/i.test(text)) {
    reason = 'could not connect (connection refused): is Redis running and listening there?';
  } else if (/timeout|ETIMEDOUT/i.test(text)) {
    reason = `no answer within ${timeoutMs / 1000} s: check the host, port and firewall.`;
  } else if (/ENOTFOUND|EAI_AGAIN/i.test(text)) {
    reason = 'the host name could not be resolved: check the URL.';
  } else if (/certificate|self.signed|SSL|TLS|CERT_/i.test(text)) {
    reason =
      'the TLS certificate was not accepted: choose the CA file that signed the server certificate.';
  } else if (/EXECABORT/i.test(text)) {
    reason = 'the server refused the update as a whole; nothing was changed.';
  } else if (/closed|ECONNRESET|EPIPE|Socket closed/i.test(text)) {
    reason = 'the connection was closed before the update finished; nothing was changed.';
  } else {
    reason = 'the update failed; nothing was changed. See the log file for the error name.';
  }
  return new TokenTrayError('export', `Redis ${label}: ${reason}`);
}

async function connect(
  target: RedisExportTarget,
  password: string | null,
  timeoutMs: number,
  logger: Logger,
) {
  const url = new URL(target.url);
  const tls = url.protocol === 'rediss:';
  let ca: Buffer | undefined;
  if (tls && target.caFile) {
    try {
      ca = await readFile(target.caFile);
    } catch {
      throw new TokenTrayError(
        'export',
        `Redis ${exportTargetLabel(target)}: the CA file ${target.caFile} cannot be read. Choose the CA certificate (PEM) again.`,
      );
    }
  }
  // Host, user and database from the URL, password from the keychain, passed as separate options:
  // given a URL with a user name, node-redis builds its credentials from the URL alone and would
  // drop a password given beside it (HELLO then fails with NOAUTH).
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port ? Number(url.port) : 6379;
  const database = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined;
  const client = createClient({
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(password !== null ? { password } : {}),
    ...(database !== undefined ? { database } : {}),
    disableOfflineQueue: true,
    socket: tls
      ? {
          host,
          port,
          tls: true as const,
          // SNI takes names only (RFC 6066); an IP is checked against the certificate's IP SAN.
          ...(isIP(host) === 0 ? { servername: host } : {}),
          connectTimeout: timeoutMs,
          reconnectStrategy: false as const,
          ...(ca ? { ca } : {}),
        }
      : { host, port, connectTimeout: timeoutMs, reconnectStrategy: false as const },
  });
  // Without a listener an 'error' event would be thrown at the process; the awaited call reports it.
  client.on('error', (e: unknown) =>
    logger.warn('export: redis connection error', {
      target: exportTargetLabel(target),
      error: e instanceof Error ? e.name : typeof e,
    }),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('connect timeout')), timeoutMs + 500);
      }),
    ]);
  } catch (e) {
    client.destroy();
    throw e;
  } finally {
    clearTimeout(timer);
  }
  return client;
}

type Client = Awaited<ReturnType<typeof connect>>;

async function withClient<T>(
  target: RedisExportTarget,
  password: string | null,
  options: RedisOptions,
  body: (client: Client) => Promise<T>,
): Promise<T> {
  const logger = options.logger ?? silentLogger;
  const timeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const label = exportTargetLabel(target);
  let client: Client | null = null;
  try {
    client = await connect(target, password, timeoutMs, logger);
    return await body(client);
  } catch (e) {
    if (e instanceof TokenTrayError) throw e;
    logger.warn('export: redis failed', {
      target: label,
      error: e instanceof Error ? e.name : typeof e,
    });
    throw describeRedisError(e, label, timeoutMs);
  } finally {
    if (client) {
      try {
        client.destroy();
      } catch {
        // already gone
      }
    }
  }
}

/** Writes the token with its expiry, the account hash and the event, all or nothing. */
export async function deliverRedis(
  target: RedisExportTarget,
  payload: ExportPayload,
  password: string | null,
  options: RedisOptions = {},
): Promise<void> {
  const keys = redisKeys(target.prefix, payload.accountId);
  const expiresAt = payload.expiresAt.toISOString();
  const hash: Record<string, string> = { expires_at: expiresAt, broker: payload.broker };
  // Unknown this time (a profile call failed): keep the user id an earlier delivery wrote.
  if (payload.userId !== null) hash.user_id = payload.userId;
  await withClient(target, password, options, async (client) => {
    const replies = await client
      .multi()
      .set(keys.token, payload.accessToken, {
        expiration: { type: 'PXAT', value: payload.expiresAt.getTime() },
      })
      .hSet(keys.hash, hash)
      .publish(keys.channel, JSON.stringify({ account: payload.accountId, expires_at: expiresAt }))
      .exec();
    if ((replies[0] as unknown) !== 'OK') throw new Error('SET did not answer OK');
  });
  (options.logger ?? silentLogger).info('export: redis updated', {
    target: exportTargetLabel(target),
    key: keys.token,
  });
}

/**
 * Test connection: connects, authenticates, and checks with ACL DRYRUN-free means that the user
 * may write: a PING plus a harmless SET of `<prefix>tokentray-test` with a 10 s expiry.
 */
export async function testRedis(
  target: RedisExportTarget,
  password: string | null,
  options: RedisOptions = {},
): Promise<string> {
  return withClient(target, password, options, async (client) => {
    await client.ping();
    await client.set(`${target.prefix}tokentray-test`, 'ok', {
      expiration: { type: 'PX', value: 10_000 },
    });
    return `Connected to ${exportTargetLabel(target)} and wrote a test key; the user may write there.`;
  });
}
