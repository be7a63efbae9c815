/**
 * `tokentray` as a child process against the running app (the platform-free app + the CLI socket
 * server in this test process): every command, its output and its exit code. The app's clock is a
 * FakeClock on a Tuesday (a trading day), so readiness is deterministic.
 */
import { statSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { H, ist, keyringAvailable, requireKeyringInCi, startApiApp } from '../api/api-kit';
import { cli, cliEnv, startCli } from './cli-kit';

requireKeyringInCi();
// Each test runs several child processes; the CPU is shared with other suites.
vi.setConfig({ testTimeout: 60_000 });

describe.skipIf(!keyringAvailable)('tokentray CLI with the app running', () => {
  it('status: exit 0 when every named account is ready for the session, 1 when not, 2 on error; --json is the API shape', async () => {
    const a = await startApiApp({ start: ist('2026-12-08T10:00'), http: false });
    await a.h.addAccount('kite');
    await a.h.addAccount('upstox');
    await a.h.login('kite-main');
    const env = cliEnv(a);
    expect(statSync(a.socketPath).mode & 0o777).toBe(0o600);

    const kite = await cli(['status', 'kite'], env);
    expect(kite.code).toBe(0);
    expect(kite.stdout).toMatch(
      /^kite-main \[kite, "main"\]: valid; expires 06:00 IST, Wed 9 Dec, 20h 0m left; ready for the next session/m,
    );
    expect(kite.stdout).toContain('All good for the session of 2026-12-08.');

    const all = await cli(['status'], env);
    expect(all.code).toBe(1);
    expect(all.stdout).toContain('upstox-main [upstox, "main"]: none; no token; not ready: log in');

    const json = await cli(['status', '--json', 'KITE-MAIN', 'upstox-main'], env);
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as { accounts: Record<string, unknown>[] };
    expect(parsed).toMatchObject({ session_date: '2026-12-08', ready_for_session: false });
    expect(parsed.accounts.map((x) => x.account)).toEqual(['kite-main', 'upstox-main']);
    expect(Object.keys(parsed.accounts[0] ?? {})).toEqual(
      expect.arrayContaining([
        'status',
        'expires_at',
        'seconds_left',
        'needs_login',
        'ready_for_session',
      ]),
    );
    expect(json.stdout).not.toContain(a.h.botToken('kite-main'));

    const unknown = await cli(['status', 'zerodha'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      'No account "zerodha". Known accounts: kite-main, upstox-main.',
    );
    const ambiguous = await cli(['status', 'm'], env); // both labels are "main"
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr).toMatch(/matches several accounts/);
    const badOption = await cli(['status', '--format', 'json'], env);
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toMatch(/no option --format/);
  });

  it('token: the token alone on stdout; refuses expired tokens (exit 1) unless --allow-expired', async () => {
    const a = await startApiApp({ start: ist('2026-12-08T10:00'), http: false });
    await a.h.addAccount('kite');
    await a.h.addAccount('upstox');
    await a.h.login('kite-main');
    const env = cliEnv(a);
    const token = a.h.botToken('kite-main') ?? '';
    const r = await cli(['token', 'kit'], env); // a unique prefix
    expect(r).toMatchObject({ code: 0, stdout: `${token}\n`, stderr: '' });

    const none = await cli(['token', 'upstox-main'], env);
    expect(none.code).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/has no token yet: log in/);

    await a.h.advance(21 * H); // past 06:00 IST
    const expired = await cli(['token', 'kite-main'], env);
    expect(expired.code).toBe(1);
    expect(expired.stdout).toBe('');
    expect(expired.stderr).toMatch(/has expired/);
    expect(expired.stderr).not.toContain(token);
    expect(await cli(['token', 'kite-main', '--allow-expired'], env)).toMatchObject({
      code: 0,
      stdout: `${token}\n`,
    });
    expect((await cli(['token'], env)).code).toBe(2);
    expect((await cli(['token', 'kite-main', 'upstox-main'], env)).code).toBe(2);
    // The app logs that a token was read, never the token (raw log entries, before redaction).
    expect(a.h.logger.text()).toMatch(/token read/);
    expect(a.h.logger.text()).not.toContain(token);
  });

  it('env in dotenv, json and shell formats: the variables the export writes', async () => {
    const a = await startApiApp({ start: ist('2026-12-08T10:00'), http: false });
    await a.h.addAccount('kite');
    await a.h.addAccount('fyers', { pin: '1234' });
    await a.h.login('kite-main');
    await a.h.login('fyers-main');
    const env = cliEnv(a);
    const file = { ...a.h.env('kite-main'), ...a.h.env('fyers-main') };
    const json = await cli(['env', 'kite-main', 'fyers-main', '--format', 'json'], env);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual(file);
    const dotenv = await cli(['env', 'kite-main'], env);
    expect(dotenv.stdout).toBe(
      `KITE_ACCESS_TOKEN=${file.KITE_ACCESS_TOKEN}\nKITE_ACCESS_TOKEN_EXPIRES_AT=${file.KITE_ACCESS_TOKEN_EXPIRES_AT}\nKITE_ACCESS_TOKEN_ISSUED_AT=${file.KITE_ACCESS_TOKEN_ISSUED_AT}\n`,
    );
    const shell = await cli(['env', 'kite-main', '--format', 'shell'], env);
    expect(shell.stdout).toContain(`export KITE_ACCESS_TOKEN='${file.KITE_ACCESS_TOKEN}'`);
    expect((await cli(['env', 'kite-main', '--format', 'yaml'], env)).code).toBe(2);
    expect((await cli(['env'], env)).code).toBe(2);
  });

  it('exec: CMD gets the variables, no shell in between, its exit code passes through, signals are forwarded', async () => {
    const a = await startApiApp({ start: ist('2026-12-08T10:00'), http: false });
    await a.h.addAccount('kite');
    await a.h.login('kite-main');
    const env = cliEnv(a);
    const token = a.h.botToken('kite-main');
    const show = await cli(
      [
        'exec',
        'kite',
        '--',
        process.execPath,
        '-e',
        'console.log(process.env.KITE_ACCESS_TOKEN); process.exit(7)',
        '$HOME',
      ],
      env,
    );
    expect(show.code).toBe(7);
    expect(show.stdout).toBe(`${token}\n`);
    const argv = await cli(
      ['exec', 'kite', '--', process.execPath, '-e', 'console.log(process.argv[1])', '$HOME;echo'],
      env,
    );
    expect(argv.stdout).toBe('$HOME;echo\n'); // passed as is: no shell
    const missing = await cli(['exec', 'kite', '--', '/nonexistent/bot'], env);
    expect(missing.code).toBe(127);
    expect((await cli(['exec', 'kite', process.execPath], env)).code).toBe(2); // no "--"

    const running = await startCli(
      [
        'exec',
        'kite',
        '--',
        process.execPath,
        '-e',
        "process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(42); }); console.log('ready'); setInterval(() => {}, 1000);",
      ],
      env,
    );
    let out = '';
    running.child.stdout?.on('data', (d: string) => (out += d));
    for (let i = 0; i < 200 && !out.includes('ready'); i += 1)
      await new Promise((r) => setTimeout(r, 25));
    expect(out).toContain('ready');
    running.child.kill('SIGTERM');
    const result = await running.done;
    expect(result.code).toBe(42);
    expect(result.stdout).toContain('got SIGTERM');
  });

  it('wait: returns 0 as soon as a login makes the account ready, 1 on timeout', async () => {
    const a = await startApiApp({ start: ist('2026-12-08T10:00'), http: false });
    await a.h.addAccount('kite');
    await a.h.addAccount('upstox');
    const env = cliEnv(a);
    const timedOut = await cli(['wait', 'upstox', '--timeout', '300ms'], env);
    expect(timedOut.code).toBe(1);
    expect(timedOut.stderr).toMatch(/timed out after 300ms waiting for:\nupstox-main/);

    const waiting = await startCli(['wait', 'kite', 'upstox', '--timeout', '60s'], env);
    await new Promise((r) => setTimeout(r, 300));
    await a.h.login('kite-main');
    await a.h.login('upstox-main');
    expect((await waiting.done).code).toBe(0);
    expect((await cli(['wait', 'kite', '--timeout', 'soon'], env)).code).toBe(2);
  });

  it('refresh, validate and login act on the live app; login-only brokers need a login (exit 1)', async () => {
    const a = await startApiApp({ start: ist('2026-12-08T10:00'), http: false });
    await a.h.addAccount('fyers', { pin: '1234' });
    await a.h.addAccount('kite');
    const env = cliEnv(a);
    const login = await cli(['login', 'kite'], env);
    expect(login.code).toBe(0);
    expect(login.stdout).toMatch(/^kite-main .*: valid;/);
    expect(a.h.botToken('kite-main')).toBeTruthy();
    await cli(['login', 'fyers'], env);
    const before = a.h.botToken('fyers-main');
    const refresh = await cli(['refresh', 'fyers', '--json'], env);
    expect(refresh.code).toBe(0);
    expect(JSON.parse(refresh.stdout)).toMatchObject({ account: 'fyers-main', status: 'valid' });
    expect(a.h.botToken('fyers-main')).not.toBe(before);
    expect(refresh.stdout).not.toContain(a.h.botToken('fyers-main'));

    const kiteRefresh = await cli(['refresh', 'kite'], env);
    expect(kiteRefresh.code).toBe(1);
    expect(kiteRefresh.stderr).toContain(
      'Zerodha Kite tokens can only be renewed by logging in: run "tokentray login kite-main"',
    );
    expect((await cli(['validate', 'kite'], env)).code).toBe(0);
    a.h.sim.revokeAll('kite');
    const revoked = await cli(['validate', 'kite'], env);
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toMatch(/rejected the token/);
    expect((await cli(['status', 'kite'], env)).stdout).toMatch(/revoked/);
  });

  it('api: turns the loopback API on and off and makes a key shown once, which then works over HTTP', async () => {
    const a = await startApiApp({ start: ist('2026-12-08T10:00'), http: false });
    const env = cliEnv(a);
    const off = await cli(['api', '--json'], env);
    expect(off.code).toBe(0);
    expect(JSON.parse(off.stdout)).toMatchObject({ enabled: false, listening: [] });
    const on = await cli(['api', 'on', '--port', '5056', '--new-key', 'status', '--json'], env);
    expect(on.code).toBe(0);
    const state = JSON.parse(on.stdout) as {
      enabled: boolean;
      listening: string[];
      new_key: string;
    };
    expect(state.enabled).toBe(true);
    expect(state.new_key).toMatch(/^ttk_status_[A-Za-z0-9_-]{43}$/);
    const port = a.api.http()?.port;
    expect(state.listening).toContain(`127.0.0.1:${port}`);
    const res = await fetch(`http://127.0.0.1:${port}/api/token/status`, {
      headers: { authorization: `Bearer ${state.new_key}` },
    });
    expect(res.status).toBe(200);
    const again = await cli(['api'], env);
    expect(again.stdout).toMatch(/^Local API: on, port 5056, listening on 127\.0\.0\.1:\d+/);
    expect(again.stdout).not.toContain(state.new_key); // shown once only
    expect((await cli(['api', 'off'], env)).code).toBe(0);
    expect(a.api.http()).toBeNull();
    expect((await cli(['api', 'maybe'], env)).code).toBe(2);
    expect((await cli(['api', '--port', '80'], env)).code).toBe(2);
  });

  it('--help for every command', async () => {
    const a = await startApiApp({ start: ist('2026-12-08T10:00'), http: false });
    const env = cliEnv(a);
    const top = await cli(['--help'], env);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Exit codes: 0 ok/);
    for (const c of [
      'status',
      'token',
      'env',
      'exec',
      'wait',
      'refresh',
      'validate',
      'login',
      'api',
    ]) {
      const r = await cli([c, '--help'], env);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: tokentray ${c}`));
    }
    const unknown = await cli(['frobnicate'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown command "frobnicate"/);
    expect((await cli([], env)).code).toBe(2);
  });
});
