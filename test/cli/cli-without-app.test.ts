/**
 * `tokentray` with no app answering on the socket: it reads the app's settings file and the OS
 * keychain itself, renews through the broker (the simulator), and writes under the same locks as the
 * app. The CLI's clock is the real one here, so the app harness starts one hour before the next
 * real NSE session opens: a login then lasts through that session whatever the time of day now.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { describe, expect, it, vi } from 'vitest';
import { expiresAtKeyFor } from '../../shared/brokers';
import { marketSessionAt } from '../../shared/readiness';
import { preferencesSchema } from '../../shared/domain';
import { keyringAvailable, requireKeyringInCi, startApiApp, type ApiApp } from '../api/api-kit';
import { cli, cliEnv, startCli } from './cli-kit';

requireKeyringInCi();
// Each test runs several child processes; the CPU is shared with other suites.
vi.setConfig({ testTimeout: 60_000 });

function beforeNextSession(): Date {
  const holidays = preferencesSchema.parse({}).holidays;
  return new Date(marketSessionAt(new Date(), holidays).open.getTime() - 3_600_000);
}

/** Both accounts export into one .env file (two writers, one file). */
async function shareOneEnv(a: ApiApp, ids: string[]): Promise<string> {
  const path = join(a.h.dir, 'shared.env');
  for (const id of ids) {
    const config = a.h.app.service.getAccount(id);
    if (!config) throw new Error(id);
    const tokenKey = config.broker === 'kite' ? 'KITE_ACCESS_TOKEN' : 'FYERS_ACCESS_TOKEN';
    const r = await a.h.app.ipc['account:save']({
      config: {
        ...config,
        exportTargets: [
          ...config.exportTargets,
          { kind: 'env', path, tokenKey, expiresAtKey: expiresAtKeyFor(tokenKey), extra: {} },
        ],
      },
    });
    if (!r.ok) throw new Error(r.error);
  }
  return path;
}

describe.skipIf(!keyringAvailable)('tokentray CLI without the app', () => {
  it('status, token and env read the settings file and the keychain directly; login says the app is needed', async () => {
    const a = await startApiApp({ start: beforeNextSession(), http: false });
    await a.h.addAccount('kite');
    await a.h.addAccount('upstox');
    await a.h.login('kite-main');
    const env = cliEnv(a, { withApp: false });
    const token = a.h.botToken('kite-main');

    const status = await cli(['status', 'kite', '--json'], env);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      ready_for_session: true,
      accounts: [{ account: 'kite-main', status: 'valid', ready_for_session: true }],
    });
    expect((await cli(['status'], env)).code).toBe(1); // upstox has no token
    expect(await cli(['token', 'kite'], env)).toMatchObject({ code: 0, stdout: `${token}\n` });
    const vars = await cli(['env', 'kite', '--format', 'json'], env);
    expect(JSON.parse(vars.stdout)).toEqual(a.h.env('kite-main'));
    const run = await cli(
      [
        'exec',
        'kite',
        '--',
        process.execPath,
        '-e',
        'process.stdout.write(process.env.KITE_ACCESS_TOKEN ?? "")',
      ],
      env,
    );
    expect(run).toMatchObject({ code: 0, stdout: token });

    const login = await cli(['login', 'kite'], env);
    expect(login.code).toBe(2);
    expect(login.stderr).toMatch(/TokenTray is not running.*start TokenTray/);
    expect((await cli(['token', 'upstox'], env)).code).toBe(1);
  });

  it('refresh renews FYERS through the broker and writes the .env under the same locks; wait sees a login the app makes', async () => {
    const a = await startApiApp({ start: beforeNextSession(), http: false });
    await a.h.addAccount('fyers', { pin: '1234' });
    await a.h.addAccount('kite');
    await a.h.login('fyers-main');
    const env = cliEnv(a, { withApp: false });
    const before = a.h.botToken('fyers-main');
    const refresh = await cli(['refresh', 'fyers'], env);
    expect(refresh.stderr).toBe('');
    expect(refresh.code).toBe(0);
    const after = a.h.botToken('fyers-main');
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    // The app reads the renewed token facts the CLI wrote into config.json.
    const config = JSON.parse(readFileSync(join(a.h.dir, 'config.json'), 'utf8')) as {
      tokenMeta?: Record<string, { issuedAt: string }>;
    };
    expect(JSON.stringify(config)).not.toContain(after);

    const waiting = await startCli(['wait', 'kite', '--timeout', '60s'], env);
    await new Promise((r) => setTimeout(r, 500));
    await a.h.login('kite-main'); // the app writes config.json: the CLI notices
    expect((await waiting.done).code).toBe(0);
  });

  it('app and CLI renewing into one .env at the same moment lose neither update', async () => {
    const a = await startApiApp({ start: beforeNextSession(), http: false });
    await a.h.addAccount('fyers', { pin: '1234' });
    await a.h.addAccount('kite');
    await a.h.login('fyers-main');
    const shared = await shareOneEnv(a, ['fyers-main', 'kite-main']);
    const env = cliEnv(a, { withApp: false });
    for (let round = 0; round < 3; round += 1) {
      // The CLI refreshes FYERS while the app logs in to Kite; both write shared.env and config.json.
      const [cliResult] = await Promise.all([
        cli(['refresh', 'fyers'], env),
        a.h.login('kite-main'),
      ]);
      expect(cliResult.code, cliResult.stderr).toBe(0);
      const file = dotenv.parse(readFileSync(shared));
      expect(file.FYERS_ACCESS_TOKEN).toBe(a.h.botToken('fyers-main'));
      expect(file.KITE_ACCESS_TOKEN).toBe(a.h.botToken('kite-main'));
      const status = JSON.parse((await cli(['status', '--json'], env)).stdout) as {
        accounts: { account: string; status: string }[];
      };
      expect(status.accounts.map((x) => `${x.account}:${x.status}`).sort()).toEqual([
        'fyers-main:valid',
        'kite-main:valid',
      ]);
    }
    // Several CLI child processes per round on a shared, busy CPU.
  }, 120_000);
});
