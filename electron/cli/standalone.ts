/**
 * The CLI without the app: a TokenService of its own over the app's settings file and the OS
 * keychain, and the same command layer. Reads need nothing else. Writes (refresh, validate) take the
 * same locks as the app: every export goes through the file exporter (in-process + cross-process
 * lock per target), and every settings write runs under the cross-process lock on config.json.
 * Loaded only when the app does not answer on its socket (lazy import keeps `tokentray token`
 * quick when the app runs).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { BROKER_IDS } from '../../shared/brokers';
import { createCommands, type Commands } from '../core/commands/commands';
import { createBrokerAdapters, type BrokerAdapterOptions } from '../core/brokers';
import { TokenTrayError } from '../core/errors';
import { createCreatedFilesRegistry } from '../core/export/created-files';
import { createFileExporter } from '../core/export/file-exporter';
import { lockedSettings } from '../core/api/locked-settings';
import { TokenService } from '../core/lifecycle/token-service';
import { silentLogger, systemClock, type SecretStore } from '../core/ports';
import { createKeytarSecretStore } from '../core/secrets/keytar-secret-store';
import { createJsonFileBackend } from '../core/settings/settings-backend';
import { createSettingsStore } from '../core/settings/settings-store';
import { settingsDir } from '../core/api/local-paths';

export interface Standalone {
  readonly commands: Commands;
  readonly service: TokenService;
  readonly settingsPath: string;
}

/**
 * Broker base URLs for testing against the local broker simulator (docs/bots.md): JSON like
 * {"fyers":{"api":"http://127.0.0.1:4000"}}. Only https or loopback http are accepted (base-url.ts).
 */
const baseUrlsSchema = z.partialRecord(
  z.enum(BROKER_IDS),
  z.object({ api: z.string().optional(), login: z.string().optional() }).strict(),
);

function brokerBaseUrls(env: NodeJS.ProcessEnv): BrokerAdapterOptions['baseUrls'] {
  const raw = env.TOKENTRAY_BROKER_BASE_URLS;
  if (!raw) return undefined;
  try {
    return baseUrlsSchema.parse(JSON.parse(raw));
  } catch {
    throw new TokenTrayError(
      'config',
      'TOKENTRAY_BROKER_BASE_URLS is not valid: use JSON like {"fyers":{"api":"http://127.0.0.1:4000"}}.',
    );
  }
}

export async function openStandalone(
  env: NodeJS.ProcessEnv = process.env,
  secrets?: SecretStore,
): Promise<Standalone> {
  const dir = settingsDir(env);
  const settingsPath = join(dir, 'config.json');
  const logger = silentLogger;
  // TOKENTRAY_KEYCHAIN_SERVICE: another keychain service name (a second profile, the tests).
  const service = env.TOKENTRAY_KEYCHAIN_SERVICE;
  const keychain = secrets ?? createKeytarSecretStore({ logger, ...(service ? { service } : {}) });
  const settings = lockedSettings(
    createSettingsStore({
      backend: createJsonFileBackend(settingsPath),
      secrets: keychain,
      logger,
    }),
    settingsPath,
  );
  const baseUrls = brokerBaseUrls(env);
  const tokens = new TokenService({
    clock: systemClock,
    settings,
    secrets: keychain,
    brokers: createBrokerAdapters({ logger, ...(baseUrls ? { baseUrls } : {}) }),
    exporter: createFileExporter({
      logger,
      createdFiles: createCreatedFilesRegistry(join(dir, 'created-exports.json')),
    }),
    logger,
  });
  await tokens.init();
  const commands = createCommands({
    service: tokens,
    settings,
    clock: systemClock,
    logger,
    localZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  });
  return { commands, service: tokens, settingsPath };
}
