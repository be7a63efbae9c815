/**
 * A real `redis-server` child for tests and the bench: random loopback port, `requirepass` for the
 * default user, an ACL user limited to the `tokentray:` keys and channels, nothing saved to disk.
 * Optionally TLS-only (with the test CA's server certificate) or a read-only replica of another one.
 * The caller stops it (kill by pid, waits for the exit) in afterAll.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestCa } from './https-receiver';

export const REDIS_ADMIN_PASSWORD = 'fake-redis-admin-pw';
export const REDIS_BOT_USER = 'tokentray';
export const REDIS_BOT_PASSWORD = 'fake-redis-bot-pw-0001';

export interface RedisServerOptions {
  readonly tls?: TestCa;
  /** Start as a read-only replica of this server. */
  readonly replicaOf?: TestRedis;
}

export interface TestRedis {
  readonly port: number;
  readonly pid: number;
  /** redis:// (or rediss://) URL with the ACL user and no password. */
  readonly url: string;
  readonly dir: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function waitForPort(port: number, child: ChildProcess, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what} did not listen on ${port} within 10 s`);
}

/** Kills a child by its pid and waits until it is gone. */
export async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGKILL');
  await exited;
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'tokentray-redis-'));
  const port = await freePort();
  const lines = [
    'bind 127.0.0.1',
    `dir ${dir}`,
    'save ""',
    'appendonly no',
    'daemonize no',
    'protected-mode yes',
    `requirepass ${REDIS_ADMIN_PASSWORD}`,
    // What the README tells users to grant: only our keys and channels, only the commands used.
    `user ${REDIS_BOT_USER} on >${REDIS_BOT_PASSWORD} ~tokentray:* &tokentray:* +set +hset +publish +multi +exec +ping +hello +auth +get +pttl +hgetall +subscribe`,
    'user reader on >fake-reader-pw ~tokentray:* &tokentray:* +get +pttl +hgetall +subscribe +ping +hello +auth',
  ];
  if (options.tls) {
    lines.push(
      'port 0',
      `tls-port ${port}`,
      `tls-cert-file ${options.tls.certFile}`,
      `tls-key-file ${options.tls.keyFile}`,
      `tls-ca-cert-file ${options.tls.caFile}`,
      'tls-auth-clients no',
    );
  } else {
    lines.push(`port ${port}`);
  }
  if (options.replicaOf) {
    lines.push(
      `replicaof 127.0.0.1 ${options.replicaOf.port}`,
      `masterauth ${REDIS_ADMIN_PASSWORD}`,
      'replica-read-only yes',
    );
  }
  const config = join(dir, 'redis.conf');
  writeFileSync(config, lines.join('\n') + '\n', { mode: 0o600 });
  const child = spawn('redis-server', [config], { stdio: 'ignore' });
  try {
    await waitForPort(port, child, 'redis-server');
  } catch (e) {
    await killChild(child);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const scheme = options.tls ? 'rediss' : 'redis';
  return {
    port,
    pid: child.pid!,
    url: `${scheme}://${REDIS_BOT_USER}@127.0.0.1:${port}`,
    dir,
    stop: async () => {
      await killChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
