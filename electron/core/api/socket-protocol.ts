/**
 * The CLI ↔ app protocol over the local socket: one JSON line per request, JSON lines back.
 *   → {"command":"status","input":{…}}          ← {"ok":true,"result":…} | {"ok":false,"error":{code,message}}
 *   → {"command":"watch","input":{}}             ← {"ok":true,"result":StatusAnswer} on connect and on every change
 *   → {"command":"local-api","input":{enabled?,port?,new_key?}}  ← {"ok":true,"result":LocalApiState}
 * One request per connection. Lines are at most 64 KB.
 */
import { z } from 'zod';
import { COMMAND_ERROR_CODES } from '../commands/command-error';

export const MAX_LINE_BYTES = 64 * 1024;

export const socketRequestSchema = z
  .object({
    command: z.enum([
      'status',
      'token',
      'env',
      'refresh',
      'validate',
      'login',
      'watch',
      'local-api',
    ]),
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

/** `tokentray api`: turn the HTTP API on/off, set its port, make a key (shown once). */
export const localApiInputSchema = z
  .object({
    enabled: z.boolean().optional(),
    port: z
      .number()
      .int()
      .min(1024, 'use a port from 1024 to 65535')
      .max(65535, 'use a port from 1024 to 65535')
      .optional(),
    new_key: z.enum(['status', 'token']).optional(),
  })
  .strict();
export type LocalApiInput = z.infer<typeof localApiInputSchema>;

export interface LocalApiState {
  readonly enabled: boolean;
  readonly port: number;
  /** Where it listens now (empty when off or it could not start). */
  readonly listening: readonly string[];
  /** Scopes that have a key. */
  readonly keys: readonly ('status' | 'token')[];
  /** The new key, when one was asked for: shown once, never again. */
  readonly new_key?: string;
}
