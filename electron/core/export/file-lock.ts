/**
 * Serialises read-modify-write cycles on one file, so two exports racing (two accounts into one
 * .env) never lose either update.
 *
 * - In this process: a promise chain per real path (the app exports several accounts concurrently).
 * - Across processes (a second TokenTray, a CLI): a lock file `.<name>.tokentray.lock` beside the
 *   target, created with O_EXCL and holding {pid, host, nonce}. A lock whose owner is dead (same host,
 *   signal 0 says ESRCH) or that is older than `staleMs` (a hung or remote owner) is broken: it is
 *   renamed aside and the renamed file's nonce checked, so only the stale lock we saw is removed; a
 *   fresh lock taken in that instant is put back. (Residual race: a third process locking in the
 *   microseconds between that rename and the put-back; the atomic writer's snapshot check still
 *   turns most such overlaps into a retry rather than a lost update.)
 *
 * Bots reading the file need no lock: every write is an atomic rename (atomic-write.ts).
 *
 * A lock path is never trusted to be a regular file: it is opened with O_NOFOLLOW | O_NONBLOCK (a
 * FIFO does not block the open, a symbolic link — to /dev/zero, say — is not followed), checked
 * with fstat to be a regular file, and read at most MAX_LOCK_BYTES. Anything else at that path is a
 * LockPathError naming the lock file and the fix. Every step is non-blocking, and the wait as a
 * whole is raced against its deadline, so the timeout always fires.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, open, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { errnoCode } from './fs-errors';
import { isProcessAlive } from './process-alive';

export interface FileLockOptions {
  /** Give up waiting for another process's lock after this long. */
  readonly timeoutMs?: number;
  /** A lock file older than this is considered abandoned. */
  readonly staleMs?: number;
  /** Called when a stale lock was broken (for the log). */
  readonly onStaleLock?: (info: { lockPath: string; pid: number | null }) => void;
}

/** Another process held the lock for longer than the timeout. */
export class LockTimeoutError extends Error {
  override readonly name = 'LockTimeoutError';
  constructor(
    readonly lockPath: string,
    readonly holderPid: number | null,
    /** The holder's host when it is another machine (a shared folder), as a plain host name. */
    readonly holderHost: string | null = null,
  ) {
    super(
      `lock ${lockPath} is held by ${holderPid === null ? 'another process' : `pid ${holderPid}`}${holderHost === null ? '' : ` on ${holderHost}`}`,
    );
  }
}

/** A host name fit to show (the lock file's content is not trusted): bounded, one plain word. */
const PLAIN_HOST = /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/;

/** The lock path holds something that is not a lock file (a folder, a FIFO, a link …). */
export class LockPathError extends Error {
  override readonly name = 'LockPathError';
  constructor(
    readonly lockPath: string,
    readonly what: string,
  ) {
    super(
      `its lock file ${lockPath} is ${what}, not a lock file TokenTray made: remove it (TokenTray creates it again when needed)`,
    );
  }
}

interface LockContent {
  readonly pid: number | null;
  readonly host: string | null;
  readonly nonce: string | null;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_STALE_MS = 30_000;
/** A lock file still empty after this long belongs to a process that died between open and write. */
const EMPTY_STALE_MS = 2_000;
/** A lock file holds one short JSON line; reading more than this is never needed. */
const MAX_LOCK_BYTES = 4096;
/** Read-only, never following a final symbolic link, never blocking on a FIFO or device. */
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const chains = new Map<string, Promise<unknown>>();

export function lockPathFor(realPath: string): string {
  return join(dirname(realPath), `.${basename(realPath)}.tokentray.lock`);
}

/** Runs `fn` while holding both locks on `realPath` (a path already resolved by resolveRealPath). */
export async function withFileLock<T>(
  realPath: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const previous = chains.get(realPath) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => withProcessLock(realPath, fn, options));
  const tail = run.catch(() => undefined);
  chains.set(realPath, tail);
  try {
    return await run;
  } finally {
    // Forget the chain once nobody queued behind us, so the map does not grow without bound.
    if (chains.get(realPath) === tail) chains.delete(realPath);
  }
}

