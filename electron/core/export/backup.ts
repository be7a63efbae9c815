/**
 * The one-time safety copy of a file TokenTray did not create, taken before its first write there:
 * `<file>.tokentray-backup`, mode 0600 (the original may hold other secrets of the bot). It is made
 * once and never overwritten, so it always holds the file as it was before TokenTray touched it.
 * Written to a temp file and hard-linked into place: link() never replaces an existing file and is
 * atomic, so a crash cannot leave a half-written backup that would then be kept forever.
 */
import { randomBytes } from 'node:crypto';
import { link, lstat, open, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { syncDirectory } from './atomic-write';
import { errnoCode } from './fs-errors';

export function backupPathFor(realPath: string): string {
  return `${realPath}.tokentray-backup`;
}

/** Makes the backup unless one exists. True when it made one now. fs errors propagate. */
export async function ensureBackup(realPath: string, content: Uint8Array): Promise<boolean> {
  const backup = backupPathFor(realPath);
  try {
    await lstat(backup);
    return false;
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw e;
  }
  const dir = dirname(realPath);
  // Same name pattern as atomic-write's temps, so a leftover from a crash is swept like them.
  const temp = join(
    dir,
    `.${basename(realPath)}.tokentray-${process.pid}-${randomBytes(6).toString('hex')}.tmp`,
  );
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(content);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await link(temp, backup);
    } catch (e) {
      if (errnoCode(e) === 'EEXIST') return false;
      throw e;
    }
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  await syncDirectory(dir);
  return true;
}
