/**
 * The Exporter port over real files: `.env` (env-file.ts) and JSON (json-export.ts) targets.
 *
 * One export, in the order exports of that path were called (issue-order.ts `inCallOrder`):
 * 1. judge the path (target-path.ts): links, folders another user could change, the file's owner —
 *    a refusal names the resolved path and the fix;
 * 2. take the in-process and cross-process lock on the resolved file (file-lock.ts);
 * 3. read it without following links or blocking (a regular file, at most MAX_TARGET_BYTES[kind]);
 * 4. compute the new text (refusing files that readers would misread), leaving the token alone when
 *    the file already holds one issued later (issue-order.ts);
 * 5. if the file is not one TokenTray created, keep a one-time `.tokentray-backup`;
 * 6. atomic replace (atomic-write.ts). An existing file keeps its owner, group, group bits and ACL;
 *    world bits are removed (said once in the log). Where owner, group or ACL cannot be carried over
 *    the export fails naming the fix — a bot must never lose access behind a reported success. A new
 *    file is 0600 from creation (as root: owned by the target's `owner`, where named).
 * If another program changed the file between our read and our rename, read again and redo (up to 5
 * times). Every failure is a TokenTrayError('export') naming the file and the fix; the previous file
 * is then always unchanged.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import {
  exportTargetSchema,
  type EnvExportTarget,
  type ExportTarget,
} from '../../../shared/domain';
import { brokerIdSchema, accountIdSchema } from '../../../shared/domain';
import { TokenTrayError } from '../errors';
import { silentLogger, type ExportPayload, type Exporter, type Logger } from '../ports';
import {
  ConcurrentChangeError,
  OwnershipError,
  snapshotOf,
  sweepStaleTemps,
  writeFileAtomic,
  type AtomicWriteOptions,
} from './atomic-write';
import { backupPathFor, ensureBackup } from './backup';
import { createMemoryCreatedFiles, type CreatedFiles } from './created-files';
import { npmDotenv } from './dotenv-readers';
import { EnvFileError, rewriteEnv, type EnvUpdate } from './env-file';
import { AclError, readFileAndFolderAcl } from './file-acl';
import {
  LockPathError,
  LockTimeoutError,
  lockPathFor,
  withFileLock,
  type FileLockOptions,
} from './file-lock';
import { describeFsError, errnoCode, exportError } from './fs-errors';
import { inCallOrder, issuedAtKeyFor, judgeRecord } from './issue-order';
import { JsonExportError, mergeJsonExportInOrder } from './json-export';
import { checkTargetPath, currentIdentity } from './target-path';

export interface FileExporterOptions {
  readonly logger?: Logger;
  /** Remembers the files TokenTray created (no backup needed). Default: in memory. */
  readonly createdFiles?: CreatedFiles;
  readonly lock?: FileLockOptions;
}

/**
 * A transform from the current text (null: no file yet) to the new one; throws a content error.
 * `keptNewer`: the file already holds a token issued later, which the text keeps.
 */
type Transform = (current: string | null) => {
  text: string;
  keptNewer: boolean;
  distrusted: string | null;
  summary: Record<string, unknown>;
};

const MAX_ATTEMPTS = 5;
const FILE_MODE = 0o600;
/** Owner and group bits are kept; world bits never (the file holds a token); no set-id/sticky bits. */
const KEPT_MODE_BITS = 0o770;
/**
 * Bigger files are refused, not read: no .env or token JSON is anywhere near this. The rewrite is
 * synchronous work in the app's main process (a .env the fast path cannot take is read back by two
 * parsers, ~1.3 s per MB; JSON is parsed and printed, ~0.15 s per MB), so the cap is also what
 * bounds how long one odd file can freeze the tray, every timer and every other account's renewal:
 * a 20 MB .env with CR line endings used to take 36 s.
 */
