/**
 * The authoritative checks of what an account may point at, with the running platform's rules.
 * shared/domain.ts holds the platform-free part (the renderer's form uses it: absolute in either the
 * POSIX or the Windows drive form, never UNC); only the main process knows which platform the paths
 * are for, so the settings store applies these before it saves an account and to every settings file
 * it reads — no other way leads a path or redirect URI into TokenTray's configuration.
 *
 * Why: on Linux `C:\bot\.env` or `\\evil-host\share\.env` is a *relative* file name (a file literally
 * called that would appear in the working folder); on Windows a UNC path makes the OS contact an SMB
 * host (and offer the user's credentials to it), `C:\bot\.env:x` writes an alternate data stream,
 * `…\NUL.env` a device.
 */
import { posix, win32 } from 'node:path';
import { pathFormProblem, redirectUriProblem, type AccountConfig } from '../../../shared/domain';

/** Windows device names: a file called so (with any extension) opens the device instead. */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|conin\$|conout\$|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/** Why `p` is not an absolute local file path on `platform`, or null. */
export function absolutePathProblem(
  p: string,
  platform: NodeJS.Platform = process.platform,
): string | null {
  const form = pathFormProblem(p);
  if (form) return form;
  if (platform === 'win32') {
    if (!/^[A-Za-z]:[\\/]/.test(p) || !win32.isAbsolute(p)) {
      return 'on Windows use a full path that starts with a drive letter, e.g. C:\\Users\\me\\bot\\.env';
    }
    if (p.includes(':', 2)) {
      return 'on Windows a colon may only follow the drive letter (C:\\…); "name:stream" would write a hidden stream, not the file';
    }
    if (/[<>"|?*]/.test(p)) return 'on Windows a path cannot contain < > " | ? or *';
    for (const name of p.slice(3).split(/[\\/]/)) {
      if (name === '' || name === '.' || name === '..') continue;
      if (WINDOWS_DEVICE.test(name.replace(/[ .]+$/, ''))) {
        return `"${name}" is a Windows device name, not a file: choose another name`;
      }
      if (/[ .]$/.test(name)) {
        return `"${name}" ends with a dot or space, which Windows drops: remove it`;
      }
    }
    return null;
  }
  if (!posix.isAbsolute(p)) {
    return /^[A-Za-z]:[\\/]/.test(p)
      ? 'this is a Windows path; on this computer a path starts with /, e.g. /home/me/bot/.env'
      : 'use an absolute path that starts with /, e.g. /home/me/bot/.env';
  }
  return null;
}

export interface AccountProblem {
  /** Path inside the account, as zod reports it (e.g. ['exportTargets', 0, 'path']). */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * Everything wrong with an account's local paths and redirect URI on `platform`. With
 * `beyondForm`, only what the shared schema's own checks let through (used inside a zod refinement
 * of a document those field checks already ran on, so one problem is not reported twice).
 */
export function accountProblems(
  account: Pick<AccountConfig, 'broker' | 'redirectUri' | 'exportTargets'>,
  platform: NodeJS.Platform = process.platform,
  { beyondForm = false }: { readonly beyondForm?: boolean } = {},
): AccountProblem[] {
  const problems: AccountProblem[] = [];
  if (!beyondForm || redirectUriProblem(account.redirectUri, null) === null) {
    const redirect = redirectUriProblem(account.redirectUri, account.broker);
    if (redirect) problems.push({ path: ['redirectUri'], message: redirect });
  }
  account.exportTargets.forEach((target, i) => {
    // Local files only: a remote target's path (an SSH server's, say) follows that server's rules.
    if (target.kind !== 'env' && target.kind !== 'json') return;
    if (beyondForm && pathFormProblem(target.path) !== null) return;
    const problem = absolutePathProblem(target.path, platform);
    if (problem) problems.push({ path: ['exportTargets', i, 'path'], message: problem });
  });
  return problems;
}
