/**
 * Remote export targets (issue 10): the token delivered to a bot on another machine, over SSH/SFTP,
 * into Redis, or to a signed webhook. Settings hold only what is not secret; the SSH key passphrase,
 * the Redis password and the webhook secret live in the OS keychain (one of each per account).
 *
 * Platform-free (main and renderer): the schemas and the display label every view shows for a target.
 */
import { z } from 'zod';

const envKeySchema = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    'a variable name starts with a letter or _ and holds only letters, digits and _',
  );

/** One line, no control characters: what may sit in a label, a log line or an ssh command. */
const CONTROL = {
  test: (s: string): boolean =>
    [...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f),
};

const localAbsolutePath = z
  .string()
  .min(1, 'choose a file')
  .max(4096)
  .refine((p) => !CONTROL.test(p), 'a path cannot hold control characters')
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), {
    message: 'use an absolute path (e.g. /home/me/.ssh/id_ed25519)',
  });

/** DNS name, IPv4, or a bracket-free IPv6 literal. */
const hostSchema = z
  .string()
  .trim()
  .min(1, 'enter the host (e.g. vps.example.com)')
  .max(253)
  .regex(
    /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^[0-9A-Fa-f:.]+$/,
    'the host is a name like vps.example.com or an IP address',
  );

const portSchema = z.number().int().min(1).max(65535);

/** A pinned SSH host key, as OpenSSH prints it: "SHA256:" + 43 base64 characters. */
export const hostKeyFingerprintSchema = z
  .string()
  .regex(
    /^SHA256:[A-Za-z0-9+/]{43}$/,
    'a host key fingerprint looks like SHA256:… (43 characters), as Test connection shows it',
  );

export const sshExportTargetSchema = z
  .object({
    kind: z.literal('ssh'),
    host: hostSchema,
    port: portSchema.default(22),
    username: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/, 'a user name like "bot" (letters, digits, _ . -)'),
    /** The file on the server, absolute (POSIX): `/home/bot/app/.env`. */
    path: z
      .string()
      .min(2, 'enter the file on the server, e.g. /home/bot/app/.env')
      .max(1024)
      .refine((p) => p.startsWith('/') && !p.endsWith('/'), {
        message: 'use an absolute path to a file on the server, e.g. /home/bot/app/.env',
      })
      .refine((p) => !CONTROL.test(p), 'a path cannot hold control characters')
      .refine((p) => !p.split('/').includes('..'), 'a path cannot hold ".." segments'),
    format: z.enum(['env', 'json']).default('env'),
    /** For format env, as the local .env target. */
    tokenKey: envKeySchema.default('ACCESS_TOKEN'),
    expiresAtKey: envKeySchema.default('ACCESS_TOKEN_EXPIRES_AT'),
    extra: z.record(envKeySchema, z.enum(['api_key', 'user_id'])).default({}),
    /** agent: SSH_AUTH_SOCK (Pageant on Windows). key: a private key file; passphrase in the keychain. */
    auth: z.enum(['agent', 'key']).default('agent'),
    privateKeyPath: localAbsolutePath.optional(),
    /** The server's host key, pinned after the user confirmed it on the first Test connection. */
    hostKeySha256: hostKeyFingerprintSchema.nullable().default(null),
    /** Optional command run on the server after each update, e.g. `systemctl --user reload mybot`. */
    afterCommand: z
      .string()
      .max(500)
      .refine((c) => !CONTROL.test(c), 'the command must be one line')
      .optional(),
  })
  .refine((t) => t.auth !== 'key' || t.privateKeyPath !== undefined, {
    message: 'choose the private key file, or use the SSH agent',
    path: ['privateKeyPath'],
  });
export type SshExportTarget = z.infer<typeof sshExportTargetSchema>;

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