export const MAX_TARGET_BYTES: Readonly<Record<ExportTarget['kind'], number>> = {
  env: 1024 * 1024,
  // A JSON file may carry someone's big note (a 10 MB string parses in milliseconds); it is the
  // number of values that costs, ~0.15 s per MB of small numbers.
  json: 16 * 1024 * 1024,
};
/** Read-only, never following a final link, never blocking on a FIFO or device. */
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
// ignoreBOM: keep a byte order mark in the text (the default drops it), so it is written back too.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function envUpdates(target: EnvExportTarget, payload: ExportPayload, logger: Logger): EnvUpdate[] {
  const updates: EnvUpdate[] = [
    { key: target.tokenKey, value: payload.accessToken },
    { key: target.expiresAtKey, value: payload.expiresAt.toISOString() },
    { key: issuedAtKeyFor(target.tokenKey), value: payload.issuedAt.toISOString() },
  ];
  for (const [key, field] of Object.entries(target.extra)) {
    const value = field === 'api_key' ? payload.apiKey : payload.userId;
    if (value === null) {
      // Nothing known yet (a broker that has not told us the user id): leave the line as it is.
      logger.warn('export: no value for extra variable yet; left unchanged', { key, field });
      continue;
    }
    updates.push({ key, value });
  }
  return updates;
}

/** The value npm dotenv (and so a bot) reads for `key` in `text`: the last occurrence. */
function readEnvValue(text: string, key: string): string | null | undefined {
  let value: string | null | undefined;
  const cursor = npmDotenv.cursor(text);
  while (cursor.next()) if (cursor.key === key) value = cursor.value;
  return value;
}

function transformFor(target: ExportTarget, payload: ExportPayload, logger: Logger): Transform {
  if (target.kind === 'env') {
    const updates = envUpdates(target, payload, logger);
    const issuedKey = issuedAtKeyFor(target.tokenKey);
    if (issuedKey === target.expiresAtKey || Object.hasOwn(target.extra, issuedKey)) {
      throw exportError(
        target.path,
        `${issuedKey} is where TokenTray records when the token was issued, and the target also uses it for another value: rename that variable in the account settings`,
      );
    }
    return (current) => {
      let verdict =
        current === null
          ? { write: true as const }
          : judgeRecord(readEnvValue(current, issuedKey), payload.issuedAt);
      // A record of a later token where the file holds no token at all (the line was emptied or
      // removed) protects nothing: keeping it would leave the bot without a token, reported done.
      if (!verdict.write && !readEnvValue(current ?? '', target.tokenKey)) {
        verdict = { write: true, distrusted: `belongs to no token (${target.tokenKey} is empty)` };
      }
      if (!verdict.write) {
        return {
          text: current ?? '',
          keptNewer: true,
          distrusted: null,
          summary: { key: target.tokenKey, recordedIssuedAt: verdict.recordedAt },
        };
      }
      const result = rewriteEnv(current, updates);
      return {
        text: result.text,
        keptNewer: false,
        distrusted: verdict.distrusted ? `${issuedKey} ${verdict.distrusted}` : null,
        summary: {
          keys: updates.map((u) => u.key),
          updatedInPlace: result.updatedInPlace,
          appended: result.appended,
        },
      };
    };
  }
  return (current) => {
    const result = mergeJsonExportInOrder(current, {
      accountId: payload.accountId,
      broker: payload.broker,
      accessToken: payload.accessToken,
      expiresAt: payload.expiresAt.toISOString(),
      issuedAt: payload.issuedAt.toISOString(),
      apiKey: payload.apiKey,
      userId: payload.userId,
    });
    return {
      text: result.text,
      keptNewer: result.keptNewer.length === 2,
      distrusted: result.distrusted.join('; ') || null,
      summary: { broker: payload.broker, keptNewer: result.keptNewer },
    };
  };
}

function checkPayload(payload: ExportPayload): void {
  const problems: string[] = [];
  if (!accountIdSchema.safeParse(payload.accountId).success) problems.push('the account id');
  if (!brokerIdSchema.safeParse(payload.broker).success) problems.push('the broker');
  if (typeof payload.accessToken !== 'string' || payload.accessToken.length === 0) {
    problems.push('the access token (empty)');
  }
  if (!(payload.expiresAt instanceof Date) || Number.isNaN(payload.expiresAt.getTime())) {
    problems.push('the expiry time');
  }
  if (!(payload.issuedAt instanceof Date) || Number.isNaN(payload.issuedAt.getTime())) {
    problems.push('the issue time');
  }
  if (problems.length) {
    throw new TokenTrayError(
      'export',
      `Nothing was exported: TokenTray got an invalid ${problems.join(' and ')}. This is a bug; please report it.`,
    );
  }
}

