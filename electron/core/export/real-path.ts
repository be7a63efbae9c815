/**
 * Where an export really goes. A target that is a symbolic link (a bot's `.env` linked to a shared
 * one, say) is followed to its real file, so we replace that file and the link stays a link: renaming
 * a temp file over the link itself would silently turn it into a plain file.
 */
import { lstat, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { errnoCode } from './fs-errors';

const MAX_LINKS = 40; // Linux's own limit (ELOOP)

/**
 * The absolute path of the file to replace. Follows links, including a dangling one (its target
 * will be created). Throws the fs error (ENOENT for a missing folder, ELOOP …) for the caller to word.
 */
export async function resolveRealPath(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw e;
  }
  // Missing file, or a link pointing at one: walk the links by hand.
  let current = resolve(path);
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    let isLink = false;
    try {
      isLink = (await lstat(current)).isSymbolicLink();
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT') throw e;
    }
    if (!isLink) {
      // The file itself does not exist yet; its folder must (realpath throws ENOENT if not). The
      // error's `path` names the file the folder should hold — for a dangling link, its target —
      // so the message points at the missing folder, not at the link's.
      try {
        return join(await realpath(dirname(current)), basename(current));
      } catch (e) {
        if (errnoCode(e) === 'ENOENT') Object.assign(e as object, { path: current });
        throw e;
      }
    }
    current = resolve(dirname(current), await readlink(current));
  }
  throw Object.assign(new Error('too many symbolic links'), { code: 'ELOOP' });
}
