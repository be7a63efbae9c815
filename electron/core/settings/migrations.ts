/**
 * Settings schema versions and the steps between them. Each step takes the previous shape and returns
 * the next; the store runs them in order, then validates the result with the current schema.
 *
 * Version 0 is the 0.0.x prototype's config.json (no `schemaVersion` field):
 *
 *   { "accounts": { "<name>": { "broker", "name", "apiKey", "apiSecret", "redirectUri",
 *                               "envFile", "autoRefresh" } },
 *     "reminderTime": "08:30",
 *     "tokens": { "<name>": { "accessToken", "refreshToken", "issuedAt", "expiresAt", "userName" } } }
 *
 * It kept the API secret and the tokens in the file. Moving from 0 to 1 reshapes everything and hands
 * those secrets back separately (`secrets`), so the store can put them in the keychain before it writes
 * the new file without them.
 */
import { z } from 'zod';
import { BROKERS, expiresAtKeyFor } from '../../../shared/brokers';
import { brokerIdSchema, maskToken } from '../../../shared/domain';
import type { SecretKind } from '../ports';
import { CURRENT_SCHEMA_VERSION } from './settings-schema';

export interface MovedSecret {
  readonly accountId: string;
  readonly kind: SecretKind;
  readonly value: string;
}

export interface MigrationStep {
  readonly document: Record<string, unknown>;
  readonly secrets: readonly MovedSecret[];
}

export interface MigrationResult extends MigrationStep {
  readonly fromVersion: number;
}

/** The stored document does not have the shape its version promises. */
export class SettingsShapeError extends Error {
  override readonly name = 'SettingsShapeError';
  constructor(
    readonly issues: z.ZodError,
    readonly raw: unknown,
  ) {
    super('settings do not match their schema version');
  }
}

/** The file was written by a newer TokenTray. */
export class NewerSettingsError extends Error {
  override readonly name = 'NewerSettingsError';
  constructor(readonly version: number) {
    super(`settings schema ${version} is newer than ${CURRENT_SCHEMA_VERSION}`);
  }
}

const v0Schema = z.object({
  accounts: z
    .record(
      z.string(),
      z.object({
        broker: brokerIdSchema,
        name: z.string(),
        apiKey: z.string(),
        apiSecret: z.string().optional(),
        redirectUri: z.string(),
        envFile: z.string().optional(),
        autoRefresh: z.boolean().optional(),
      }),
    )
    .default({}),
  reminderTime: z.string().optional(),
  tokens: z
    .record(
      z.string(),
      z.object({
        accessToken: z.string().optional(),
        refreshToken: z.string().optional(),
        issuedAt: z.string(),
        expiresAt: z.string(),
        userName: z.string().optional(),
      }),
    )
    .default({}),
});

/** "My Upstox" → "my-upstox": v0 keyed accounts by free text; v1 ids are keychain-safe slugs. */
function slug(name: string, taken: Set<string>): string {
  const base =
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 56) || 'account';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

function fromV0(raw: Record<string, unknown>): MigrationStep {
  const parsed = v0Schema.safeParse(raw);
  if (!parsed.success) throw new SettingsShapeError(parsed.error, raw);
  const v0 = parsed.data;
  const secrets: MovedSecret[] = [];
  const taken = new Set<string>();
  const ids = new Map<string, string>();
  const accounts = Object.entries(v0.accounts).map(([key, a]) => {
    const id = slug(key, taken);
    ids.set(key, id);
    if (a.apiSecret) secrets.push({ accountId: id, kind: 'api-secret', value: a.apiSecret });
    const tokenKey = BROKERS[a.broker].defaultEnvKey;
    return {
      id,
      broker: a.broker,
      label: a.name.trim().slice(0, 40) || key.slice(0, 40),
      apiKey: a.apiKey,
      redirectUri: a.redirectUri,
      exportTargets: a.envFile
        ? [
            {
              kind: 'env',
              path: a.envFile,
              tokenKey,
              expiresAtKey: expiresAtKeyFor(tokenKey),
              extra: {},
            },
          ]
        : [],
      autoRefresh: a.autoRefresh ?? false,
    };
  });
  const tokenMeta: Record<string, unknown> = {};
  for (const [key, t] of Object.entries(v0.tokens)) {
    const id = ids.get(key);
    if (!id) continue; // tokens of an account the prototype had already removed
    if (t.accessToken) secrets.push({ accountId: id, kind: 'access-token', value: t.accessToken });
    if (t.refreshToken)
      secrets.push({ accountId: id, kind: 'refresh-token', value: t.refreshToken });
    tokenMeta[id] = {
      issuedAt: t.issuedAt,
      expiresAt: t.expiresAt,
      refreshExpiresAt: null,
      lastRefreshAt: null,
      lastValidatedAt: null,
      revoked: false,
      userId: null,
      userName: t.userName ?? null,
      tokenMasked: maskToken(t.accessToken),
    };
  }
  return {
    document: {
      schemaVersion: 1,
      accounts,
      preferences: v0.reminderTime ? { morningReminder: v0.reminderTime } : {},
      tokenMeta,
    },
    secrets,
  };
}

/** Step from version N (key) to N + 1. */
const STEPS: Readonly<Record<number, (raw: Record<string, unknown>) => MigrationStep>> = {
  0: fromV0,
};

function versionError(raw: Record<string, unknown>, message: string): SettingsShapeError {
  const issues = new z.ZodError([
    { code: 'custom', path: ['schemaVersion'], message, input: raw.schemaVersion },
  ]);
  return new SettingsShapeError(issues, raw);
}

export function schemaVersionOf(raw: Record<string, unknown>): number {
  const v = raw.schemaVersion;
  if (v === undefined) {
    // v0 had neither `preferences` nor `tokenMeta`, and its `accounts` was an object. A file with
    // them lost its version line in a hand edit: migrating it as v0 would drop all of that.
    if ('preferences' in raw || 'tokenMeta' in raw || Array.isArray(raw.accounts)) {
      throw versionError(
        raw,
        'is missing; this file has the version 1 layout: add "schemaVersion": 1',
      );
    }
    return 0;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw versionError(raw, 'must be a whole number (1 for this TokenTray)');
  }
  return v;
}

/** Brings a stored document to CURRENT_SCHEMA_VERSION (not yet validated against it). */
export function migrate(raw: Record<string, unknown>): MigrationResult {
  const fromVersion = schemaVersionOf(raw);
  if (fromVersion > CURRENT_SCHEMA_VERSION) throw new NewerSettingsError(fromVersion);
  let document = raw;
  const secrets: MovedSecret[] = [];
  for (let v = fromVersion; v < CURRENT_SCHEMA_VERSION; v++) {
    const step = STEPS[v];
    if (!step) throw new Error(`no settings migration from schema ${v}`);
    const next = step(document);
    document = next.document;
    secrets.push(...next.secrets);
  }
  return { document, secrets, fromVersion };
}
