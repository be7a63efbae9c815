/**
 * Replace a file so that a reader (a bot starting up) or a crash (power cut, SIGKILL) only ever sees
 * the old content or the new content, never a mix:
 *   write a temp file in the same folder (same file system, so rename is atomic) → fsync it →
 *   rename it over the target → fsync the folder (so the rename itself survives a power cut).
 * On any failure before the rename the temp file is removed and the target is untouched.
 *
 * Temp files are named `.<name>.tokentray-<pid>-<random>.tmp`; one left behind by a killed process is
 * swept by the next export (see sweepStaleTemps).
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { applyAcl, type FileAcl } from './file-acl';
import { errnoCode } from './fs-errors';
import { isProcessAlive } from './process-alive';

/** Identity of a file's content at one moment, to detect a concurrent writer (optimistic check). */
export interface FileSnapshot {
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

/** The new file could not be given the old one's owner or group (not root, not in the group). */
export class OwnershipError extends Error {
  override readonly name = 'OwnershipError';
  constructor(
    readonly uid: number,
    readonly gid: number,
    readonly code: string | undefined,
  ) {
    super(`cannot give the file owner ${uid} and group ${gid} (${code ?? 'refused'})`);
  }
}

/** Thrown when the target changed between our read and our rename; the caller reads again. */
export class ConcurrentChangeError extends Error {
  override readonly name = 'ConcurrentChangeError';
}

export async function snapshotOf(path: string): Promise<FileSnapshot | null> {
  try {
    const s = await stat(path, { bigint: true });
    return { ino: s.ino, size: s.size, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs };
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return null;
    throw e;
  }
}

function sameSnapshot(a: FileSnapshot | null, b: FileSnapshot | null): boolean {
  if (a === null || b === null) return a === b;
  return a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

export interface AtomicWriteOptions {
  /** Permission bits of the new file. */
  readonly mode: number;
  /**
   * Give the file this owner and group. Root may give any; another user only their own uid and a
   * group they belong to. A refusal fails the write (OwnershipError): readers must not lose access.
   */
  readonly owner?: { readonly uid: number; readonly gid: number };
  /** Put this POSIX ACL (minus world access) on the new file (file-acl.ts); failure fails the write. */
  readonly acl?: FileAcl;
  /**
   * When given, the rename happens only if the target still matches this snapshot (null: still
   * absent); otherwise ConcurrentChangeError and nothing is replaced.
   */
  readonly expect?: FileSnapshot | null;
}

const TEMP_SUFFIX = '.tmp';
const tempPrefix = (path: string) => `.${basename(path)}.tokentray-`;

/** Writes `data` to `path` atomically (see the header). fs errors propagate for the caller to word. */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions,
): Promise<void> {
  const dir = dirname(path);
  const temp = join(
    dir,
    `${tempPrefix(path)}${process.pid}-${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`,
  );
  // 'wx': never follow or reuse something already at that name; 0600 from the first byte.
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(data);
      if (options.owner) {
        const { uid, gid } = options.owner;
        await handle.chown(uid, gid).catch((e: unknown) => {
          throw new OwnershipError(uid, gid, errnoCode(e));
        });
      }
      // After chown, which may clear set-id bits; with an ACL the group bits are its mask.
      await handle.chmod(options.mode);
      if (options.acl) await applyAcl(temp, options.acl);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.expect !== undefined && !sameSnapshot(options.expect, await snapshotOf(path))) {
      throw new ConcurrentChangeError(`${path} changed while TokenTray was updating it`);
    }
    await rename(temp, path);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    throw e;
  }
  await syncDirectory(dir);
}

/**
 * Where a folder cannot be fsynced: it cannot be opened for reading (a `-wx` folder: EACCES/EPERM),
 * or its file system does not fsync folders (some FUSE and network mounts: EINVAL, ENOTSUP …).
 */
const UNSYNCABLE_DIR = new Set([
  'EACCES',
  'EPERM',
  'EINVAL',
  'ENOTSUP',
  'EOPNOTSUPP',
  'EISDIR',
  'EBADF',
]);

/**
 * Makes a rename in `dir` durable, where the folder allows it. Best-effort: it runs after the rename,
 * so failing here would report a write that did happen as "left as it was"; the file's own content
 * was already fsynced. Directories cannot be opened for fsync on Windows: skip there.
 */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (e) {
    if (!UNSYNCABLE_DIR.has(errnoCode(e) ?? '')) throw e;
  }
}

/** Temp files older than this are removed even if their pid seems alive (pid reuse). */
const STALE_TEMP_MS = 10 * 60_000;

/**
 * Removes temp files of `path` left by a process that died mid-write (SIGKILL, power cut): a temp
 * whose writer is gone, or one older than any write could take. Returns how many were removed.
 */
export async function sweepStaleTemps(path: string, now = Date.now()): Promise<number> {
  const prefix = tempPrefix(path);
  const dir = dirname(path);
  let removed = 0;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!name.startsWith(prefix) || !name.endsWith(TEMP_SUFFIX)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    const full = join(dir, name);
    const info = await stat(full).catch(() => null);
    if (!info) continue;
    const abandoned =
      (Number.isInteger(pid) && pid !== process.pid && !isProcessAlive(pid)) ||
      now - info.mtimeMs > STALE_TEMP_MS;
    if (
      abandoned &&
      (await unlink(full)
        .then(() => true)
        .catch(() => false))
    )
      removed++;
  }
  return removed;
}
