/**
 * Adversarial (export lock): a lock file left in a shared folder by TokenTray on another machine
 * (its pid means nothing here). The export used to say "another TokenTray process (pid 4242) is
 * still updating it … if no other TokenTray is running" — sending the user to look for a local
 * process that does not exist. It now names the other machine; the host comes from the lock file,
 * so only a plain bounded host name is ever shown. Real files, the real exporter and lock.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileExporter } from '../../electron/core/export/file-exporter';
import { lockPathFor } from '../../electron/core/export/file-lock';
import type { ExportPayload } from '../../electron/core/ports';
import type { ExportTarget } from '../../shared/domain';
import { tempDir } from '../export/helpers/temp-dir';

const payload: ExportPayload = {
  accountId: 'main',
  broker: 'kite',
  accessToken: 'new-token-lock-test',
  issuedAt: new Date('2026-03-02T04:00:00.000Z'),
  expiresAt: new Date('2026-03-03T00:30:00.000Z'),
  apiKey: 'kite-api-key',
  userId: 'AB1234',
};
const target = (path: string): ExportTarget => ({
  kind: 'env',
  path,
  tokenKey: 'KITE_ACCESS_TOKEN',
  expiresAtKey: 'KITE_ACCESS_TOKEN_EXPIRES_AT',
  extra: {},
});

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the export to fail');
}

describe('a lock held by TokenTray on another machine', () => {
  it('the error names that machine, not a local pid, and the file is untouched', async () => {
    const file = join(tempDir(), 'bot.env');
    writeFileSync(file, 'KITE_ACCESS_TOKEN=old\n');
    writeFileSync(
      lockPathFor(file),
      JSON.stringify({ pid: 4242, host: 'trading-vps.example', nonce: 'abcdef0123456789' }),
    );
    const message = await failure(
      createFileExporter({ lock: { timeoutMs: 200 } }).export(target(file), payload),
    );
    expect(message).toMatch(/TokenTray on another machine \(trading-vps\.example, pid 4242\)/);
    expect(message).toContain(`if no TokenTray is running on trading-vps.example`);
    expect(message).not.toMatch(/another TokenTray process/);
    expect(readFileSync(file, 'utf8')).toBe('KITE_ACCESS_TOKEN=old\n');
  });

  it('a hostile host in the lock file (a line break, 2 KB) is never echoed', async () => {
    const file = join(tempDir(), 'bot.env');
    writeFileSync(file, 'KITE_ACCESS_TOKEN=old\n');
    for (const host of ['evil\nFAKE LOG LINE', 'h'.repeat(2048), '-rf']) {
      writeFileSync(lockPathFor(file), JSON.stringify({ pid: 7, host, nonce: 'abcdef0123456789' }));
      const message = await failure(
        createFileExporter({ lock: { timeoutMs: 100 } }).export(target(file), payload),
      );
      expect(message).not.toContain(host);
      expect(message).not.toContain('\n');
      expect(message).toMatch(/another TokenTray process \(pid 7\) is still updating it/);
    }
  });
});