export const redisExportTargetSchema = z.object({
  kind: z.literal('redis'),
  /** redis://[user@]host:port[/db] or rediss:// (TLS). Never a password: that is in the keychain. */
  url: z
    .string()
    .max(2048)
    .refine((u) => {
      const url = parseUrl(u);
      return (
        url !== null && (url.protocol === 'redis:' || url.protocol === 'rediss:') && !!url.hostname
      );
    }, 'use redis://host:6379 or rediss://host:6379 (TLS)')
    .refine(
      (u) => parseUrl(u)?.password === '',
      'leave the password out of the URL: enter it in the password field (it is kept in the keychain)',
    )
    .refine((u) => {
      const path = parseUrl(u)?.pathname ?? '';
      return path === '' || path === '/' || /^\/\d{1,2}$/.test(path);
    }, 'the only path a Redis URL may have is the database number, e.g. /0')
    .refine((u) => {
      const url = parseUrl(u);
      return url !== null && url.search === '' && url.hash === '';
    }, 'a Redis URL has no ?query or #fragment here'),
  /** Every key starts with this. */
  prefix: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9:_.\-/]*$/, 'a prefix holds letters, digits and : _ . - /')
    .default('tokentray:'),
  /** rediss:// only: a CA certificate (PEM) to trust besides the system ones. */
  caFile: localAbsolutePath.optional(),
});
export type RedisExportTarget = z.infer<typeof redisExportTargetSchema>;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True for a host name that stays on this machine (plain http is allowed only there). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

export const webhookExportTargetSchema = z.object({
  kind: z.literal('webhook'),
  url: z
    .string()
    .max(2048)
    .refine((u) => {
      const url = parseUrl(u);
      if (!url) return false;
      return (
        url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))
      );
    }, 'use an https:// URL (plain http only to 127.0.0.1 / localhost)')
    .refine((u) => {
      const url = parseUrl(u);
      return url !== null && url.username === '' && url.password === '';
    }, 'leave user and password out of the URL: the request is signed with the secret instead'),
  /** Off by default: the receiver then learns that a new token exists, not the token itself. */
  includeToken: z.boolean().default(false),
});
export type WebhookExportTarget = z.infer<typeof webhookExportTargetSchema>;

export const remoteExportTargetSchema = z.discriminatedUnion('kind', [
  sshExportTargetSchema,
  redisExportTargetSchema,
  webhookExportTargetSchema,
]);
export type RemoteExportTarget = z.infer<typeof remoteExportTargetSchema>;
export const REMOTE_TARGET_KINDS = ['ssh', 'redis', 'webhook'] as const;
export type RemoteTargetKind = (typeof REMOTE_TARGET_KINDS)[number];

/** The keychain item each remote kind needs (one per account). */
export const REMOTE_SECRET_KIND = {
  ssh: 'ssh-passphrase',
  redis: 'redis-password',
  webhook: 'webhook-secret',
} as const;
export type RemoteSecretKind = (typeof REMOTE_SECRET_KIND)[RemoteTargetKind];

export function isRemoteTarget(target: { kind: string }): target is RemoteExportTarget {
  return (REMOTE_TARGET_KINDS as readonly string[]).includes(target.kind);
}

/**
 * What every view shows for a target, and the `path` of its outcome in `lastExport`: a local path as
 * it is; `ssh://user@host:port/path`; `redis://host:port/prefix`; a webhook URL without credentials,
 * query or fragment (a query may carry a key).
 */
export function exportTargetLabel(
  target: { kind: 'env' | 'json'; path: string } | RemoteExportTarget,
): string {
  switch (target.kind) {
    case 'env':
    case 'json':
      return target.path;
    case 'ssh':
      return `ssh://${target.username}@${target.host}:${target.port}${target.path}`;
    case 'redis': {
      const url = parseUrl(target.url);
      if (!url) return 'redis://(invalid URL)';
      const port = url.port || '6379';
      return `${url.protocol}//${url.hostname}:${port}/${target.prefix}`;
    }
    case 'webhook': {
      const url = parseUrl(target.url);
      return url ? `${url.origin}${url.pathname}` : '(invalid URL)';
    }
  }
}
