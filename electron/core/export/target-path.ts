/**
 * Where an export may write: the rule a security reviewer can check, modelled on OpenSSH's
 * StrictModes (`safe_path()` in misc.c: every folder from `/` down must belong to the user or root
 * and be writable by nobody else), with Debian's refinement for user-private groups
 * (openssh `user-group-modes.patch`: a group-writable folder is fine when the group has no other
 * member).
 *
 * The path is resolved by hand, component by component, so that every folder crossed — including
 * the folders a symbolic link leads into — is judged:
 *
 * 1. Every folder on the way belongs to you or root, and no other user can change it (world- or
 *    group-writable, or an ACL entry that lets another user write). A sticky folder such as `/tmp`
 *    may be crossed on the way to an entry you or root own (the sticky bit stops others renaming
 *    it), but the file's own folder is never such a folder: the file, its temp, lock and backup
 *    files are created there.
 * 2. A symbolic link is followed only when it belongs to you or root (Linux's
 *    `fs.protected_symlinks` rule) and leads to an existing regular file of yours whose name is
 *    one of the target's kind (`…env…` for .env targets, `….json` for JSON): a link planted in a
 *    cloned repo (`.env → ../../.bashrc`) is refused, and a dangling link never creates a file.
 * 3. The file itself, where it exists, is a regular file owned by you — or, when TokenTray runs as
 *    root, by root or the owner named in the target (`owner`): a secret never goes into a file
 *    another user owns.
 *
 * A folder only you (and root) can change cannot be swapped between this check and the write, so
 * the resolved path stays valid for the export that follows (no time-of-check race by another user).
 *
 * `checkTargetPath` only reads the file system (lstat, readlink; `getfacl` for a group-writable
 * folder with an ACL) and returns plain data, so the account form can call it over IPC to show the
 * resolved path and the verdict before anything is written.
 */
import type { Stats } from 'node:fs';
import { lstat, readFile, readlink, realpath, stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, isAbsolute, join, resolve, sep } from 'node:path';
import type { FileOwner } from '../../../shared/domain';
import { otherWriters, readAcl } from './file-acl';
import { describeFsError, errnoCode } from './fs-errors';

export type TargetKind = 'env' | 'json';

/** The verdict on one export path; plain data (IPC-ready). */
export interface TargetPathCheck {
  /** The path as configured. */
  readonly path: string;
  /** The file an export would replace (links followed); null where the path cannot be resolved. */
  readonly resolvedPath: string | null;
  /** True when a symbolic link was followed on the way. */
  readonly viaLink: boolean;
  /** Whether the resolved file exists now (false: an export creates it, mode 0600). */
  readonly exists: boolean;
  readonly ok: boolean;
  /** When not ok: what is wrong and the fix, as a clause ("the folder /x can be changed by …"). */
  readonly problem: string | null;
}

/** Who TokenTray runs as. */
export interface Identity {
  readonly uid: number;
  /** Effective and supplementary groups. */
  readonly gids: readonly number[];
  /** The user's name, for reading group membership in /etc/group. */
  readonly name: string | null;
}

export interface CheckTargetOptions {
  readonly kind: TargetKind;
  /** The owner named in the target (root only). */
  readonly owner?: FileOwner | undefined;
  /** Defaults to this process's effective user and groups. */
  readonly identity?: Identity;
}

const MAX_LINKS = 40; // Linux's own limit (ELOOP)
const MAX_ACCOUNT_FILE_BYTES = 8 * 1024 * 1024;

export function currentIdentity(): Identity | null {
  if (typeof process.geteuid !== 'function' || typeof process.getegid !== 'function') return null;
  let name: string | null;
  try {
    name = userInfo().username;
  } catch {
    name = null; // a uid without a passwd entry (a container): no name to match in /etc/group
  }
  const gids = new Set([process.getegid(), ...(process.getgroups?.() ?? [])]);
  return { uid: process.geteuid(), gids: [...gids], name };
}

/** A file name fit for the kind of target, checked only for files reached through a link. */
export function nameFitsKind(name: string, kind: TargetKind): boolean {
  return kind === 'json' ? /\.json$/i.test(name) : /(^|[._-])env($|[._-])/i.test(name);
}

class Refusal extends Error {
  constructor(
    readonly problem: string,
    readonly resolvedPath: string | null,
    readonly found: { readonly viaLink: boolean; readonly exists: boolean } = {
      viaLink: false,
      exists: false,
    },
  ) {
    super(problem);
  }
}

const describeUid = (uid: number) => (uid === 0 ? 'root' : `user ${uid}`);

