/**
 * Figures for issue 15 (`npm run bench -- api`), over the platform-free app (app harness with the
 * broker simulator and a memory keychain) plus the real local API, socket and built CLI:
 * - status API latency: p50/p99 of 1,000 sequential GET /api/token/status (keep-alive);
 * - renewal → SSE: from the snapshot that carries a new token to a client's token-renewed event
 *   (goal ≤ 100 ms p50);
 * - renewal → `tokentray wait` returning: from that snapshot to the CLI process's exit
 *   (goal ≤ 100 ms p50);
 * - CLI cold start: `tokentray token ACCOUNT` spawned with the app running (goal ≤ 300 ms p50),
 *   and `tokentray status` with no app (reads the settings file itself).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { build } from 'vite';
import { startLocalApi } from '../../electron/core/api/local-api';
import { startAppHarness } from '../../test/helpers/app-harness';
import { createMemorySecretStore } from '../../test/helpers/memory-secret-store';

const ist = (iso: string) => DateTime.fromISO(iso, { zone: 'Asia/Kolkata' }).toJSDate();

function pct(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function summary(samples: number[]): string {
  return `p50 ${pct(samples, 0.5).toFixed(1)} ms, p99 ${pct(samples, 0.99).toFixed(1)} ms, max ${Math.max(...samples).toFixed(1)} ms (n=${samples.length})`;
}

async function buildCli(outDir: string): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  await build({
    configFile: resolve('vite.electron.config.ts'),
    mode: 'cli',
    logLevel: 'silent',
    build: { outDir, sourcemap: false },
  });
  return join(outDir, 'cli.js');
}

function runCli(
  cli: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; ms: number; exitedAt: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, ...args], { env, stdio: 'ignore' });
  return new Promise((r) =>
    child.on('exit', (code) => {
      const exitedAt = performance.now();
      r({ code, ms: exitedAt - started, exitedAt });
    }),
  );
}

export async function run(log: (line: string) => void): Promise<void> {
  const outDir = resolve('node_modules/.cache/tokentray-bench-cli', String(process.pid));
  const runtime = mkdtempSync(join(tmpdir(), 'tokentray-bench-run-'));
  const h = await startAppHarness({
    start: ist('2026-12-08T07:00'),
    secrets: createMemorySecretStore(),
  });
  const api = await startLocalApi({
    commands: h.app.commands,
    subscribe: (l) => h.app.service.subscribe(l),
    snapshot: () => h.app.service.snapshot(),
    preferences: () => h.app.service.getPreferences(),
    clock: h.clock,
    logger: h.logger,
    apiKeySecrets: createMemorySecretStore(),
    socketPath: join(runtime, 'tokentray', 'cli.sock'),
    portOverride: 0,
  });
  try {
    await h.app.service.savePreferences({
      ...h.app.service.getPreferences(),
      localApi: { enabled: true, port: 5056 },
    });
    await new Promise((r) => setTimeout(r, 50));
    const key = await api.regenerateKey('token');
    const port = api.http()?.port;
    const base = `http://127.0.0.1:${port}`;
    await h.addAccount('fyers', { pin: '1234' });
    await h.addAccount('kite');
    await h.login('fyers-main');
    await h.login('kite-main');

    // ---------------------------------------------------------------- status API
    const auth = { authorization: `Bearer ${key}` };
    for (let i = 0; i < 50; i++)
      await (await fetch(`${base}/api/token/status`, { headers: auth })).json();
    const status: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const t = performance.now();
      const res = await fetch(`${base}/api/token/status`, { headers: auth });
      await res.json();
      status.push(performance.now() - t);
    }
    log(`status API, 1,000 GET /api/token/status: ${summary(status)}`);

    // When a snapshot carries a new token for fyers-main: the renewal instant.
    let renewedAt = 0;
    let lastIssued = h.app.service.snapshot().accounts.find((a) => a.id === 'fyers-main')?.issuedAt;
    const unsubscribe = h.app.service.subscribe((s) => {
      const issued = s.accounts.find((a) => a.id === 'fyers-main')?.issuedAt;
      if (issued && issued !== lastIssued) {
        lastIssued = issued;
        renewedAt = performance.now();
      }
    });

    // ---------------------------------------------------------------- renewal → SSE
    const controller = new AbortController();
    const res = await fetch(`${base}/api/v1/events`, { headers: auth, signal: controller.signal });
    let gotAt = 0;
    let waiting: (() => void) | undefined;
    void (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          if (decoder.decode(chunk, { stream: true }).includes('event: token-renewed')) {
            gotAt = performance.now();
            waiting?.();
          }
        }
      } catch {
        // aborted at the end
      }
    })();
    const sse: number[] = [];
    for (let i = 0; i < 30; i++) {
      h.clock.advance(60_000);
      const got = new Promise<void>((r) => (waiting = r));
      await h.app.commands.run(
        'refresh',
        { account: 'fyers-main' },
        { principal: { kind: 'local' }, match: 'id', via: 'cli' },
      );
      await got;
      sse.push(gotAt - renewedAt);
    }
    controller.abort();
    log(`renewal → SSE token-renewed at a client: ${summary(sse)} (goal ≤ 100 ms p50)`);

    // ---------------------------------------------------------------- renewal → tokentray wait
    const cli = await buildCli(outDir);
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TOKENTRAY_CONFIG_DIR: h.dir,
      TOKENTRAY_SOCKET: join(runtime, 'tokentray', 'cli.sock'),
    };
    const waits: number[] = [];
    for (let i = 0; i < 15; i++) {
      h.sim.revokeAll('fyers');
      await h.app.ipc['account:validate']({ id: 'fyers-main' }); // revoked: not ready
      const waiter = runCli(cli, ['wait', 'fyers', '--timeout', '60s'], env);
      await new Promise((r) => setTimeout(r, 700)); // let it connect and see "not ready"
      h.clock.advance(60_000); // a new issue instant: the renewal is seen as one
      await h.login('fyers-main');
      const { code, exitedAt } = await waiter;
      if (code !== 0) throw new Error(`tokentray wait exited ${code}`);
      waits.push(exitedAt - renewedAt);
    }
    log(`renewal → tokentray wait returning: ${summary(waits)} (goal ≤ 100 ms p50)`);
    unsubscribe();

    // ---------------------------------------------------------------- CLI cold start
    const cold: number[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await runCli(cli, ['token', 'kite'], env);
      if (r.code !== 0) throw new Error(`tokentray token exited ${r.code}`);
      cold.push(r.ms);
    }
    log(`CLI cold start, tokentray token (app running): ${summary(cold)} (goal ≤ 300 ms p50)`);
    const alone: number[] = [];
    const noApp = { ...env, TOKENTRAY_SOCKET: join(runtime, 'none', 'cli.sock') };
    for (let i = 0; i < 10; i++) alone.push((await runCli(cli, ['status', 'kite'], noApp)).ms);
    log(`CLI cold start, tokentray status (no app, reads settings): ${summary(alone)}`);
    const node: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      await new Promise((r) => spawn(process.execPath, ['-e', '0']).on('exit', r));
      node.push(performance.now() - t);
    }
    log(`(for scale: a bare \`node -e 0\` here: ${summary(node)})`);
  } finally {
    await api.close();
    await h.close();
    rmSync(runtime, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  }
}
