/**
 * The expiry scheduler. It never polls: it asks a planner for every instant at which something about
 * an account changes (a threshold crossing, an expiry, a planned refresh, a morning reminder), arms one
 * timer for the earliest, and fires what is due when it wakes.
 *
 * Timers stall while a machine is suspended (they count awake time), and resume events can be lost, so
 * no single timer sleeps longer than `maxSleepMs` (60 s): after a suspend or a clock jump the scheduler
 * is late by at most a minute even if nobody calls `recompute()`. Call `recompute()` on resume, unlock
 * and clock changes to be on time.
 *
 * Each planned event has a stable key and fires exactly once. Events that fell due while the machine
 * slept are delivered together, one batch per account, so the notifier can merge them into one and
 * withdraw the stale ones.
 */
import type { Clock } from '../ports';

export const EVENT_KINDS = [
  'status-change',
  'expiry-warning',
  'expired',
  'auto-refresh',
  'morning-reminder',
  'refresh-token-warning',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export interface PlannedEvent {
  /** Stable and unique: the same event planned twice has the same key (it fires once). */
  readonly key: string;
  readonly accountId: string;
  readonly kind: EventKind;
  readonly at: Date;
  /** expiry-warning: how many minutes before expiry. */
  readonly minutesBefore?: number;
}

export interface FiredEvent extends PlannedEvent {
  /** How late it fired (ms after `at`). */
  readonly lateness: number;
}

export interface FiredBatch {
  readonly accountId: string;
  /** Due events of this account, oldest first. */
  readonly events: readonly FiredEvent[];
  /** The newest event: the one that still matters when several were missed. */
  readonly latest: FiredEvent;
  /** More than one event, or one that fired late: the notifier merges and withdraws stale ones. */
  readonly merged: boolean;
}

/** Returns every event of the accounts' current tokens, past and future; the scheduler dedups. */
export type Planner = (now: Date) => readonly PlannedEvent[];

/**
 * How long a fired key is remembered after its instant once the planner no longer lists it. Longer
 * than anything the planner lists from the past (morning reminders up to half a day back).
 */
export const FIRED_RETENTION_MS = 2 * 86_400_000;

export interface SchedulerOptions {
  readonly maxSleepMs?: number;
  /** An event that fires later than this counts as missed (merged). Default 2 s. */
  readonly lateAfterMs?: number;
}

export interface SchedulerStats {
  wakeups: number;
  fired: number;
  maxLatenessMs: number;
}

export class Scheduler {
  private timer: unknown = undefined;
  /** Keys already fired → their instant (ms), kept a while even when the planner drops them. */
  private readonly fired = new Map<string, number>();
  private since: number | undefined;
  private running = false;
  private readonly maxSleepMs: number;
  private readonly lateAfterMs: number;
  readonly stats: SchedulerStats = { wakeups: 0, fired: 0, maxLatenessMs: 0 };
  /** When the armed timer is meant to fire (wall clock ms), for tests and the tray. */
  nextWakeAt: number | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly planner: Planner,
    private readonly onFire: (batches: readonly FiredBatch[]) => void,
    options: SchedulerOptions = {},
  ) {
    this.maxSleepMs = options.maxSleepMs ?? 60_000;
    this.lateAfterMs = options.lateAfterMs ?? 2_000;
  }

  /**
   * Starts scheduling. Events that were due before start are not fired: the snapshot already shows
   * their effect, and a fresh start should not replay yesterday's notifications.
   */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.since = this.clock.now().getTime();
    this.run();
  }

  stop(): void {
    this.running = false;
    this.disarm();
  }

  /** Re-plans now: on resume, unlock, clock change, or whenever an account's token changed. */
  recompute(): void {
    if (!this.running) return;
    this.run();
  }

  private disarm(): void {
    if (this.timer !== undefined) this.clock.cancelTimer(this.timer);
    this.timer = undefined;
    this.nextWakeAt = undefined;
  }

  private wake = (): void => {
    this.timer = undefined;
    this.stats.wakeups += 1;
    if (this.running) this.run();
  };

  private run(): void {
    this.disarm();
    const now = this.clock.now().getTime();
    const since = this.since ?? now;
    const plan = this.planner(new Date(now));

    const due = new Map<string, FiredEvent[]>();
    let next = Number.POSITIVE_INFINITY;
    const planned = new Set<string>();
    for (const event of plan) {
      planned.add(event.key);
      if (this.fired.has(event.key)) continue;
      const at = event.at.getTime();
      if (at > now) {
        next = Math.min(next, at);
        continue;
      }
      if (at < since) continue;
      this.fired.set(event.key, at);
      const lateness = now - at;
      const list = due.get(event.accountId) ?? [];
      list.push({ ...event, lateness });
      due.set(event.accountId, list);
    }
    // Keys must stay while the planner may list them again, or "exactly once" breaks: an event can
    // leave the plan and come back (the morning reminder is planned only while the account has no
    // usable token: fired at 08:30, dropped by a 09:00 login, listed again by a revocation at 11:00).
    // Keys of past events nobody plans any more go after FIRED_RETENTION_MS, to bound the memory.
    for (const [key, at] of this.fired) {
      if (!planned.has(key) && at < now - FIRED_RETENTION_MS) this.fired.delete(key);
    }

    if (this.running) {
      const delay = Math.min(next - now, this.maxSleepMs);
      this.nextWakeAt = now + delay;
      this.timer = this.clock.setTimer(delay, this.wake);
    }

    if (due.size === 0) return;
    const batches: FiredBatch[] = [];
    for (const [accountId, events] of due) {
      events.sort((a, b) => a.at.getTime() - b.at.getTime() || a.key.localeCompare(b.key));
      const latest = events[events.length - 1] as FiredEvent;
      for (const e of events) {
        this.stats.fired += 1;
        this.stats.maxLatenessMs = Math.max(this.stats.maxLatenessMs, e.lateness);
      }
      batches.push({
        accountId,
        events,
        latest,
        merged: events.length > 1 || events.some((e) => e.lateness > this.lateAfterMs),
      });
    }
    this.onFire(batches);
  }
}
