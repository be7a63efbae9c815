/**
 * Two processes (two TokenTrays, or the app and a CLI) exporting different accounts into the same
 * files at the same time: the cross-process lock (file-lock.ts) means neither update is lost.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { afterAll, describe, expect, it } from 'vitest';
import { childScript, disposeChildScript } from './helpers/child-bundle';
import { tempDir } from './helpers/temp-dir';

afterAll(disposeChildScript);

function racer(script: string, path: string, account: string, key: string, n: number) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [script, 'race', path, account, key, String(n)]);
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`racer ${account}: ${err}`)),
    );
  });
}

describe('two processes exporting into one file', () => {
  it('keeps the last update of each, in .env and JSON', async () => {
    const script = await childScript();
    const dir = tempDir();
    const env = join(dir, 'bots.env');
    const json = join(dir, 'tokens.json');
    writeFileSync(env, '# shared by two bots\r\nLOG_LEVEL=info\r\n');
    const n = 30;
    await Promise.all([
      racer(script, env, 'alpha', 'ALPHA_TOKEN', n),
      racer(script, env, 'beta', 'BETA_TOKEN', n),
      racer(script, json, 'alpha', 'unused', n),
      racer(script, json, 'beta', 'unused', n),
    ]);
    const parsed = dotenv.parse(readFileSync(env));
    expect(parsed).toEqual({
      LOG_LEVEL: 'info',
      ALPHA_TOKEN: `alpha-${n}`,
      ALPHA_TOKEN_EXPIRES_AT: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
      ALPHA_TOKEN_ISSUED_AT: new Date(Date.UTC(2025, 11, 31, 0, 0, n)).toISOString(),
      BETA_TOKEN: `beta-${n}`,
      BETA_TOKEN_EXPIRES_AT: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
      BETA_TOKEN_ISSUED_AT: new Date(Date.UTC(2025, 11, 31, 0, 0, n)).toISOString(),
    });
    expect(readFileSync(env, 'utf8').startsWith('# shared by two bots\r\nLOG_LEVEL=info\r\n')).toBe(
      true,
    );
    const data = JSON.parse(readFileSync(json, 'utf8')) as {
      accounts: Record<string, { access_token: string }>;
    };
    expect(data.accounts.alpha!.access_token).toBe(`alpha-${n}`);
    expect(data.accounts.beta!.access_token).toBe(`beta-${n}`);
    // No temp file or lock left. (tokens.json may have a backup too: each racer keeps its own
    // in-memory list of files it created, so the second sees the first one's file as foreign.)
    expect(
      readdirSync(dir)
        .filter((f) => !f.endsWith('.tokentray-backup'))
        .sort(),
    ).toEqual(['bots.env', 'tokens.json']);
    expect(readFileSync(join(dir, 'bots.env.tokentray-backup'), 'utf8')).toBe(
      '# shared by two bots\r\nLOG_LEVEL=info\r\n',
    );
  }, 30_000);
});
