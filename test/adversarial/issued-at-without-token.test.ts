/**
 * Adversarial (issue order): a file whose `_ISSUED_AT` / `issued_at` records a token issued later
 * than ours, but whose token itself was emptied (a hand edit, a "logout" script that blanks the
 * line, a template copied from another machine). The newest-wins rule used to keep that record and
 * skip the write — the bot was left with no token while the export reported success. A record
 * beside no token protects nothing: it is now written over (and the log says why). A record beside
 * a real token still wins. Real files, the real exporter, the bot's view through npm dotenv.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import { createFileExporter } from '../../electron/core/export/file-exporter';
import type { ExportPayload } from '../../electron/core/ports';
import type { ExportTarget } from '../../shared/domain';
import { tempDir } from '../export/helpers/temp-dir';

// Issued a minute ago; the file's record says two minutes from now (inside the clock-skew margin).
const issuedAt = new Date(Date.now() - 60_000);
const later = new Date(Date.now() + 120_000).toISOString();
const payload: ExportPayload = {
  accountId: 'main',
  broker: 'upstox',
  accessToken: 'new-token-issued-at-test',
  issuedAt,
  expiresAt: new Date(Date.now() + 12 * 3_600_000),
  apiKey: 'upstox-api-key',
  userId: 'AB1234',
};
const envTarget = (path: string): ExportTarget => ({
  kind: 'env',
  path,
  tokenKey: 'UPSTOX_ACCESS_TOKEN',
  expiresAtKey: 'UPSTOX_ACCESS_TOKEN_EXPIRES_AT',
  extra: {},
});

describe('a later issue record beside no token', () => {
  it('.env: an emptied token line gets the new token', async () => {
    const file = join(tempDir(), 'bot.env');
    writeFileSync(file, `UPSTOX_ACCESS_TOKEN=\nUPSTOX_ACCESS_TOKEN_ISSUED_AT=${later}\n`);
    await createFileExporter().export(envTarget(file), payload);
    const env = dotenv.parse(readFileSync(file, 'utf8'));
    expect(env.UPSTOX_ACCESS_TOKEN).toBe(payload.accessToken);
    expect(env.UPSTOX_ACCESS_TOKEN_ISSUED_AT).toBe(issuedAt.toISOString());
  });

  it('.env: a removed token line gets the new token', async () => {
    const file = join(tempDir(), 'bot.env');
    writeFileSync(file, `OTHER=1\nUPSTOX_ACCESS_TOKEN_ISSUED_AT=${later}\n`);
    await createFileExporter().export(envTarget(file), payload);
    expect(dotenv.parse(readFileSync(file, 'utf8')).UPSTOX_ACCESS_TOKEN).toBe(payload.accessToken);
  });

  it('JSON: an emptied access_token gets the new token, in the broker key and the account entry', async () => {
    const file = join(tempDir(), 'tokens.json');
    const slot = { access_token: '', issued_at: later, expires_at: later };
    writeFileSync(file, JSON.stringify({ upstox: slot, accounts: { main: slot } }, null, 2));
    await createFileExporter().export({ kind: 'json', path: file }, payload);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as {
      upstox: { access_token: string };
      accounts: { main: { access_token: string } };
    };
    expect(doc.upstox.access_token).toBe(payload.accessToken);
    expect(doc.accounts.main.access_token).toBe(payload.accessToken);
  });

  it('a later record beside a real token still wins (the newest token is kept)', async () => {
    const file = join(tempDir(), 'bot.env');
    const text = `UPSTOX_ACCESS_TOKEN=newer-token\nUPSTOX_ACCESS_TOKEN_ISSUED_AT=${later}\n`;
    writeFileSync(file, text);
    await createFileExporter().export(envTarget(file), payload);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});