/** Reads /etc/group and /etc/passwd once per check, to tell a user-private group. */
function groupFacts(): (gid: number, me: Identity) => Promise<boolean> {
  let facts: Promise<{ group: string; passwd: string } | null> | null = null;
  const readSmall = async (p: string) => {
    const info = await stat(p);
    if (!info.isFile() || info.size > MAX_ACCOUNT_FILE_BYTES) throw new Error(`${p} is unusual`);
    return readFile(p, 'utf8');
  };
  return async (gid, me) => {
    facts ??= Promise.all([readSmall('/etc/group'), readSmall('/etc/passwd')]).then(
      ([group, passwd]) => ({ group, passwd }),
      () => null,
    );
    const f = await facts;
    if (!f || me.name === null) return false;
    const entry = f.group
      .split('\n')
      .map((l) => l.split(':'))
      .find((fields) => fields.length >= 4 && Number(fields[2]) === gid);
    if (!entry) return false; // a group only a directory service knows: cannot tell, not private
    const members = (entry[3] ?? '').split(',').filter((m) => m.trim() !== '');
    if (members.some((m) => m.trim() !== me.name)) return false;
    // Nobody else may have it as their primary group either.
    return !f.passwd
      .split('\n')
      .map((l) => l.split(':'))
      .some(
        (fields) => fields.length >= 4 && Number(fields[3]) === gid && Number(fields[2]) !== me.uid,
      );
  };
}

/**
 * Who besides `me` and root can change the entries of folder `dir` (empty: nobody). Mode bits,
 * user-private groups and, for a group-writable folder, its ACL's named entries.
 */
async function folderWriters(
  dir: string,
  info: Stats,
  me: Identity,
  isPrivateGroup: (gid: number, me: Identity) => Promise<boolean>,
): Promise<string[]> {
  const writers: string[] = [];
  if (info.uid !== 0 && info.uid !== me.uid) writers.push(`its owner (${describeUid(info.uid)})`);
  // World-writable says it all (and spares a getfacl run for /tmp on every export).
  if (info.mode & 0o002) return [...writers, 'every user'];
  if (info.mode & 0o020) {
    // With an ACL the group bits are its mask: named entries may let others write too.
    const acl = await readAcl(dir).catch(() => 'unavailable' as const);
    const named = acl === 'unavailable' ? [] : otherWriters(acl, me);
    if (named.length) writers.push(...named.map((w) => `${w} (ACL)`));
    else if (!(await isPrivateGroup(info.gid, me))) writers.push(`group ${info.gid}`);
  }
  return writers;
}

const defaultIdentity = (): Identity => currentIdentity() ?? { uid: -1, gids: [], name: null };

/**
 * The verdict on `path` for an export of `options.kind` (see the header for the rules). Never
 * throws for a bad path: the reason is in `problem`.
 */
export async function checkTargetPath(
  path: string,
  options: CheckTargetOptions,
): Promise<TargetPathCheck> {
  const base = { path, viaLink: false, exists: false };
  if (!isAbsolute(path)) {
    return {
      ...base,
      resolvedPath: null,
      ok: false,
      problem: 'the path is not absolute: use a full path (e.g. /home/me/bot/.env)',
    };
  }
  if (process.platform === 'win32') return checkWindows(path);
  const me = options.identity ?? defaultIdentity();
  try {
    return { ...(await walk(path, options, me)), path, ok: true, problem: null };
  } catch (e) {
    if (e instanceof Refusal) {
      return { ...base, ...e.found, resolvedPath: e.resolvedPath, ok: false, problem: e.problem };
    }
    return {
      ...base,
      resolvedPath: null,
      ok: false,
      problem: describeFsError(e, path, 'read'),
    };
  }
}

/** Windows has no uid/mode to judge: follow links and require a regular file or none. */
async function checkWindows(path: string): Promise<TargetPathCheck> {
  let resolved = path;
  let exists = false;
  try {
    resolved = await realpath(path);
    exists = true;
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') {
      return {
        path,
        resolvedPath: null,
        viaLink: false,
        exists,
        ok: false,
        problem: describeFsError(e, path, 'read'),
      };
    }
  }
  const info = exists ? await lstat(resolved) : null;
  const bad = info && !info.isFile();
  return {
    path,
    resolvedPath: resolved,
    viaLink: resolved !== path && exists,
    exists,
    ok: !bad,
    problem: bad ? `${resolved} is not a regular file: choose a file` : null,
  };
}

