/**
 * Remote delivery figures for issue 10 (`npm run bench -- remote`), on loopback with the real
 * servers the tests use (sshd -D, redis-server, an HTTPS receiver with a test CA), through the same
 * dispatcher TokenService uses (secrets from an in-memory store: the keychain's D-Bus round trip
 * would measure gnome-keyring, not the delivery). Each run is one accepted token:
 * - SSH: connect + host key check + auth, download, rewrite, 0600 temp upload, fsync, posix-rename;
 * - Redis: connect + auth, MULTI SET PXAT / HSET / PUBLISH;
 * - webhook: signed HTTPS POST answered 2xx.
 * After each run the bot's side is checked (the file read back over SFTP holds the token; the key
 * holds it; the receiver got it), so a fast wrong answer cannot pass. Goal: ≤ 250 ms p50 each.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { createClient } from 'redis';
import { createFileExporter } from '../../electron/core/export/file-exporter';
import { createTargetExporter } from '../../electron/core/export/targets';
import { silentLogger, type ExportPayload } from '../../electron/core/ports';
import { remoteExportTargetSchema } from '../../shared/remote-targets';
import { makeTestCa, startHttpsReceiver } from '../../test/helpers/https-receiver';
import { createMemorySecretStore } from '../../test/helpers/memory-secret-store';
import { REDIS_BOT_PASSWORD, startRedisServer } from '../../test/helpers/redis-server';
import { makeUserKey, startSshd } from '../../test/helpers/sshd';

const RUNS = Number(process.env.TOKENTRAY_BENCH_REMOTE_RUNS ?? 40);

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms (n=${sorted.length})`;
}

export async function run(log: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tokentray-bench-remote-'));
  const ca = makeTestCa();
  const key = makeUserKey(dir, 'id');
  const [sshd, redis, receiver] = await Promise.all([
    startSshd({ authorizedKeys: [key.publicKey] }),
    startRedisServer(),
    startHttpsReceiver(ca),
  ]);
  const reader = createClient({ url: redis.url.replace('tokentray@', 'reader:fake-reader-pw@') });
  try {
    await reader.connect();
    const secrets = createMemorySecretStore();
    await secrets.set('bench', 'redis-password', REDIS_BOT_PASSWORD);
    await secrets.set('bench', 'webhook-secret', 'fake-bench-webhook-secret');
    const exporter = createTargetExporter({
      local: createFileExporter(),
      secrets,
      logger: silentLogger,
      webhook: { ca: ca.caPem },
    });
    const envPath = join(dir, 'bot.env');
    writeFileSync(envPath, '# bot\nUPSTOX_ACCESS_TOKEN=old\nOTHER=1\n', { mode: 0o600 });
    const targets = {
      ssh: remoteExportTargetSchema.parse({
        kind: 'ssh',
        host: '127.0.0.1',
        port: sshd.port,
        username: 'root',
        path: envPath,
        tokenKey: 'UPSTOX_ACCESS_TOKEN',
        expiresAtKey: 'UPSTOX_ACCESS_TOKEN_EXPIRES_AT',
        auth: 'key',
        privateKeyPath: key.privateKeyPath,
        hostKeySha256: sshd.hostKeySha256,
      }),
      redis: remoteExportTargetSchema.parse({ kind: 'redis', url: redis.url }),
      webhook: remoteExportTargetSchema.parse({ kind: 'webhook', url: receiver.url }),
    };
    const payload = (i: number): ExportPayload => ({
      accountId: 'bench',
      broker: 'upstox',
      accessToken: `fake-bench-token-${i}-${'x'.repeat(40)}`,
      issuedAt: new Date(),
      expiresAt: new Date(Date.now() + 6 * 3600_000),
      apiKey: 'fake-api-key',
      userId: 'AB1234',
    });
    const samples: Record<keyof typeof targets, number[]> = { ssh: [], redis: [], webhook: [] };
    let wrong = 0;
    for (let i = 0; i < RUNS + 3; i++) {
      const p = payload(i);
      for (const kind of ['ssh', 'redis', 'webhook'] as const) {
        const start = performance.now();
        await exporter.export(targets[kind], p);
        const ms = performance.now() - start;
        if (i >= 3) samples[kind].push(ms); // warm-up: JIT, first handshakes
      }
      if (parseDotenv(readFileSync(envPath, 'utf8')).UPSTOX_ACCESS_TOKEN !== p.accessToken) wrong++;
      if ((await reader.get('tokentray:bench:access_token')) !== p.accessToken) wrong++;
      const last = receiver.requests.at(-1);
      if (!last || !last.body.toString('utf8').includes('"account":"bench"')) wrong++;
    }
    log(
      `token accepted → remote .env renamed on loopback sshd: ${stats(samples.ssh)} (goal ≤ 250 ms p50)`,
    );
    log(
      `token accepted → Redis key set (SET PXAT + HSET + PUBLISH): ${stats(samples.redis)} (goal ≤ 250 ms p50)`,
    );
    log(
      `token accepted → webhook answered 2xx (signed HTTPS POST): ${stats(samples.webhook)} (goal ≤ 250 ms p50)`,
    );
    log(`bot-side read-backs that did not see the new token: ${wrong} (must be 0)`);
  } finally {
    reader.destroy();
    await Promise.all([sshd.stop(), redis.stop(), receiver.close()]);
    ca.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}
