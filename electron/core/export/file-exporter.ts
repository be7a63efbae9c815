/**
 * The Exporter port over real files: `.env` (env-file.ts) and JSON (json-export.ts) targets.
 *
 * One export = resolve symlinks to the real file → take the in-process and cross-process lock
 * (file-lock.ts) → read → compute the new text (refusing files that readers would misread) → if the
 * file is not one TokenTray created, keep a one-time `.tokentray-backup` → atomic replace with mode
 * 0600, or the existing mode when it is stricter (atomic-write.ts). If another program changed the
 * file between our read and our rename, read again and redo (up to 5 times). Every failure is a
 * TokenTrayError('export') naming the file and the fix; the previous file is then always unchanged.
 */
import { readFile, stat } from 'node:fs/promises';
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
  snapshotOf,
  sweepStaleTemps,
  writeFileAtomic,
  type AtomicWriteOptions,
} from './atomic-write';
import { backupPathFor, ensureBackup } from './backup';
import { createMemoryCreatedFiles, type CreatedFiles } from './created-files';
import { EnvFileError, rewriteEnv, type EnvUpdate } from './env-file';
import { LockTimeoutError, lockPathFor, withFileLock, type FileLockOptions } from './file-lock';
import { describeFsError, exportError } from './fs-errors';
import { JsonExportError, mergeJsonExport } from './json-export';
import { resolveRealPath } from './real-path';

export interface FileExporterOptions {
  readonly logger?: Logger;
  /** Remembers the files TokenTray created (no backup needed). Default: in memory. */
  readonly createdFiles?: CreatedFiles;
  readonly lock?: FileLockOptions;
}

/** A transform from the current text (null: no file yet) to the new one; throws a content error. */
type Transform = (current: string | null) => { text: string; summary: Record<string, unknown> };

const MAX_ATTEMPTS = 5;
const FILE_MODE = 0o600;
// ignoreBOM: keep a byte order mark in the text (the default drops it), so it is written back too.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function envUpdates(target: EnvExportTarget, payload: ExportPayload, logger: Logger): EnvUpdate[] {
  const updates: EnvUpdate[] = [
    { key: target.tokenKey, value: payload.accessToken },
    { key: target.expiresAtKey, value: payload.expiresAt.toISOString() },
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

function transformFor(target: ExportTarget, payload: ExportPayload, logger: Logger): Transform {
  if (target.kind === 'env') {
    const updates = envUpdates(target, payload, logger);
    return (current) => {
      const result = rewriteEnv(current, updates);
      return {
        text: result.text,
        summary: {
          keys: updates.map((u) => u.key),
          updatedInPlace: result.updatedInPlace,
          appended: result.appended,
        },
      };
    };
  }
  return (current) => ({
    text: mergeJsonExport(current, {
      accountId: payload.accountId,
      broker: payload.broker,
      accessToken: payload.accessToken,
      expiresAt: payload.expiresAt.toISOString(),
      apiKey: payload.apiKey,
      userId: payload.userId,
    }),
    summary: { broker: payload.broker },
  });
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
  if (problems.length) {
    throw new TokenTrayError(
      'export',
      `Nothing was exported: TokenTray got an invalid ${problems.join(' and ')}. This is a bug; please report it.`,
    );
  }
}

export function createFileExporter(options: FileExporterOptions = {}): Exporter {
  const logger = options.logger ?? silentLogger;
  const createdFiles = options.createdFiles ?? createMemoryCreatedFiles();

  async function exportOnce(
    path: string,
    realPath: string,
    transform: Transform,
  ): Promise<'written' | 'unchanged' | 'retry'> {
    // Under the lock no other cooperating writer is mid-write: whatever temp is left is litter.
    const swept = await sweepStaleTemps(realPath);
    if (swept) logger.info('export: removed temp files left by an interrupted write', { swept });
    const before = await snapshotOf(realPath);
    let current: string | null = null;
    let bytes: Buffer | null = null;
    const info = before ? await stat(realPath) : null;
    if (info) {
      if (!info.isFile()) throw exportError(path, `${realPath} is not a regular file`);
      try {
        bytes = await readFile(realPath);
      } catch (e) {
        throw exportError(path, describeFsError(e, realPath, 'read'));
      }
      try {
        current = utf8.decode(bytes);
      } catch {
        throw exportError(
          path,
          'it is not UTF-8 text, and rewriting it would change bytes TokenTray does not own. Save it as UTF-8',
        );
      }
    }
    let next: ReturnType<Transform>;
    try {
      next = transform(current);
    } catch (e) {
      if (e instanceof EnvFileError || e instanceof JsonExportError) {
        throw exportError(path, e instanceof JsonExportError ? `the file ${e.message}` : e.message);
      }
      throw e;
    }
    if (current !== null && next.text === current) return 'unchanged';

    const writeOptions: { -readonly [K in keyof AtomicWriteOptions]: AtomicWriteOptions[K] } = {
      mode: FILE_MODE,
      expect: before,
    };
    if (info && bytes) {
      const existingMode = info.mode & 0o777;
      // 0600, or the existing mode where it is stricter (e.g. 0400): never looser than 0600.
      writeOptions.mode = existingMode & FILE_MODE;
      if (existingMode !== writeOptions.mode) {
        logger.warn('export: tightened file permissions to keep the token private', {
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
      if (typeof process.getuid === 'function' && info.uid !== process.getuid()) {
        writeOptions.owner = { uid: info.uid, gid: info.gid };
      }
      if (!(await createdFiles.has(realPath)) && (await ensureBackup(realPath, bytes))) {
        logger.info('export: kept a backup of the file as it was before TokenTray', {
          backup: backupPathFor(realPath),
        });
      }
    }
    try {
      await writeFileAtomic(realPath, next.text, writeOptions);
    } catch (e) {
      if (e instanceof ConcurrentChangeError) return 'retry';
      throw e;
    }
    if (!before) await createdFiles.add(realPath);
    logger.info('export: updated', { path: realPath, ...next.summary });
    return 'written';
  }

  return {
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
      const path = parsed.data.path;
      const transform = transformFor(parsed.data, payload, logger);

      let realPath: string;
      try {
        realPath = await resolveRealPath(path);
      } catch (e) {
        // The fs error's own path: where a symlink led, the folder that is missing is over there.
        const at = typeof e === 'object' && e !== null && 'path' in e ? e.path : undefined;
        throw exportError(path, describeFsError(e, typeof at === 'string' ? at : path));
      }
      const shown = realPath === path ? path : `${path} (→ ${realPath})`;
      try {
        await withFileLock(
          realPath,
          async () => {
            for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
              const outcome = await exportOnce(shown, realPath, transform);
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
        if (e instanceof LockTimeoutError) {
          throw exportError(
            shown,
            `another TokenTray process${e.holderPid === null ? '' : ` (pid ${e.holderPid})`} is still updating it; try again, or delete ${lockPathFor(realPath)} if no other TokenTray is running`,
          );
        }
        throw exportError(shown, describeFsError(e, realPath));
      }
    },
  };
}
