/**
 * The log file is the one place a secret would most easily leak to (support bundles, screenshots of a
 * terminal). These tests write through the real electron-log file transport into a temp folder and
 * read the file back.
 */
import {
  chmodSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileLogger } from '../../electron/core/logger';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tokentray-log-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const ACCESS = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJBQjEyMzQifQ.c2lnbmF0dXJlLWJ5dGVz';
const API_SECRET = 'sim-secret-9f8e7d6c5b4a';
const PIN = '4821';

describe('file logger', () => {
  it('writes lines to the file in the given folder', () => {
    const logger = createFileLogger({ dir: tempDir() });
    logger.info('TokenTray started', { accounts: 3 });
    logger.warn('validate failed', { accountId: 'main', kind: 'broker-down' });
    const text = readFileSync(logger.path, 'utf8');
    expect(text).toContain('TokenTray started');
    expect(text).toContain('"accounts":3');
    expect(text).toContain('[warn]');
    expect(text).toContain('broker-down');
  });

  it('never writes a registered secret, in messages, fields, errors or URL-encoded', () => {
    const logger = createFileLogger({ dir: tempDir() });
    logger.registerSecret(ACCESS);
    logger.registerSecret(API_SECRET);
    logger.registerSecret(PIN);
    logger.info(`exchanged, got ${ACCESS}`);
    logger.warn('request', { body: `api_secret=${encodeURIComponent(API_SECRET)}&x=1` });
    logger.error('failed', { error: new Error(`broker said: bad secret ${API_SECRET}`) });
    logger.info('nested', { deep: { list: [{ note: `pin was ${PIN}` }] } });
    const text = readFileSync(logger.path, 'utf8');
    expect(text).not.toContain(ACCESS);
    expect(text).not.toContain(API_SECRET);
    expect(text).not.toContain(encodeURIComponent(API_SECRET));
    expect(text).not.toContain(PIN);
    // The lines are still there, with the secret masked, so the log stays useful.
    expect(text).toContain('exchanged, got [redacted]');
    expect(text).toContain('bad secret [redacted]');
    expect(text).toContain('pin was [redacted]');
  });

  it('masks fields named like secrets even when the value was never registered', () => {
    const logger = createFileLogger({ dir: tempDir() });
    logger.info('broker answer', {
      access_token: 'never-registered-token-value',
      refresh_token: 'never-registered-refresh',
      status: 'success',
    });
    const text = readFileSync(logger.path, 'utf8');
    expect(text).not.toContain('never-registered');
    expect(text).toContain('success');
  });

  it('rotates the file when it grows past the limit, keeping one old file', () => {
    const dir = tempDir();
    const logger = createFileLogger({ dir, maxSizeBytes: 4096 });
    logger.registerSecret(ACCESS);
    for (let i = 0; i < 400; i += 1) logger.info(`line ${i} token ${ACCESS}`);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['tokentray.log', 'tokentray.old.log']);
    const current = readFileSync(join(dir, 'tokentray.log'), 'utf8');
    expect(Buffer.byteLength(current)).toBeLessThanOrEqual(4096 + 200);
    expect(current).toContain('line 399');
    const old = readFileSync(join(dir, 'tokentray.old.log'), 'utf8');
    expect(old + current).not.toContain(ACCESS);
  });

  // Issue 9 item 13: the log file was created 0644 (electron-log's default mode 0666 under umask 022).
  it('issue 9 item 13: the log file, its folder and the rotated file are private (0600/0700)', () => {
    const parent = tempDir();
    const dir = join(parent, 'logs'); // created by the logger
    const old = process.umask(0o022); // the usual desktop umask, whatever the test runner has
    try {
      const logger = createFileLogger({ dir, maxSizeBytes: 4096 });
      logger.info('TokenTray started');
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(logger.path).mode & 0o777).toBe(0o600);
      for (let i = 0; i < 400; i += 1) logger.info(`line ${i} of some length to rotate the file`);
      expect(readdirSync(dir).sort()).toEqual(['tokentray.log', 'tokentray.old.log']);
      for (const name of readdirSync(dir)) {
        expect(statSync(join(dir, name)).mode & 0o777, name).toBe(0o600);
      }
    } finally {
      process.umask(old);
    }
  });

  it('issue 9 item 13: log files left world-readable by an older TokenTray are tightened to 0600', () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    for (const name of ['tokentray.log', 'tokentray.old.log']) {
      writeFileSync(join(dir, name), 'an old line\n');
      chmodSync(join(dir, name), 0o644);
    }
    const logger = createFileLogger({ dir });
    logger.info('TokenTray started');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const name of ['tokentray.log', 'tokentray.old.log']) {
      expect(statSync(join(dir, name)).mode & 0o777, name).toBe(0o600);
    }
    expect(readFileSync(logger.path, 'utf8')).toMatch(/^an old line\n.*TokenTray started/s);
  });

  it('issue 9 item 13: a registered secret with a lone surrogate never breaks logging, and is masked', () => {
    const logger = createFileLogger({ dir: tempDir() });
    const odd = 'odd-secret-\uD83D-value'; // encodeURIComponent throws on it
    logger.registerSecret(odd);
    logger.registerSecret(API_SECRET);
    expect(() => logger.info(`saving ${odd}`, { note: `and ${API_SECRET}` })).not.toThrow();
    logger.info('next line');
    const text = readFileSync(logger.path, 'utf8');
    expect(text).toContain('saving [redacted]');
    expect(text).toContain('and [redacted]');
    expect(text).not.toContain('odd-secret');
    expect(text).toContain('next line');
  });
});
