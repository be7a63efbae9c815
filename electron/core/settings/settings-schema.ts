/**
 * The settings file's shape (schema version 1), checked with zod every time it is read or written.
 * Holds only non-secret facts: account config, app preferences, and per-account token facts
 * (TokenMeta: instants, user name, a masked token). Secrets live in the keychain (secrets/).
 * Unknown fields are dropped on read and never written, so nothing outside this whitelist — a secret
 * passed in by mistake, say — can reach the file.
 */
import { z } from 'zod';
import { accountConfigSchema, preferencesSchema, type Preferences } from '../../../shared/domain';
import type { TokenMeta } from '../ports';
import { accountProblems } from './platform-path';

export const CURRENT_SCHEMA_VERSION = 1;

const instant = z.iso.datetime({
  offset: true,
  message: 'use an ISO date-time, e.g. 2026-01-05T00:30:00.000Z',
});
const nullableInstant = instant.nullable();

export const tokenMetaSchema = z.object({
  issuedAt: instant,
  expiresAt: instant,
  refreshExpiresAt: nullableInstant,
  lastRefreshAt: nullableInstant,
  lastValidatedAt: nullableInstant,
  revoked: z.boolean(),
  userId: z.string().max(200).nullable(),
  userName: z.string().max(200).nullable(),
  // maskToken() output ("eyJ0…k3Xq" or "••••"): short enough that a real token cannot hide here.
  tokenMasked: z.string().max(9, 'only a masked token (first and last 4 characters)').nullable(),
  // A fingerprint, never the token (lifecycle/token-fingerprint.ts): exactly "v1:" + 32 hex digits.
  tokenFingerprint: z
    .string()
    .regex(/^v1:[0-9a-f]{32}$/, 'only a token fingerprint (v1: and 32 hex digits)')
    .nullable()
    .optional(),
}) satisfies z.ZodType<TokenMeta>;

export function defaultPreferences(): Preferences {
  return preferencesSchema.parse({});
}

export const settingsDocumentSchema = z
  .object({
    schemaVersion: z.literal(CURRENT_SCHEMA_VERSION),
    accounts: z.array(accountConfigSchema).max(100).default([]),
    preferences: preferencesSchema.default(defaultPreferences),
    /** Keyed by account id; entries of accounts that no longer exist are ignored and dropped. */
    tokenMeta: z.record(z.string(), tokenMetaSchema).default({}),
  })
  .superRefine((doc, ctx) => {
    const seen = new Set<string>();
    doc.accounts.forEach((account, i) => {
      // The running platform's rules for local paths, the broker's for the redirect URI.
      for (const problem of accountProblems(account, process.platform, { beyondForm: true })) {
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', i, ...problem.path],
          message: problem.message,
        });
      }
      if (seen.has(account.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', i, 'id'],
          message: `another account already has the id "${account.id}"; ids must be unique`,
        });
      }
      seen.add(account.id);
    });
  });

export type SettingsDocument = z.infer<typeof settingsDocumentSchema>;

export function emptySettings(): SettingsDocument {
  return settingsDocumentSchema.parse({ schemaVersion: CURRENT_SCHEMA_VERSION });
}
