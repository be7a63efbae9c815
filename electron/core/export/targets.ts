/**
 * The Exporter port with every target kind behind it (DESIGN.md: one file per kind): `.env` and JSON
 * go to the local file exporter unchanged; SSH/SFTP (ssh.ts), Redis (redis.ts) and webhook
 * (webhook.ts) are routed here, each with its secret read from the keychain at delivery time (never
 * from settings). Every target fails on its own: the caller records one outcome per target, labelled
 * as every view shows it (`exportTargetLabel`).
 */
import type { ExportTarget } from '../../../shared/domain';
import {
  exportTargetLabel,
  isRemoteTarget,
  REMOTE_SECRET_KIND,
  remoteExportTargetSchema,
  type RemoteExportTarget,
} from '../../../shared/remote-targets';
import { TokenTrayError, toTokenTrayError } from '../errors';
import type { ExportPayload, Exporter, Logger, SecretKind, SecretStore } from '../ports';
import { secretLabel } from '../secrets/secret-names';
import { deliverRedis, testRedis, type RedisOptions } from './redis';
import { deliverSsh, testSsh, type SshOptions } from './ssh';
import { deliverWebhook, type WebhookOptions } from './webhook';

export type ActivityLevel = 'info' | 'warn' | 'error';

export interface TargetExporterDeps {
  /** The `.env`/JSON exporter (file-exporter.ts). */
  readonly local: Exporter;
  readonly secrets: SecretStore;
  readonly logger: Logger;
  /** Activity-log lines (the after-update command's exit code and masked stderr). */
  readonly activity?: (accountId: string, level: ActivityLevel, message: string) => void;
  readonly ssh?: Omit<SshOptions, 'logger' | 'onCommandResult'>;
  readonly redis?: Omit<RedisOptions, 'logger'>;
  readonly webhook?: Omit<WebhookOptions, 'logger'>;
}

export interface ConnectionTestResult {
  readonly ok: boolean;
  readonly message: string;
  /** SSH: the host key the server presented ("SHA256:…"). */
  readonly fingerprint?: string;
  /** SSH: the key is not pinned yet; the user confirms `fingerprint` to pin it. */
  readonly needsConfirmation?: boolean;
}

export interface TargetExporter extends Exporter {
  /**
   * Test connection for the account form. `secret` is the value typed in the form (not yet saved);
   * without it, the keychain's is used. Never throws: the answer says what is wrong.
   */
  testConnection(
    accountId: string,
    target: RemoteExportTarget,
    secret?: string,
  ): Promise<ConnectionTestResult>;
}

function parseRemote(target: unknown): RemoteExportTarget {
  const parsed = remoteExportTargetSchema.safeParse(target);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TokenTrayError(
      'export',
      `The remote target is invalid (${issue?.path.join('.') || 'target'}: ${issue?.message ?? 'unknown'}). Edit it in the account settings.`,
    );
  }
  return parsed.data;
}

