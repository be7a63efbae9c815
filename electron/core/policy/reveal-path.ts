/**
 * What "Open .env folder" may do with a configured path: the decision behind
 * electron/platform/shell.ts, which only carries it out.
 *
 * `shell.openPath` opens a path with its default application: for an executable (or a macOS
 * `.app` bundle, which is a folder) that means running it. A path such as
 * `C:\Windows\System32\calc.exe\x.env` passes the export schema, and "open the folder of the
 * missing file" used to hand `calc.exe` to openPath. So:
 * - an existing regular file (or link, pipe …: anything that is not a plain folder) is only ever
 *   revealed with `shell.showItemInFolder`, which selects it in the file manager and runs nothing;
 * - a folder is opened only after checking, without following links, that it is a directory — and
 *   on macOS a folder with an extension (a bundle such as `Calculator.app`) is revealed instead;
 * - a missing file's folder is opened under the same rule (a linked folder is revealed, not
 *   opened); if that "folder" is a file, or missing, nothing is opened and the message says why;
 * - UNC paths (`\\host\share\…`) are refused before anything touches them: looking one up makes
 *   Windows contact that host.
 */
import { lstat } from 'node:fs/promises';
import { posix, win32 } from 'node:path';

export type PathKind = 'file' | 'directory' | 'link' | 'other' | 'missing';

/** Looks at one path without following a final link. */
export type PathProbe = (path: string) => Promise<PathKind>;

export type RevealPlan =
  /** `shell.showItemInFolder(path)`: select it in its folder. */
  | { readonly action: 'show-item'; readonly path: string }
  /** `shell.openPath(path)`: `path` was checked to be a plain directory. */
  | { readonly action: 'open-folder'; readonly path: string }
  | { readonly action: 'refuse'; readonly message: string };

/** lstat-based probe for the real file system. */
export const fsPathProbe: PathProbe = async (path) => {
  try {
    const info = await lstat(path);
    if (info.isSymbolicLink()) return 'link';
    if (info.isDirectory()) return 'directory';
    if (info.isFile()) return 'file';
    return 'other';
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? e.code : undefined;
    // ENOTDIR: a component on the way is a file (…\calc.exe\x.env): the path does not exist.
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing';
    throw e;
  }
};

const isUnc = (path: string) => /^[\\/]{2}/.test(path);

/** macOS opens a folder named like `Name.app` / `Name.bundle` / … as a program or package. */
const looksLikeBundle = (path: string, platform: NodeJS.Platform) =>
  platform === 'darwin' && /\.[A-Za-z0-9-]+$/.test(posix.basename(path));

/** Opens a checked directory, or reveals it where opening could run a bundle. */
function openDirectory(path: string, platform: NodeJS.Platform): RevealPlan {
  return looksLikeBundle(path, platform)
    ? { action: 'show-item', path }
    : { action: 'open-folder', path };
}

/** The plan for showing `path` (see the header). Never throws for a bad path: it refuses. */
export async function planReveal(
  path: string,
  platform: NodeJS.Platform = process.platform,
  probe: PathProbe = fsPathProbe,
): Promise<RevealPlan> {
  const api = platform === 'win32' ? win32 : posix;
  if (isUnc(path)) {
    return {
      action: 'refuse',
      message: `Cannot show ${path}: it is a network (UNC) path. Choose a file on this computer.`,
    };
  }
  if (!api.isAbsolute(path) || (platform === 'win32' && !/^[A-Za-z]:[\\/]/.test(path))) {
    return { action: 'refuse', message: `Cannot show ${path}: it is not a full path.` };
  }
  const full = api.normalize(path);
  let kind: PathKind;
  try {
    kind = await probe(full);
  } catch {
    return { action: 'refuse', message: `Cannot show ${full}: it cannot be read.` };
  }
  if (kind === 'directory') return openDirectory(full, platform);
  if (kind !== 'missing') return { action: 'show-item', path: full };

  const folder = api.dirname(full);
  let folderKind: PathKind;
  try {
    folderKind = await probe(folder);
  } catch {
    return { action: 'refuse', message: `Cannot open the folder ${folder}: it cannot be read.` };
  }
  if (folderKind === 'directory') return openDirectory(folder, platform);
  // A linked folder (macOS's /tmp → /private/tmp): select the link, never open what it leads to.
  if (folderKind === 'link') return { action: 'show-item', path: folder };
  if (folderKind === 'missing') {
    return {
      action: 'refuse',
      message: `The folder ${folder} does not exist yet: create it, or choose another file for the token.`,
    };
  }
  return {
    action: 'refuse',
    message: `Cannot open ${folder}: it is not a folder, so ${full} cannot be a file in it. Choose the .env file again.`,
  };
}
