/**
 * File-system failures in words a user can act on. Each export error says which file, what went
 * wrong, what to do, and that the previous file is unchanged (it always is: see atomic-write.ts).
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { TokenTrayError } from '../errors';

export function errnoCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') {
    return e.code;
  }
  return undefined;
}

/**
 * Why an fs call on `path` failed, as a clause ("the folder /x does not exist: create it …").
 * `op` says whether we were reading the file itself or writing into its folder.
 */
export function describeFsError(e: unknown, path: string, op: 'read' | 'write' = 'write'): string {
  const code = errnoCode(e);
  const dir = dirname(path);
  switch (code) {
    case 'ENOENT':
      // A folder that exists but cannot hold files (/proc, a vanished mount) says ENOENT too.
      return existsSync(dir)
        ? `files cannot be created in ${dir}: choose a file in an ordinary folder`
        : `the folder ${dir} does not exist: create it or choose another file`;
    case 'EACCES':
    case 'EPERM':
      return op === 'read'
        ? `permission denied reading ${path}: give your user read access to it or choose another file`
        : `permission denied in ${dir}: give your user write access to that folder or choose another file`;
    case 'EROFS':
      return `${dir} is on a read-only file system: choose a file on a writable disk`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `the disk holding ${dir} is full (or over quota): free some space and try again`;
    case 'ENOTDIR':
      return `part of the path ${path} is a file, not a folder: check the path`;
    case 'EISDIR':
      return `${path} is a folder, not a file: choose a file inside it, e.g. ${path}/.env`;
    case 'ELOOP':
      return `${path} is a symbolic link that loops back on itself: fix or remove the link`;
    case 'ENAMETOOLONG':
      return `the path ${path} is too long for the file system`;
    case 'EIO':
      return `the disk reported an input/output error while writing in ${dir}: check the disk`;
    case 'EBUSY':
    case 'ETXTBSY':
      return `${path} is busy (locked by another program): close that program and try again`;
    default:
      return `the file system refused (${code ?? 'unknown error'})`;
  }
}

/** The user-facing export error for `path`; `reason` is a clause without the file name's folder. */
export function exportError(path: string, reason: string): TokenTrayError {
  return new TokenTrayError(
    'export',
    `Could not update ${path}: ${reason}. The file was left as it was.`,
  );
}