async function withProcessLock<T>(
  realPath: string,
  fn: () => Promise<T>,
  options: FileLockOptions,
): Promise<T> {
  const lockPath = lockPathFor(realPath);
  const nonce = await acquire(lockPath, options);
  try {
    return await fn();
  } finally {
    await release(lockPath, nonce);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function parseLock(text: string): LockContent {
  try {
    const v = JSON.parse(text) as Partial<Record<keyof LockContent, unknown>>;
    return {
      pid: typeof v.pid === 'number' ? v.pid : null,
      host: typeof v.host === 'string' ? v.host : null,
      nonce: typeof v.nonce === 'string' ? v.nonce : null,
    };
  } catch {
    // Empty or half-written: its owner is between open and write (or died there).
    return { pid: null, host: null, nonce: null };
  }
}

function kindOf(info: { isDirectory(): boolean; isFIFO(): boolean; isSymbolicLink(): boolean }) {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  return 'not a regular file';
}

/** Reads a lock file safely (see the header); null when there is none. */
async function readLockFile(path: string): Promise<{ text: string; mtimeMs: number } | null> {
  let handle;
  try {
    handle = await open(path, READ_FLAGS);
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ENOENT') return null;
    // O_NOFOLLOW on a symbolic link: ELOOP (Linux), EMLINK (FreeBSD), EFTYPE (NetBSD).
    if (code === 'ELOOP' || code === 'EMLINK' || code === 'EFTYPE') {
      throw new LockPathError(path, 'a symbolic link');
    }
    throw e;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new LockPathError(path, kindOf(info));
    const buffer = Buffer.alloc(MAX_LOCK_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, MAX_LOCK_BYTES, 0);
    return { text: buffer.subarray(0, bytesRead).toString('utf8'), mtimeMs: info.mtimeMs };
  } finally {
    await handle.close();
  }
}

async function readLock(path: string): Promise<{ content: LockContent; ageMs: number } | null> {
  const read = await readLockFile(path);
  if (!read) return null;
  return { content: parseLock(read.text), ageMs: Date.now() - read.mtimeMs };
}

async function tryCreate(lockPath: string, nonce: string): Promise<boolean> {
  let handle;
  try {
    // O_EXCL: never follows a link or reuses anything already at that path.
    handle = await open(lockPath, 'wx', 0o600);
  } catch (e) {
    if (errnoCode(e) === 'EEXIST') return false;
    // A folder at the lock path says EISDIR on some systems: name the lock, not the target.
    if (errnoCode(e) === 'EISDIR') throw new LockPathError(lockPath, 'a folder');
    throw e;
  }
  try {
    await handle.writeFile(JSON.stringify({ pid: process.pid, host: hostname(), nonce }));
  } finally {
    await handle.close();
  }
  return true;
}

/**
 * Takes the lock, or throws LockTimeoutError at the deadline. The loop checks the deadline itself;
 * the race with a timer is a second guard for a file-system call that stalls (a hung network
 * mount): the export then fails on time, and a lock taken after giving up is released at once.
 */
async function acquire(lockPath: string, options: FileLockOptions): Promise<string> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let gaveUp = false;
  let timer: NodeJS.Timeout | undefined;
  const attempt = acquireLoop(lockPath, options, timeoutMs);
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      gaveUp = true;
      reject(new LockTimeoutError(lockPath, null));
    }, timeoutMs + 1_000);
    timer.unref();
  });
  attempt.then(
    (nonce) => {
      if (gaveUp) void release(lockPath, nonce);
    },
    () => undefined,
  );
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function acquireLoop(
  lockPath: string,
  options: FileLockOptions,
  timeoutMs: number,
): Promise<string> {
  const nonce = randomBytes(8).toString('hex');
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const deadline = Date.now() + timeoutMs;
  let delay = 2;
  for (;;) {
    if (await tryCreate(lockPath, nonce)) return nonce;
    const held = await readLock(lockPath);
    if (!held) continue; // released between our attempt and our look: try again at once
    const { content, ageMs } = held;
    // A lock naming this very process is a dead one's too: ours are taken one at a time per file
    // (the chain in withFileLock), so it was left by an earlier process that had our pid — a
    // TokenTray restarted after a crash in a container or after a reboot often gets the same pid.
    const ownerDead =
      content.pid !== null &&
      content.host === hostname() &&
      (content.pid === process.pid || !isProcessAlive(content.pid));
    const abandonedEmpty = content.nonce === null && ageMs > Math.min(EMPTY_STALE_MS, staleMs);
    if (ownerDead || abandonedEmpty || ageMs > staleMs) {
      if (await breakStaleLock(lockPath, content)) {
        options.onStaleLock?.({ lockPath, pid: content.pid });
        continue;
      }
    }
    if (Date.now() >= deadline) {
      const elsewhere =
        content.host !== null && content.host !== hostname() && PLAIN_HOST.test(content.host);
      throw new LockTimeoutError(lockPath, content.pid, elsewhere ? content.host : null);
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 50);
  }
}

/** Moves the stale lock aside; if what moved was not the lock we judged stale, puts it back. */
async function breakStaleLock(lockPath: string, seen: LockContent): Promise<boolean> {
  const aside = `${lockPath}.stale-${randomBytes(6).toString('hex')}`;
  try {
    await rename(lockPath, aside);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return true; // someone else broke or released it
    throw e;
  }
  const moved = parseLock((await readLockFile(aside).catch(() => null))?.text ?? '');
  if (moved.nonce !== seen.nonce || moved.pid !== seen.pid) {
    // We took a fresh lock: restore it (link fails if yet another lock appeared meanwhile).
    await link(aside, lockPath).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
    return false;
  }
  await unlink(aside).catch(() => undefined);
  return true;
}

async function release(lockPath: string, nonce: string): Promise<void> {
  const held = await readLock(lockPath).catch(() => null);
  // Only remove our own lock: if we were so slow that someone broke it, theirs is not ours to drop.
  if (held?.content.nonce === nonce) await unlink(lockPath).catch(() => undefined);
}
