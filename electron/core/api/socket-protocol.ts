/**
 * The CLI ↔ app protocol over the local socket: one JSON line per request, JSON lines back.
 *   → {"command":"status","input":{…}}          ← {"ok":true,"result":…} | {"ok":false,"error":{code,message}}
 *   → {"command":"watch","input":{}}             ← {"ok":true,"result":StatusAnswer} on connect and on every change
 * One request per connection. Lines are at most 64 KB.
 */
import { z } from 'zod';
import { COMMAND_ERROR_CODES } from '../commands/command-error';

export const MAX_LINE_BYTES = 64 * 1024;

export const socketRequestSchema = z
  .object({
    command: z.enum(['status', 'token', 'env', 'refresh', 'validate', 'login', 'watch']),
    input: z.unknown().optional(),
  })
  .strict();
export type SocketRequest = z.infer<typeof socketRequestSchema>;

export const socketReplySchema = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: z.enum(COMMAND_ERROR_CODES), message: z.string().max(2000) }),
  }),
]);
export type SocketReply = z.infer<typeof socketReplySchema>;
