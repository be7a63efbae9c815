/**
 * Delivery retry for remote targets: a delivery that failed is tried again while its token is still
 * valid — after 1, 2, 5, 10, 15 and 30 minutes, then every 30 minutes — and at once on "Retry
 * delivery". A newer token for the same target replaces the pending one; an older one never
 * replaces a newer. Timers go through the injected Clock and are never longer than 60 s (DESIGN.md:
 * timers stall across suspend), so a retry is at most a minute late after a resume.
 *
 * It wraps the target exporter: `exporter` is what TokenService gets. Outcomes of later attempts go
 * to `onOutcome` (TokenService.recordDelivery), so the account shows the target's current state.
 */
import {
  exportTargetLabel,
  isRemoteTarget,
  type RemoteExportTarget,
} from '../../../shared/remote-targets';
import type { ExportTarget } from '../../../shared/domain';
import { TokenTrayError, toTokenTrayError } from '../errors';
import type { Clock, ExportPayload, Exporter, Logger } from '../ports';
import type { DeliveryRecord } from './targets';

const MINUTE = 60_000;
const DELAYS_MIN = [1, 2, 5, 10, 15, 30];
const MAX_TIMER_MS = 60_000;

interface Pending {
  readonly accountId: string;
  readonly target: RemoteExportTarget;
  readonly payload: ExportPayload;
  attempts: number;
  dueAt: number;
  running: boolean;
}

export interface DeliveryRetry {
  /** The exporter to hand to TokenService. */
  readonly exporter: Exporter;
  /** Where later outcomes go; set once the service exists. */
  onOutcome: (accountId: string, record: DeliveryRecord) => void;
  /** "Retry delivery": tries every failed target of the account now. */
  retryNow(accountId: string): Promise<DeliveryRecord[]>;
  /** Targets of the account still waiting for a retry. */
  pendingFor(accountId: string): string[];
  /** Forget an account's pending deliveries (account removed or edited). */
  forget(accountId: string): void;
  stop(): void;
}

export function retryDelayMs(attempt: number): number {
  return (DELAYS_MIN[attempt - 1] ?? 30) * MINUTE;
}

export function createDeliveryRetry(deps: {
  readonly exporter: Exporter;
  readonly clock: Clock;
  readonly logger: Logger;
}): DeliveryRetry {
  const { clock, logger } = deps;
  const pending = new Map<string, Pending>();
  let timer: unknown = null;
  let stopped = false;
  const keyOf = (accountId: string, target: RemoteExportTarget) =>
    `${accountId}\u0000${exportTargetLabel(target)}`;

  const retry: DeliveryRetry = {
    exporter: {
      async export(target: ExportTarget | RemoteExportTarget, payload: ExportPayload) {
        if (!isRemoteTarget(target)) return deps.exporter.export(target, payload);
        const key = keyOf(payload.accountId, target);
        const waiting = pending.get(key);
        if (waiting && waiting.payload.issuedAt > payload.issuedAt) {
          throw new TokenTrayError(
            'export',
            `${exportTargetLabel(target)}: a newer token is already waiting for delivery there.`,
          );
        }
        pending.delete(key);
        try {
          await deps.exporter.export(target, payload);
        } catch (e) {
          schedule(key, target, payload, 1);
          throw e;
        }
      },
    },
    onOutcome: () => undefined,
    async retryNow(accountId) {
      const mine = [...pending.entries()].filter(([, p]) => p.accountId === accountId);
      if (mine.length === 0) {
        throw new TokenTrayError(
          'config',
          'Nothing to retry: no delivery of this account is waiting.',
        );
      }
      const results = await Promise.all(mine.map(([key, p]) => attempt(key, p)));
      arm();
      return results.filter((r): r is DeliveryRecord => r !== null);
    },
    pendingFor: (accountId) =>
      [...pending.values()]
        .filter((p) => p.accountId === accountId)
        .map((p) => exportTargetLabel(p.target)),
    forget(accountId) {
      for (const [key, p] of pending) if (p.accountId === accountId) pending.delete(key);
      arm();
    },
    stop() {
      stopped = true;
      if (timer !== null) clock.cancelTimer(timer);
      timer = null;
    },
  };

  function schedule(
    key: string,
    target: RemoteExportTarget,
    payload: ExportPayload,
    attempts: number,
  ): void {
    const now = clock.now().getTime();
    if (payload.expiresAt.getTime() <= now) return;
    pending.set(key, {
      accountId: payload.accountId,
      target,
      payload,
      attempts,
      dueAt: now + retryDelayMs(attempts),
      running: false,
    });
    arm();
  }

  async function attempt(key: string, p: Pending): Promise<DeliveryRecord | null> {
    if (p.running || pending.get(key) !== p) return null;
    const path = exportTargetLabel(p.target);
    const now = clock.now();
    if (p.payload.expiresAt <= now) {
      pending.delete(key);
      logger.info('export: stopped retrying a delivery; its token has expired', { target: path });
      return null;
    }
    p.running = true;
    let record: DeliveryRecord;
    try {
      await deps.exporter.export(p.target, p.payload);
      if (pending.get(key) === p) pending.delete(key);
      record = { path, ok: true, at: clock.now().toISOString() };
    } catch (e) {
      p.attempts += 1;
      p.dueAt = clock.now().getTime() + retryDelayMs(p.attempts);
      record = {
        path,
        ok: false,
        at: clock.now().toISOString(),
        message: toTokenTrayError(e, 'export').message,
      };
    } finally {
      p.running = false;
    }
    // A newer token took this slot meanwhile: its own delivery reports for it.
    if (pending.has(key) && pending.get(key) !== p) return null;
    retry.onOutcome(p.accountId, record);
    return record;
  }

  function arm(): void {
    if (timer !== null) clock.cancelTimer(timer);
    timer = null;
    // A running attempt re-arms when it settles; counting it here would fire at once, forever.
    const waiting = [...pending.values()].filter((p) => !p.running);
    if (stopped || waiting.length === 0) return;
    const now = clock.now().getTime();
    const next = Math.min(...waiting.map((p) => Math.min(p.dueAt, p.payload.expiresAt.getTime())));
    timer = clock.setTimer(Math.min(MAX_TIMER_MS, Math.max(0, next - now)), () => {
      timer = null;
      void tick();
    });
  }

  async function tick(): Promise<void> {
    const now = clock.now().getTime();
    const due = [...pending.entries()].filter(
      ([, p]) => !p.running && (p.dueAt <= now || p.payload.expiresAt.getTime() <= now),
    );
    // attempt() marks each one running (or drops an expired one) before its first await.
    const runs = due.map(([key, p]) => attempt(key, p));
    arm();
    await Promise.all(runs);
    arm();
  }

  return retry;
}
