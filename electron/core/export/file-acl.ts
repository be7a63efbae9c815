/**
 * POSIX ACLs (Linux) of an export file, carried over to its replacement. Node has no xattr API, so
 * this runs the `acl` package's own tools: `getfacl` reads the file's whole ACL (numeric ids, no
 * header) and `setfacl --set-file=-` puts exactly that ACL on the temp file before the rename — the
 * base entries too, so entries the temp file inherited from a default ACL of its folder go. The
 * `other::` entry is set to `---`: a file holding a token is never world-readable.
 *
 * Where the tools are missing TokenTray cannot see ACLs at all: `readAcl` says 'unavailable' and the
 * caller decides (the exporter logs it once per file and writes with the mode bits it can see).
 */
import { execFile, type ExecFileException } from 'node:child_process';

/** A file's ACL in `getfacl --numeric --omit-header` form; `extended`: more than the mode bits. */
export interface FileAcl {
  readonly text: string;
  readonly extended: boolean;
}

/** ACL tools must answer fast; a stuck one (a hung network mount) fails the export instead. */
const TOOL_TIMEOUT_MS = 5_000;
const MAX_ACL_BYTES = 256 * 1024;
/** No locale, no user's aliases: the tools are looked up on the usual system folders only. */
const TOOL_ENV = { PATH: '/usr/bin:/bin:/usr/sbin:/sbin', LC_ALL: 'C' };

/** An ACL tool failed where the file does have (or needs) an ACL; the message says what to do. */
export class AclError extends Error {
  override readonly name = 'AclError';
}

function run(
  tool: string,
  args: readonly string[],
  input?: string,
): Promise<{ stdout: string } | 'missing'> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      tool,
      args,
      { env: TOOL_ENV, timeout: TOOL_TIMEOUT_MS, maxBuffer: MAX_ACL_BYTES, encoding: 'utf8' },
      (error: ExecFileException | null, stdout: string, stderr: string) => {
        if (error) {
          if (error.code === 'ENOENT') return resolve('missing');
          const why = stderr.split('\n')[0]?.slice(0, 200) || error.message.slice(0, 200);
          return reject(new AclError(`${tool} failed: ${why}`));
        }
        resolve({ stdout });
      },
    );
    // The tool may exit before reading its input (getfacl never reads it): no EPIPE crash.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

/** Whether ACL entries beyond user::, group:: and other:: are present. */
function isExtended(text: string): boolean {
  return text
    .split('\n')
    .some((line) => /^(user|group):[^:]+:/.test(line) || line.startsWith('mask::'));
}

/** The ACL of `path` (a regular file or folder), or 'unavailable' where it cannot be read. */
export async function readAcl(path: string): Promise<FileAcl | 'unavailable'> {
  if (process.platform !== 'linux') return 'unavailable';
  const out = await run('getfacl', [
    '--omit-header',
    '--absolute-names',
    '--numeric',
    '--no-effective',
    '--',
    path,
  ]);
  if (out === 'missing') return 'unavailable';
  return { text: out.stdout, extended: isExtended(out.stdout) };
}

/**
 * The ACL of `file` and whether its folder has a default ACL (which a new temp file there would
 * inherit), in one getfacl run. A file with only the mode bits in a folder without defaults needs
 * no setfacl: its replacement gets the same bits from chmod.
 */
export async function readFileAndFolderAcl(
  file: string,
  folder: string,
): Promise<{ acl: FileAcl; folderHasDefaults: boolean } | 'unavailable'> {
  if (process.platform !== 'linux') return 'unavailable';
  const out = await run('getfacl', [
    '--omit-header',
    '--absolute-names',
    '--numeric',
    '--no-effective',
    '--',
    file,
    folder,
  ]);
  if (out === 'missing') return 'unavailable';
  // One block per path, in argument order, each ended by an empty line.
  const [fileText = '', folderText = ''] = out.stdout.split(/\n\s*\n/);
  const acl = { text: `${fileText}\n`, extended: isExtended(fileText) };
  return { acl, folderHasDefaults: /^default:/m.test(folderText) };
}

/** `acl` with `other::---` (and no default entries, which only folders have). */
export function withoutWorldAccess(acl: FileAcl): string {
  return (
    acl.text
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith('default:'))
      .map((line) => (line.startsWith('other::') ? 'other::---' : line))
      .join('\n') + '\n'
  );
}

/** Named users or groups other than `self` that the ACL lets write (for folder checks). */
export function otherWriters(
  acl: FileAcl,
  self: { uid: number; gids: readonly number[] },
): string[] {
  const writers: string[] = [];
  let maskAllowsWrite = true;
  for (const line of acl.text.split('\n')) {
    const m = /^mask::([r-][w-][x-])/.exec(line);
    if (m) maskAllowsWrite = m[1]![1] === 'w';
  }
  if (!maskAllowsWrite) return writers;
  for (const line of acl.text.split('\n')) {
    const m = /^(user|group):(\d+):([r-])([w-])/.exec(line);
    if (!m || m[4] !== 'w') continue;
    const id = Number(m[2]);
    if (m[1] === 'user' && id !== self.uid) writers.push(`user ${id}`);
    if (m[1] === 'group') writers.push(`group ${id}`);
  }
  return writers;
}

/**
 * Puts `acl` (minus world access) on `path`. Throws AclError with the fix when the tools are
 * missing or refuse: the caller must not then replace a file whose readers would lose access.
 */
export async function applyAcl(path: string, acl: FileAcl): Promise<void> {
  const out = await run('setfacl', ['--set-file=-', '--', path], withoutWorldAccess(acl));
  if (out === 'missing') {
    throw new AclError('setfacl is not installed: install the acl package (apt install acl)');
  }
}
