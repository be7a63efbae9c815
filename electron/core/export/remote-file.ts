/**
 * The file content of a remote file target (SSH): the same pure rewrites as the local exporter —
 * `.env` via rewriteEnv (format-preserving, read back by both dotenv readers) and JSON via
 * mergeJsonExport — applied to the text downloaded from the server. Errors are the rewriters' own
 * words (they never quote the file).
 */
import type { SshExportTarget } from '../../../shared/remote-targets';
import type { ExportPayload } from '../ports';
import { EnvFileError, rewriteEnv, type EnvUpdate } from './env-file';
import { JsonExportError, mergeJsonExport } from './json-export';

export class RemoteContentError extends Error {
  override readonly name = 'RemoteContentError';
}

export function envUpdatesFor(target: SshExportTarget, payload: ExportPayload): EnvUpdate[] {
  const updates: EnvUpdate[] = [
    { key: target.tokenKey, value: payload.accessToken },
    { key: target.expiresAtKey, value: payload.expiresAt.toISOString() },
  ];
  for (const [key, field] of Object.entries(target.extra)) {
    const value = field === 'api_key' ? payload.apiKey : payload.userId;
    // Nothing known yet (no user id from the broker): leave that line as it is, as locally.
    if (value !== null) updates.push({ key, value });
  }
  return updates;
}

/** The new text for the remote file (`current` null: no file yet). */
export function rewriteRemoteText(
  target: SshExportTarget,
  payload: ExportPayload,
  current: string | null,
): string {
  try {
    if (target.format === 'env') return rewriteEnv(current, envUpdatesFor(target, payload)).text;
    return mergeJsonExport(current, {
      accountId: payload.accountId,
      broker: payload.broker,
      accessToken: payload.accessToken,
      expiresAt: payload.expiresAt.toISOString(),
      apiKey: payload.apiKey,
      userId: payload.userId,
    });
  } catch (e) {
    if (e instanceof EnvFileError) throw new RemoteContentError(e.message);
    if (e instanceof JsonExportError) throw new RemoteContentError(`the file ${e.message}`);
    throw e;
  }
}
