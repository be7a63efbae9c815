/**
 * The three commands the account form and the account card need for remote targets (issue 10):
 * Test connection, storing a target's secret in the keychain, and "Retry delivery". The IPC handlers
 * (app/app-ipc.ts) validate the request with the contract's schemas and call these.
 */
import type { RemoteExportTarget, RemoteSecretKind } from '../../../shared/remote-targets';
import { TokenTrayError } from '../errors';
import type { Logger, SecretStore } from '../ports';
import { secretLabel } from '../secrets/secret-names';
import type { DeliveryRetry } from './remote-retry';
import type { ConnectionTestResult, TargetExporter } from './targets';

export interface RemoteCommands {
  testConnection(
    accountId: string,
    target: RemoteExportTarget,
    secret?: string,
  ): Promise<ConnectionTestResult>;
  /** Stores (or, with '', deletes) the account's secret of that kind in the keychain. */
  setSecret(accountId: string, kind: RemoteSecretKind, value: string): Promise<void>;
  /** Tries the account's failed deliveries now; throws with the first failure's words. */
  retryDelivery(accountId: string): Promise<void>;
}

export function createRemoteCommands(deps: {
  readonly targets: TargetExporter;
  readonly retry: DeliveryRetry;
  readonly secrets: SecretStore;
  readonly logger: Logger;
}): RemoteCommands {
  return {
    testConnection: (accountId, target, secret) =>
      deps.targets.testConnection(accountId, target, secret),

    async setSecret(accountId, kind, value) {
      if (value === '') {
        await deps.secrets.delete(accountId, kind);
        deps.logger.info('remote target secret removed', { accountId, kind });
        return;
      }
      deps.logger.registerSecret(value);
      await deps.secrets.set(accountId, kind, value);
      deps.logger.info(`${secretLabel(kind)} saved in the keychain`, { accountId });
    },

    async retryDelivery(accountId) {
      const results = await deps.retry.retryNow(accountId);
      const failed = results.find((r) => !r.ok);
      if (failed) {
        throw new TokenTrayError(
          'export',
          `Delivery to ${failed.path} failed again: ${failed.message ?? ''}`,
        );
      }
    },
  };
}