/** The existing file's bytes and facts, read safely (see READ_FLAGS); null when there is none. */
async function readTarget(shown: string, realPath: string, kind: ExportTarget['kind']) {
  let handle;
  try {
    handle = await open(realPath, READ_FLAGS);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return null;
    if (errnoCode(e) === 'ELOOP') {
      throw exportError(shown, `${realPath} became a symbolic link: check the path and try again`);
    }
    throw exportError(shown, describeFsError(e, realPath, 'read'));
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw exportError(shown, `${realPath} is not a regular file`);
    const max = MAX_TARGET_BYTES[kind];
    if (info.size > max) {
      throw exportError(
        shown,
        `it is larger than ${max / 1024 / 1024} MB, far larger than any ${kind === 'env' ? '.env' : 'token JSON'} file; TokenTray does not rewrite files that big. Choose a separate file for the token`,
      );
    }
    const bytes = Buffer.alloc(Number(info.size));
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return { info, bytes: bytes.subarray(0, filled) };
  } catch (e) {
    if (e instanceof TokenTrayError) throw e;
    throw exportError(shown, describeFsError(e, realPath, 'read'));
  } finally {
    await handle.close();
  }
}

function ownershipProblem(e: OwnershipError, realPath: string): string {
  const euid = process.geteuid?.();
  if (euid !== undefined && euid !== 0 && e.uid !== euid) {
    return `its owner (user ${e.uid}) could not be kept, which only root can do: give the file to your user (chown) or let TokenTray write a file of its own`;
  }
  return `it belongs to group ${e.gid}, which TokenTray's user is not in, so the new file could not keep that group and the group's readers would lose access: add your user to group ${e.gid} (then log in again) or change the file's group to one of yours (chgrp <group> ${realPath})`;
}

