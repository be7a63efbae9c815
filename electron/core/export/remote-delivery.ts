/**
 * Composition of remote delivery (issue 10) for main.ts, the test harness and the bench: the target
 * dispatcher (targets.ts) over the local file exporter, the delivery retry around it, and the
 * commands the account form calls. `attach` connects later outcomes to the account's record once
 * TokenService exists (it is built with this exporter, so it comes second).
 */
import type { ActivityLog } from '../app/activity-log';
import type { Clock, Exporter, Logger, SecretStore } from '../ports';
import { createRemoteCommands, type RemoteCommands } from './remote-commands';
import { createDeliveryRetry, type DeliveryRetry } from './remote-retry';
import { createTargetExporter, type DeliveryRecord, type TargetExporterDeps } from './targets';

export interface RemoteDelivery {
  /** Give this to TokenService: local targets pass through, remote ones are delivered and retried. */
  readonly exporter: Exporter;
  readonly commands: RemoteCommands;
  readonly retry: DeliveryRetry;
  attach(service: { recordDelivery(accountId: string, record: DeliveryRecord): void }): void;
  stop(): void;
}

export function createRemoteDelivery(
  deps: {
    readonly local: Exporter;
    readonly secrets: SecretStore;
    readonly logger: Logger;
    readonly clock: Clock;
    readonly activity?: ActivityLog;
  } & Pick<TargetExporterDeps, 'ssh' | 'redis' | 'webhook'>,
): RemoteDelivery {
  const { clock, activity } = deps;
  const targets = createTargetExporter({
    local: deps.local,
    secrets: deps.secrets,
    logger: deps.logger,
    ...(activity
      ? {
          activity: (accountId, level, message) =>
            activity.add({ at: clock.now().toISOString(), accountId, level, message }),
        }
      : {}),
    ...(deps.ssh ? { ssh: deps.ssh } : {}),
    ...(deps.redis ? { redis: deps.redis } : {}),
    ...(deps.webhook ? { webhook: deps.webhook } : {}),
  });
  const retry = createDeliveryRetry({ exporter: targets, clock, logger: deps.logger });
  return {
    exporter: retry.exporter,
    commands: createRemoteCommands({ targets, retry, secrets: deps.secrets, logger: deps.logger }),
    retry,
    attach(service) {
      retry.onOutcome = (accountId, record) => service.recordDelivery(accountId, record);
    },
    stop: () => retry.stop(),
  };
}
