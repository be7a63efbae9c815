/**
 * Adversarial: the settings file the CLI reads directly (createJsonFileBackend) is not always a
 * regular file of a sane size. A FIFO at config.json used to hang `tokentray status` for ever (open()
 * blocks until a writer comes), a link to /dev/zero streamed without end, a 100 MB file was read and
 * parsed whole. Each must now fail at once with a message naming what the file is and the fix.
 */
import { execFileSync } from 'node:child_process';
import { symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTokenTrayError } from '../../electron/core/errors';
import { createJsonFileBackend } from '../../electron/core/settings/settings-backend';
import { createSettingsStore } from '../../electron/core/settings/settings-store';
import { tempDir } from '../export/helpers/temp-dir';

const HUNG = Symbol('hung');

/** The store's first read, or HUNG when it has not settled within `ms` (a hang detector only). */
async function firstRead(path: string, ms = 5_000): Promise<unknown> {
  const store = createSettingsStore({ backend: createJsonFileBackend(path) });
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise((resolve) => {
    timer = setTimeout(() => resolve(HUNG), ms);
  });
  try {
    return await Promise.race([
      store.listAccounts().then(
        () => 'read',
        (e: unknown) => e,
      ),
      hung,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe('settings file that is not an ordinary file (CLI backend)', () => {
  it('a FIFO at config.json fails at once, naming the pipe, instead of hanging', async () => {
    const dir = tempDir();
    const path = join(dir, 'config.json');
    execFileSync('mkfifo', [path]);
    const outcome = await firstRead(path);
    expect(outcome).not.toBe(HUNG);
    expect(isTokenTrayError(outcome)).toBe(true);
    expect((outcome as Error).message).toMatch(/not a regular file \(a named pipe\)/);
    expect((outcome as Error).message).toContain(path);
  });

  it('a link to /dev/zero is refused as a device, not streamed', async () => {
    const dir = tempDir();
    const path = join(dir, 'config.json');
    symlinkSync('/dev/zero', path);
    const outcome = await firstRead(path);
    expect(outcome).not.toBe(HUNG);
    expect((outcome as Error).message).toMatch(/not a regular file \(a device or socket\)/);
  });

  it('a 100 MB file is refused by its size without being read', async () => {
    const dir = tempDir();
    const path = join(dir, 'config.json');
    writeFileSync(path, '{"schemaVersion":1,');
    truncateSync(path, 100 * 1024 * 1024); // sparse: no 100 MB written to the shared disk
    const outcome = await firstRead(path);
    expect(outcome).not.toBe(HUNG);
    expect((outcome as Error).message).toMatch(/100 MB, far larger than any settings file/);
  });

  it('an ordinary settings file still reads (and a missing one is empty)', async () => {
    const dir = tempDir();
    expect(await firstRead(join(dir, 'config.json'))).toBe('read');
    writeFileSync(join(dir, 'other.json'), '{}\n');
    expect(await firstRead(join(dir, 'other.json'))).toBe('read');
  });
});