async function walk(
  path: string,
  options: CheckTargetOptions,
  me: Identity,
): Promise<{ resolvedPath: string; viaLink: boolean; exists: boolean }> {
  const isPrivateGroup = groupFacts();
  const trusted = (uid: number) => uid === 0 || uid === me.uid;
  const owner = options.owner;
  if (owner && owner.uid !== me.uid && me.uid !== 0) {
    throw new Refusal(
      `the target names user ${owner.uid} as the file's owner, but only TokenTray running as root can write a file for another user: remove the owner from the target`,
      null,
    );
  }
  // Owners a secret may be written for: yourself; as root, root or the owner the target names.
  const allowedOwners = new Set([me.uid, ...(me.uid === 0 && owner ? [owner.uid] : [])]);

  /** Judges the folder `dir` before using its entry (owned by `entryUid`; null: the file's folder). */
  const judgeFolder = async (dir: string, info: Stats, entryUid: number | null) => {
    const writers = await folderWriters(dir, info, me, isPrivateGroup);
    if (writers.length === 0) return;
    const stickyCrossing =
      entryUid !== null && (info.mode & 0o1000) !== 0 && trusted(info.uid) && trusted(entryUid);
    if (stickyCrossing) return;
    const fix =
      entryUid === null
        ? `choose a file in a folder only you can change, or remove the others' write access (chmod go-w ${dir})`
        : `remove the others' write access (chmod go-w ${dir}) or choose a path that does not pass through it`;
    throw new Refusal(
      `the folder ${dir} can be changed by ${writers.join(', ')}, who could swap the file for another: TokenTray never writes a token there. Fix: ${fix}`,
      null,
    );
  };

  // Not normalised lexically: `..` after a link is its target's parent, as the kernel reads it.
  let parts = path.split(sep).filter(Boolean);
  let current: string = sep;
  let currentInfo = await lstat(current);
  let hops = 0;
  let viaLink = false;
  while (parts.length > 0) {
    const name = parts.shift()!;
    if (name === '.') continue;
    if (name === '..') {
      current = resolve(current, '..');
      currentInfo = await lstat(current);
      continue;
    }
    const entry = join(current, name);
    const last = parts.length === 0;
    let info: Stats | null = null;
    try {
      info = await lstat(entry);
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT') throw e;
    }
    if (info === null) {
      if (!last) {
        throw new Refusal(
          `the folder ${entry} does not exist: create it or choose another file`,
          null,
        );
      }
      await judgeFolder(current, currentInfo, null);
      if (viaLink) {
        throw new Refusal(
          `${path} is a symbolic link to ${entry}, which does not exist: TokenTray writes through a link only into an existing file of yours. Create ${entry} first or choose it as the target`,
          entry,
          { viaLink, exists: false },
        );
      }
      return { resolvedPath: entry, viaLink, exists: false };
    }
    if (info.isSymbolicLink()) {
      if (!trusted(info.uid)) {
        throw new Refusal(
          `${entry} is a symbolic link made by ${describeUid(info.uid)}: TokenTray follows only links of yours or root's. Remove it, or choose the file it points to as the target`,
          null,
        );
      }
      await judgeFolder(current, currentInfo, info.uid);
      if (++hops > MAX_LINKS) {
        throw new Refusal(
          `${path} is a symbolic link that loops back on itself: fix or remove the link`,
          null,
        );
      }
      viaLink = true;
      const target = await readlink(entry);
      parts = [...target.split(sep).filter(Boolean), ...parts];
      if (isAbsolute(target)) {
        current = sep;
        currentInfo = await lstat(current);
      }
      continue;
    }
    if (!last) {
      if (!info.isDirectory()) {
        throw new Refusal(
          `part of the path ${entry} is a file, not a folder: check the path`,
          null,
        );
      }
      await judgeFolder(current, currentInfo, info.uid);
      current = entry;
      currentInfo = info;
      continue;
    }
    // The file itself.
    await judgeFolder(current, currentInfo, null);
    const shown = viaLink ? `${path} leads to ${entry}, which` : `${entry}`;
    if (info.isDirectory()) {
      throw new Refusal(
        `${shown} is a folder, not a file: choose a file inside it, e.g. ${join(entry, '.env')}`,
        entry,
        { viaLink, exists: true },
      );
    }
    if (!info.isFile()) {
      throw new Refusal(
        `${shown} is not a regular file (a device, pipe or socket): choose a regular file`,
        entry,
        { viaLink, exists: true },
      );
    }
    if (viaLink && !nameFitsKind(basename(entry), options.kind)) {
      throw new Refusal(
        `${path} is a symbolic link to ${entry}, which is not named like a ${options.kind === 'json' ? 'JSON (.json)' : '.env'} file: TokenTray does not write a token through a link into such a file. Choose ${entry} itself as the target if you really mean it`,
        entry,
        { viaLink, exists: true },
      );
    }
    if (!allowedOwners.has(info.uid)) {
      const fix =
        me.uid === 0
          ? `name that owner in the target (owner uid ${info.uid}) or chown it to root`
          : `run \`chown ${me.uid} ${entry}\` (as its owner or root) or choose a file of yours`;
      throw new Refusal(
        `${shown} belongs to ${describeUid(info.uid)}, not to ${me.uid === 0 ? 'root' : `you (${describeUid(me.uid)})`}: TokenTray never writes a token into a file another user owns. Fix: ${fix}`,
        entry,
        { viaLink, exists: true },
      );
    }
    return { resolvedPath: entry, viaLink, exists: true };
  }
  // The path was `/` (or only `..`s): a folder.
  throw new Refusal(`${path} is a folder, not a file: choose a file`, current);
}
