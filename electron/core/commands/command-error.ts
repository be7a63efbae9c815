/**
 * The one error shape every transport answers with: `{error:{code,message}}` over HTTP, the same
 * object over the CLI socket, exit code 2 (or 1, see `exitCodeFor`) from the CLI, `{ok:false,error}`
 * over IPC. `message` says what went wrong and what to do and never holds a secret: it is built from
 * fixed words and TokenTrayError messages, which are written under the same rule.
 */
import { ZodError } from 'zod';
import { isTokenTrayError, type TokenTrayError } from '../errors';
import type { Logger } from '../ports';

export const COMMAND_ERROR_CODES = [
  'bad-request',
  'unauthorized',
  'forbidden',
  'not-found',
  'method-not-allowed',
  'conflict',
  'needs-login',
  'token-unusable',
  'busy',
  'payload-too-large',
  'too-many-requests',
  'not-running',
  'broker-error',
  'keychain',
  'internal',
] as const;
export type CommandErrorCode = (typeof COMMAND_ERROR_CODES)[number];

/** HTTP status per code: the API's documented answers. */
export const HTTP_STATUS: Readonly<Record<CommandErrorCode, number>> = {
  'bad-request': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  conflict: 409,
  'needs-login': 409,
  'token-unusable': 409,
  busy: 409,
  'payload-too-large': 413,
  'too-many-requests': 429,
  'not-running': 503,
  'broker-error': 502,
  keychain: 503,
  internal: 500,
};

export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly code: CommandErrorCode,
    message: string,
  ) {
    super(message);
  }
  toJSON(): { code: CommandErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** Maps a TokenTrayError's kind to the code a bot can branch on. */
function codeForKind(e: TokenTrayError): CommandErrorCode {
  switch (e.kind) {
    case 'expired':
    case 'revoked':
    case 'bad-credentials':
    case 'login-failed':
      return 'needs-login';
    case 'busy':
      return 'busy';
    case 'rate-limited':
    case 'broker-down':
    case 'bad-response':
      return 'broker-error';
    case 'keychain':
      return 'keychain';
    case 'cancelled':
    case 'config':
    case 'export':
      return 'conflict';
  }
}

/** First zod issue as "field: problem", for messages that name what was wrong. */
export function describeZodError(e: ZodError): string {
  const issue = e.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue?.message ?? 'unknown problem'}`;
}

/**
 * Anything thrown → a CommandError. Unknown errors (bugs, raw port errors that may quote a path or
 * a value) are logged by class name only and answered with a generic message.
 */
export function toCommandError(e: unknown, logger: Logger, context: string): CommandError {
  if (e instanceof CommandError) return e;
  if (e instanceof ZodError) {
    return new CommandError('bad-request', `The request was not valid (${describeZodError(e)}).`);
  }
  if (isTokenTrayError(e)) return new CommandError(codeForKind(e), e.message);
  logger.error('unexpected error', { context, error: e instanceof Error ? e.name : typeof e });
  return new CommandError(
    'internal',
    'Something unexpected went wrong. Check the log file (Help → Open log folder) and try again.',
  );
}
