/**
 * Domain types shared by main and renderer, with the zod schemas that guard every boundary they cross
 * (settings file, IPC). Nothing here is secret: secrets live only in the OS keychain (main process).
 */
import { z } from 'zod';
import { BROKER_IDS, BROKERS, type BrokerId } from './brokers';
import { TOKEN_STATUSES } from './status';
import { NSE_HOLIDAYS_2026 } from './calendar';
import { remoteExportTargetSchema } from './remote-targets';
import { alertSettingsSchema } from './alert-settings';

export const brokerIdSchema = z.enum(BROKER_IDS);

/** Account ids are chosen by us: short, URL- and keychain-safe. */
export const accountIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'an account id is 1–63 lowercase letters, digits or dashes');

const envKeySchema = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    'a variable name starts with a letter or _ and holds only letters, digits and _',
  );

/**
 * The platform-free part of the path check, shared with the renderer's form: absolute in the POSIX
 * (`/home/me/bot/.env`) or the Windows drive (`C:\Users\me\bot\.env`) form. Never a network path:
 * `\\host\share\…` or `//host/share/…` (UNC) would make Windows contact an SMB host and hand it the
 * user's credentials, and is a relative file name on Linux. This cannot know the platform, so it
 * accepts both forms; the authoritative check is main's, with the running platform's rules
 * (electron/core/settings/platform-path.ts, applied by the settings store before anything is saved
 * and to every settings file read).
 */
export function pathFormProblem(p: string): string | null {
  if (p.length === 0) return 'choose a file';
  if (p.length > 4096) return 'the path is too long (at most 4096 characters)';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(p)) return 'a path cannot contain control characters';
  if (/^[\\/]{2}/.test(p)) {
    return 'network paths (\\\\host\\share\\… or //host/share/…) are not allowed: use a file on this computer, e.g. /home/me/bot/.env or C:\\Users\\me\\bot\\.env';
  }
  if (!(p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p))) {
    return 'use an absolute path (e.g. /home/me/bot/.env or C:\\Users\\me\\bot\\.env)';
  }
  return null;
}

