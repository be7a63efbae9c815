/**
 * Adversarial (export): an oversized target. The rewrite is synchronous work in the app's main
 * process, so a file's size bounds how long it freezes the tray, every timer and every other
 * account's renewal. A 20 MB .env with CR-only line endings (off the fast path: read back by both
 * dotenv parsers) took 36 s, and files up to 64 MB were taken on. Now a .env over 1 MB and a token
 * JSON over 16 MB are refused before anything is parsed, with the reason and the fix, the file left
 * byte for byte; files of sane size still export. Real files, the real exporter.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import dotenv from 'dotenv';
import { createFileExporter, MAX_TARGET_BYTES } from '../../electron/core/export/file-exporter';
import type { ExportPayload } from '../../electron/core/ports';
import type { ExportTarget } from '../../shared/domain';
import { tempDir } from '../export/helpers/temp-dir';

const payload: ExportPayload = {
  accountId: 'main',
  broker: 'upstox',
  accessToken: 'new-token-oversized',
  issuedAt: new Date('2026-03-02T04:00:00.000Z'),
  expiresAt: new Date('2026-03-02T22:00:00.000Z'),
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
const jsonTarget = (path: string): ExportTarget => ({ kind: 'json', path });

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the export to be refused');
}

describe('oversized export targets', () => {
  it('a 2 MB .env with CR-only line endings is refused unread and left as it was', async () => {
    const file = join(tempDir(), 'bot.env');
    const text = 'UPSTOX_ACCESS_TOKEN=old\r' + 'FILLER=1\r'.repeat((2 * 1024 * 1024) / 9);
    writeFileSync(file, text);
    const message = await failure(createFileExporter().export(envTarget(file), payload));
    expect(message).toContain(file);
    expect(message).toMatch(/larger than 1 MB, far larger than any \.env file/);
    expect(message).toMatch(/Choose a separate file for the token/);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('a .env just under the cap still exports, and bots read the new token', async () => {
    const file = join(tempDir(), 'bot.env');
    const filler = 'FILLER=1\n'.repeat(Math.floor((MAX_TARGET_BYTES.env - 100) / 9));
    writeFileSync(file, `UPSTOX_ACCESS_TOKEN=old\n${filler}`);
    await createFileExporter().export(envTarget(file), payload);
    expect(dotenv.parse(readFileSync(file, 'utf8')).UPSTOX_ACCESS_TOKEN).toBe(payload.accessToken);
  });

  it('a token JSON over 16 MB is refused unread; a 12 MB one still exports', async () => {
    const dir = tempDir();
    const big = join(dir, 'big.json');
    const bigText = JSON.stringify({ pad: 'x'.repeat(20 * 1024 * 1024) });
    writeFileSync(big, bigText);
    const message = await failure(createFileExporter().export(jsonTarget(big), payload));
    expect(message).toMatch(/larger than 16 MB, far larger than any token JSON file/);
    expect(readFileSync(big, 'utf8')).toBe(bigText);

    const fine = join(dir, 'tokens.json');
    writeFileSync(fine, JSON.stringify({ pad: 'x'.repeat(12 * 1024 * 1024) }));
    await createFileExporter().export(jsonTarget(fine), payload);
    const doc = JSON.parse(readFileSync(fine, 'utf8')) as Record<string, { access_token?: string }>;
    expect(doc.upstox?.access_token).toBe(payload.accessToken);
  });
});