export function createTargetExporter(deps: TargetExporterDeps): TargetExporter {
  const { logger } = deps;

  async function secretFor(
    accountId: string,
    target: RemoteExportTarget,
    given?: string,
  ): Promise<string | null> {
    if (given !== undefined && given !== '') {
      logger.registerSecret(given);
      return given;
    }
    const kind: SecretKind = REMOTE_SECRET_KIND[target.kind];
    // Agent auth needs no passphrase; do not touch the keychain for it.
    if (target.kind === 'ssh' && target.auth === 'agent') return null;
    let value: string | null;
    try {
      value = await deps.secrets.get(accountId, kind);
    } catch (e) {
      throw new TokenTrayError(
        'export',
        `${exportTargetLabel(target)}: the ${secretLabel(kind)} could not be read from the keychain (${toTokenTrayError(e, 'keychain').message})`,
      );
    }
    if (value) logger.registerSecret(value);
    if (!value && target.kind === 'webhook') {
      throw new TokenTrayError(
        'export',
        `Webhook ${exportTargetLabel(target)}: no webhook secret in the keychain, so nothing was sent. Enter the secret in the account form.`,
      );
    }
    return value;
  }

  function sshOptions(accountId: string): SshOptions {
    return {
      ...deps.ssh,
      logger,
      onCommandResult: (r) =>
        deps.activity?.(
          accountId,
          r.exitCode === 0 ? 'info' : 'error',
          `After update ran \`${r.command}\`: exit ${r.exitCode ?? 'none'}${r.stderr ? `, stderr: ${r.stderr}` : ''}`,
        ),
    };
  }

  async function deliver(target: RemoteExportTarget, payload: ExportPayload): Promise<void> {
    const secret = await secretFor(payload.accountId, target);
    switch (target.kind) {
      case 'ssh':
        await deliverSsh(target, payload, secret, sshOptions(payload.accountId));
        return;
      case 'redis':
        await deliverRedis(target, payload, secret, { ...deps.redis, logger });
        return;
      case 'webhook':
        await deliverWebhook(target, payload, secret ?? '', { ...deps.webhook, logger });
        return;
    }
  }

  return {
    async export(target: ExportTarget | RemoteExportTarget, payload: ExportPayload): Promise<void> {
      if (!isRemoteTarget(target)) return deps.local.export(target, payload);
      logger.registerSecret(payload.accessToken);
      await deliver(parseRemote(target), payload);
    },

    async testConnection(accountId, rawTarget, secret) {
      try {
        const target = parseRemote(rawTarget);
        const value = await secretFor(accountId, target, secret);
        switch (target.kind) {
          case 'ssh': {
            const r = await testSsh(target, value, sshOptions(accountId));
            return {
              ok: r.verified,
              message: r.message,
              fingerprint: r.fingerprint,
              needsConfirmation: !r.verified,
            };
          }
          case 'redis':
            return { ok: true, message: await testRedis(target, value, { ...deps.redis, logger }) };
          case 'webhook': {
            // A probe the receiver can tell from a token: account "tokentray-test", no token.
            const probe: ExportPayload = {
              accountId: 'tokentray-test',
              broker: 'upstox',
              accessToken: 'not-a-token',
              issuedAt: new Date(),
              expiresAt: new Date(),
              apiKey: '',
              userId: null,
            };
            const r = await deliverWebhook({ ...target, includeToken: false }, probe, value ?? '', {
              ...deps.webhook,
              retries: 0,
              logger,
            });
            return {
              ok: true,
              message: `The receiver answered HTTP ${r.status} to a signed test delivery (account "tokentray-test", no token).`,
            };
          }
        }
      } catch (e) {
        return { ok: false, message: toTokenTrayError(e, 'export').message };
      }
    },
  };
}

export interface DeliveryRecord {
  readonly path: string;
  readonly ok: boolean;
  readonly at: string;
  readonly message?: string;
}

/**
 * Delivers one accepted token to an account's remote targets, in parallel; one outcome per target
 * (labelled as the account shows it), never a throw. TokenService calls this after the local files.
 */
export async function deliverRemoteTargets(
  exporter: Exporter,
  targets: readonly RemoteExportTarget[],
  payload: ExportPayload,
  now: Date,
  note: (level: ActivityLevel, message: string) => void,
): Promise<DeliveryRecord[]> {
  const at = now.toISOString();
  return Promise.all(
    targets.map(async (target): Promise<DeliveryRecord> => {
      const path = exportTargetLabel(target);
      try {
        await exporter.export(target, payload);
        note('info', `Delivered to ${path}`);
        return { path, ok: true, at };
      } catch (e) {
        const err = toTokenTrayError(e, 'export');
        note('error', `Delivery to ${path} failed: ${err.message}`);
        return { path, ok: false, at, message: err.message };
      }
    }),
  );
}