export const absolutePathSchema = z.string().superRefine((p, ctx) => {
  const problem = pathFormProblem(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * Who must own an export file when TokenTray runs as root (e.g. a bot's own user): root then writes
 * only into root-owned files or files of this owner, and creates new ones for it. Numeric ids, as
 * `chown` takes them. Without it, root writes only root-owned files.
 */
export const fileOwnerSchema = z
  .object({
    uid: z.number().int().min(0).max(0xfffffffe),
    gid: z.number().int().min(0).max(0xfffffffe),
  })
  .strict();
export type FileOwner = z.infer<typeof fileOwnerSchema>;

export const envExportTargetSchema = z.object({
  kind: z.literal('env'),
  path: absolutePathSchema,
  /** Owner of the file when TokenTray runs as root (see fileOwnerSchema). */
  owner: fileOwnerSchema.optional(),
  /** Variable that receives the access token (default per broker, e.g. UPSTOX_ACCESS_TOKEN). */
  tokenKey: envKeySchema,
  /** Variable that receives the expiry instant (ISO 8601, UTC), e.g. UPSTOX_ACCESS_TOKEN_EXPIRES_AT. */
  expiresAtKey: envKeySchema,
  /** Extra non-secret variables a bot needs, e.g. { KITE_API_KEY: 'api_key' }: name → field. */
  extra: z.record(envKeySchema, z.enum(['api_key', 'user_id'])).default({}),
});
export type EnvExportTarget = z.infer<typeof envExportTargetSchema>;

export const jsonExportTargetSchema = z.object({
  kind: z.literal('json'),
  path: absolutePathSchema,
  /** Owner of the file when TokenTray runs as root (see fileOwnerSchema). */
  owner: fileOwnerSchema.optional(),
});
export type JsonExportTarget = z.infer<typeof jsonExportTargetSchema>;

export const exportTargetSchema = z.discriminatedUnion('kind', [
  envExportTargetSchema,
  jsonExportTargetSchema,
]);
export type ExportTarget = z.infer<typeof exportTargetSchema>;

export const thresholdsSchema = z
  .object({
    /** Status turns orange at or below this many minutes left. */
    expiringMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    /** Status turns red below this many minutes left. */
    criticalMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    /** Notify this many minutes before expiry (each entry once). */
    notifyMinutes: z
      .array(
        z
          .number()
          .int()
          .min(1)
          .max(24 * 60),
      )
      .max(6),
  })
  .refine((t) => t.criticalMinutes < t.expiringMinutes, {
    message: 'the red threshold must be shorter than the orange one',
    path: ['criticalMinutes'],
  });
export type Thresholds = z.infer<typeof thresholdsSchema>;

export const DEFAULT_ACCOUNT_THRESHOLDS: Thresholds = {
  expiringMinutes: 180,
  criticalMinutes: 60,
  notifyMinutes: [60, 15],
};

export const timeOfDaySchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use 24-hour HH:MM, e.g. 08:30');

/** The hosts an http redirect URI may name: this computer, where the login window catches it. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '[::1]', 'localhost']);

function redirectExample(broker: BrokerId | null): string {
  return broker ? BROKERS[broker].suggestedRedirectUri : 'http://127.0.0.1:5055/upstox/callback';
}

/**
 * Why a redirect URI cannot be used, or null. Only `http` on a loopback host, or `https` for a broker
 * whose catalogue entry requires it (BrokerInfo.redirectScheme); never `javascript:`, `file:`,
 * `data:`, `ftp:` or a custom scheme, never a user name or password, never a #fragment (the broker
 * appends the login code as a query; a fragment would hide it), never a character a URL parser would
 * silently drop or reinterpret (spaces, control characters, `\`), so the string saved is exactly the
 * URL the login window compares. `broker` null: acceptable for at least one broker (the form before
 * a broker is chosen); the settings store checks again with the account's broker.
 */
export function redirectUriProblem(uri: string, broker: BrokerId | null): string | null {
  const example = redirectExample(broker);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(uri)?.[1]?.toLowerCase();
  if (!scheme) return `the redirect URI must be a full URL, e.g. ${example}`;
  if (uri.length > 2048) return 'the redirect URI is too long (at most 2048 characters)';
  if (scheme !== 'http' && scheme !== 'https') {
    return `"${scheme}:" redirect URIs are not allowed: use the http address on this computer registered with the broker, e.g. ${example}`;
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u0020\u007f\\]/.test(uri)) {
    return 'the redirect URI cannot contain spaces, control characters or backslashes';
  }
  if (!/^https?:\/\/[^/?#]/i.test(uri))
    return `the redirect URI must be a full URL, e.g. ${example}`;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `the redirect URI must be a full URL, e.g. ${example}`;
  }
  if (/^https?:\/\/[^/?#]*@/i.test(uri) || url.username || url.password) {
    return 'the redirect URI cannot carry a user name or password (nothing before an "@")';
  }
  if (uri.includes('#')) {
    return 'the redirect URI cannot have a #fragment: the broker adds the login code to the query';
  }
  const allowed: ReadonlySet<string> = new Set(
    (broker ? [broker] : BROKER_IDS).map((b) => BROKERS[b].redirectScheme ?? 'http'),
  );
  if (!allowed.has(scheme)) {
    const labels = (broker ? [broker] : BROKER_IDS).map((b) => BROKERS[b].label);
    const who =
      labels.length > 1 ? `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}` : labels[0];
    return scheme === 'https'
      ? `${who} ${labels.length > 1 ? 'take' : 'takes'} an http redirect URI on this computer, e.g. ${example}`
      : `${who} ${labels.length > 1 ? 'require' : 'requires'} an https redirect URI (registered the same in the app settings)`;
  }
  if (scheme === 'http' && !LOOPBACK_HOSTS.has(url.hostname)) {
    return `an http redirect URI must point at this computer (127.0.0.1, [::1] or localhost), e.g. ${example}: another host would receive the login code`;
  }
  return null;
}

/** Field-level redirect URI check, broker-agnostic (see redirectUriProblem). */
export const redirectUriSchema = z.string().superRefine((uri, ctx) => {
  const problem = redirectUriProblem(uri, null);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** A broker client/user ID as the account form takes it (Dhan client ID, 5paisa app User ID). */
export const clientIdSchema = z
  .string()
  .trim()
  .min(1, 'enter the client ID')
  .max(64, 'the client ID is at most 64 characters')
  .regex(
    /^[A-Za-z0-9._-]+$/,
    'the client ID has only letters, digits, dots, dashes and underscores',
  );

/** An account's non-secret configuration, as stored in settings. */
export const accountConfigSchema = z.object({
  id: accountIdSchema,
  broker: brokerIdSchema,
  label: z
    .string()
    .trim()
    .min(1, 'give the account a name')
    .max(40, 'keep the name under 40 characters'),
  /** Upstox/Kite API key, FYERS App ID (e.g. XB12345-100). Public, not secret. */
  apiKey: z.string().trim().min(1, 'paste the API key / App ID from the broker'),
  /** Must equal, byte for byte, the redirect URI registered with the broker. */
  redirectUri: redirectUriSchema,
  exportTargets: z.array(exportTargetSchema).max(10).default([]),
  /** Bots on other machines (issue 10): SSH/SFTP, Redis, webhook. Secrets are in the keychain. */
  // Optional rather than defaulted: configs and views built elsewhere need not name it.
  remoteTargets: z.array(remoteExportTargetSchema).max(10).optional(),
  thresholds: thresholdsSchema.default(DEFAULT_ACCOUNT_THRESHOLDS),
  /** FYERS only: renew silently with the refresh token before expiry. */
  autoRefresh: z.boolean().default(false),
  /** FYERS only: keep the PIN in the keychain so auto-refresh needs no prompt. Off by default. */
  storePin: z.boolean().default(false),
  /**
   * Override of the broker's daily IST cutoff, 'HH:MM' (24-hour), for brokers whose cutoff is a Guess
   * (catalogue `cutoffIsGuess`; shared/expiry.ts parseCutoff). Absent: the catalogue's cutoff.
   */
  cutoffOverride: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'write the cutoff as HH:MM in IST, 24-hour, e.g. 03:00')
    .optional(),
  /**
   * The third, non-secret app value of brokers that need one (catalogue `clientIdLabel`): Dhan client
   * ID, 5paisa app User ID. Letters, digits and `._-` only: it goes into URLs and request bodies.
   */
  clientId: clientIdSchema.optional(),
});
export type AccountConfig = z.infer<typeof accountConfigSchema>;

export const ERROR_KINDS = [
  'expired',
  'revoked',
  'bad-credentials',
  'rate-limited',
  'broker-down',
  'bad-response',
  'cancelled',
  'login-failed',
  'keychain',
  'export',
  'config',
  'busy',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

export const accountErrorSchema = z.object({
  kind: z.enum(ERROR_KINDS),
  /** What went wrong and what to do, in words; never contains a secret. */
  message: z.string(),
  at: z.string(),
});
export type AccountError = z.infer<typeof accountErrorSchema>;

export const BUSY_KINDS = ['login', 'refresh', 'validate', 'forget'] as const;

/** What the renderer and tray see of one account: no secrets, tokens masked. */
export const accountViewSchema = z.object({
  id: accountIdSchema,
  broker: brokerIdSchema,
  label: z.string(),
  status: z.enum(TOKEN_STATUSES),
  /** ISO instants. */
  expiresAt: z.string().nullable(),
  issuedAt: z.string().nullable(),
  refreshExpiresAt: z.string().nullable(),
  lastRefreshAt: z.string().nullable(),
  lastValidatedAt: z.string().nullable(),
  /** e.g. "eyJ0…k3Xq": enough to recognise, useless to steal. */
  tokenMasked: z.string().nullable(),
  userName: z.string().nullable(),
  busy: z.enum(BUSY_KINDS).nullable(),
  lastError: accountErrorSchema.nullable(),
  exportTargets: z.array(exportTargetSchema),
  remoteTargets: z.array(remoteExportTargetSchema).optional(),
  lastExport: z
    .array(
      z.object({
        path: z.string(),
        ok: z.boolean(),
        at: z.string(),
        message: z.string().optional(),
      }),
    )
    .default([]),
  autoRefresh: z.boolean(),
  canRefresh: z.boolean(),
  hasPin: z.boolean(),
  apiKey: z.string(),
  redirectUri: z.string(),
  thresholds: thresholdsSchema,
  /** The account's client ID, where its broker has one (not secret). */
  clientId: z.string().optional(),
  /** The account's override of a guessed daily cutoff, 'HH:MM' IST. */
  cutoffOverride: z.string().optional(),
});
export type AccountView = z.infer<typeof accountViewSchema>;

/**
 * "Log in all" in progress: the login windows open one after another, the next when the previous
 * finishes or is cancelled. Absent (or null) when no queue runs.
 */
export const loginQueueSchema = z.object({
  /** Every account of this round, in the order their windows open. */
  accountIds: z.array(accountIdSchema),
  /** The account whose login window is open now; null between two. */
  current: accountIdSchema.nullable(),
  /** Finished so far (logged in, failed, cancelled or skipped because no longer needed). */
  done: z.number().int().min(0),
  total: z.number().int().min(0),
  loggedIn: z.number().int().min(0),
  cancelled: z.number().int().min(0),
  failed: z.number().int().min(0),
});
export type LoginQueue = z.infer<typeof loginQueueSchema>;

export const snapshotSchema = z.object({
  /** When main made this snapshot (ISO). */
  at: z.string(),
  accounts: z.array(accountViewSchema),
  notificationsPausedUntil: z.string().nullable(),
  loginQueue: loginQueueSchema.nullable().optional(),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

export const activityEntrySchema = z.object({
  at: z.string(),
  accountId: accountIdSchema.nullable(),
  level: z.enum(['info', 'warn', 'error']),
  /** e.g. "Logged in", "Exported to /home/me/bot/.env", "Refresh failed: …". Never a secret. */
  message: z.string(),
});
export type ActivityEntry = z.infer<typeof activityEntrySchema>;

/** Masks a token for display: first 4 and last 4 characters, never more than a third of it. */
export function maskToken(token: string | undefined | null): string | null {
  if (!token) return null;
  // 8 shown characters are at most a third of the token from 24 characters on.
  if (token.length < 24) return '••••';
  return `${token.slice(0, 4)}…${token.slice(-4)}`;
}

/** Settings → Local API: off by default; binds 127.0.0.1 and ::1 only. */
export const localApiSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  port: z
    .number()
    .int()
    .min(1024, 'use a port from 1024 to 65535')
    .max(65535, 'use a port from 1024 to 65535')
    .default(5056),
});
export type LocalApiSettings = z.infer<typeof localApiSettingsSchema>;

/** App-wide preferences (settings file). */
export const preferencesSchema = z.object({
  /** Morning reminder on trading days when an account has no valid token (IST, HH:MM). */
  morningReminder: timeOfDaySchema.default('08:30'),
  /** NSE trading holidays, ISO dates (YYYY-MM-DD, IST). Weekends are never trading days. */
  holidays: z
    .array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'holidays are YYYY-MM-DD dates'))
    .default([...NSE_HOLIDAYS_2026]),
  startAtLogin: z.boolean().default(false),
  theme: z.enum(['system', 'light', 'dark']).default('system'),
  /** Notify this many days before a refresh token (FYERS) runs out. */
  refreshTokenWarningDays: z.number().int().min(0).max(14).default(2),
  /** The loopback API for bots (Settings → Local API); absent = off. Keys live in the keychain. */
  localApi: localApiSettingsSchema.optional(),
  /** Settings → Alert channels (Telegram, webhook, morning summary); absent = none. */
  alerts: alertSettingsSchema.optional(),
});
export type Preferences = z.infer<typeof preferencesSchema>;

/** What the add/edit form sends. Secrets go straight to the keychain in main and are never echoed. */
export const accountInputSchema = z.object({
  config: accountConfigSchema,
  /** Set to replace the stored API secret; omitted to keep the stored one. */
  apiSecret: z.string().min(1, 'paste the API secret').optional(),
  /** FYERS PIN, only when config.storePin is true. */
  pin: z
    .string()
    .regex(/^\d{4}$/, 'the FYERS PIN is 4 digits')
    .optional(),
});
export type AccountInput = z.infer<typeof accountInputSchema>;