export function createFileExporter(options: FileExporterOptions = {}): Exporter {
  const logger = options.logger ?? silentLogger;
  const createdFiles = options.createdFiles ?? createMemoryCreatedFiles();
  /** Files whose world bits were removed / whose ACL could not be checked: said once each. */
  const saidWorldBits = new Set<string>();
  const saidNoAclTools = new Set<string>();

  async function exportOnce(
    shown: string,
    realPath: string,
    target: ExportTarget,
    transform: Transform,
  ): Promise<'written' | 'unchanged' | 'kept-newer' | 'retry'> {
    // Under the lock no other cooperating writer is mid-write: whatever temp is left is litter.
    const swept = await sweepStaleTemps(realPath);
    if (swept) logger.info('export: removed temp files left by an interrupted write', { swept });
    const before = await snapshotOf(realPath);
    const existing = before ? await readTarget(shown, realPath, target.kind) : null;
    let current: string | null = null;
    if (existing) {
      try {
        current = utf8.decode(existing.bytes);
      } catch {
        throw exportError(
          shown,
          'it is not UTF-8 text, and rewriting it would change bytes TokenTray does not own. Save it as UTF-8',
        );
      }
    }
    let next: ReturnType<Transform>;
    try {
      next = transform(current);
    } catch (e) {
      if (e instanceof EnvFileError || e instanceof JsonExportError) {
        throw exportError(
          shown,
          e instanceof JsonExportError ? `the file ${e.message}` : e.message,
        );
      }
      throw e;
    }
    if (next.distrusted) {
      logger.warn('export: the recorded issue time was not trusted and is overwritten', {
        path: realPath,
        why: next.distrusted,
      });
    }
    if (next.keptNewer) {
      logger.info('export: the file already holds a token issued later; left as it is', {
        path: realPath,
        ...next.summary,
      });
      return 'kept-newer';
    }
    if (current !== null && next.text === current) return 'unchanged';

    const writeOptions: { -readonly [K in keyof AtomicWriteOptions]: AtomicWriteOptions[K] } = {
      mode: FILE_MODE,
      expect: before,
    };
    if (existing) {
      const { info, bytes } = existing;
      const existingMode = info.mode & 0o7777;
      writeOptions.mode = existingMode & KEPT_MODE_BITS;
      if ((existingMode & 0o007) !== 0 && !saidWorldBits.has(realPath)) {
        saidWorldBits.add(realPath);
        logger.warn('export: removed access for other users (world bits): the file holds a token', {
          path: realPath,
          from: existingMode.toString(8),
          to: writeOptions.mode.toString(8),
        });
      }
      if (info.nlink > 1) {
        // rename() gives the path a new inode: other hard links keep the old content.
        logger.warn('export: the file has other hard links, which keep the old content', {
          path: realPath,
        });
      }
      // The replacement keeps the owner and group (checked allowed by target-path.ts).
      if (typeof process.geteuid === 'function') {
        writeOptions.owner = { uid: info.uid, gid: info.gid };
      }
      let acl;
      try {
        acl = await readFileAndFolderAcl(realPath, dirname(realPath));
      } catch (e) {
        throw exportError(
          shown,
          `its ACL (who else may read it) could not be read (${(e as Error).message}): check the file system`,
        );
      }
      if (acl === 'unavailable') {
        if (process.platform === 'linux' && !saidNoAclTools.has(realPath)) {
          saidNoAclTools.add(realPath);
          logger.warn(
            'export: getfacl is not installed, so an ACL on the file cannot be seen or kept; install the acl package',
            { path: realPath },
          );
        }
      } else if (acl.acl.extended || acl.folderHasDefaults) {
        // Copy the ACL; with mode bits only and nothing to inherit, chmod alone makes the same.
        writeOptions.acl = acl.acl;
      }
      if (!(await createdFiles.has(realPath)) && (await ensureBackup(realPath, bytes))) {
        logger.info('export: kept a backup of the file as it was before TokenTray', {
          backup: backupPathFor(realPath),
        });
      }
    } else if (target.owner && process.geteuid?.() === 0) {
      writeOptions.owner = { uid: target.owner.uid, gid: target.owner.gid };
    }
    try {
      await writeFileAtomic(realPath, next.text, writeOptions);
    } catch (e) {
      if (e instanceof ConcurrentChangeError) return 'retry';
      if (e instanceof OwnershipError) throw exportError(shown, ownershipProblem(e, realPath));
      if (e instanceof AclError) {
        throw exportError(
          shown,
          `its ACL (who else may read it) could not be carried over to the new file, so its readers would lose access: ${e.message}`,
        );
      }
      throw e;
    }
    if (!before) await createdFiles.add(realPath);
    logger.info('export: updated', { path: realPath, ...next.summary });
    return 'written';
  }

  async function exportTo(target: ExportTarget, payload: ExportPayload): Promise<void> {
    const path = target.path;
    const transform = transformFor(target, payload, logger);
    const identity = currentIdentity();
    const check = await checkTargetPath(path, {
      kind: target.kind,
      owner: target.owner,
      ...(identity ? { identity } : {}),
    });
    if (!check.ok || check.resolvedPath === null) {
      throw exportError(path, check.problem ?? 'the path cannot be used');
    }
    const realPath = check.resolvedPath;
    const shown = realPath === path ? path : `${path} (→ ${realPath})`;
    try {
      await withFileLock(
        realPath,
        async () => {
          for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            const outcome = await exportOnce(shown, realPath, target, transform);
            if (outcome !== 'retry') return;
            logger.warn('export: file changed while writing; reading it again', {
              path: realPath,
              attempt,
            });
          }
          throw exportError(
            shown,
            'another program kept changing it while TokenTray wrote; try again',
          );
        },
        options.lock,
      );
    } catch (e) {
      if (e instanceof TokenTrayError) throw e;
      if (e instanceof LockPathError) throw exportError(shown, e.message);
      if (e instanceof LockTimeoutError) {
        throw exportError(
          shown,
          e.holderHost === null
            ? `another TokenTray process${e.holderPid === null ? '' : ` (pid ${e.holderPid})`} is still updating it; try again, or delete ${lockPathFor(realPath)} if no other TokenTray is running`
            : `TokenTray on another machine (${e.holderHost}${e.holderPid === null ? '' : `, pid ${e.holderPid}`}) is still updating it, or stopped there mid-write (its lock counts as abandoned after 30 seconds); try again, or delete ${lockPathFor(realPath)} if no TokenTray is running on ${e.holderHost}`,
        );
      }
      throw exportError(shown, describeFsError(e, realPath));
    }
  }

  return {
    // Everything before inCallOrder runs synchronously (no await), so the queue order is the
    // order of the calls.
    async export(target: ExportTarget, payload: ExportPayload): Promise<void> {
      const parsed = exportTargetSchema.safeParse(target);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new TokenTrayError(
          'export',
          `The export target is invalid (${issue?.path.join('.') || 'target'}: ${issue?.message ?? 'unknown'}). Edit it in the account settings.`,
        );
      }
      checkPayload(payload);
      return inCallOrder(resolve(parsed.data.path), () => exportTo(parsed.data, payload));
    },
  };
}
