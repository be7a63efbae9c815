import { describe, expect, it } from 'vitest';
import { FakeClock } from '../helpers/fake-clock';
import {
  Scheduler,
  type FiredBatch,
  type PlannedEvent,
} from '../../electron/core/lifecycle/scheduler';

const H = 3_600_000;
const M = 60_000;
const start = new Date('2026-11-24T12:00:00.000Z');

function event(accountId: string, kind: PlannedEvent['kind'], at: Date): PlannedEvent {
  return { key: `${accountId}:${kind}:${at.toISOString()}`, accountId, kind, at };
}

function setup(events: PlannedEvent[], options?: { maxSleepMs?: number }) {
  const clock = new FakeClock(start);
  const fired: { batch: FiredBatch; wall: Date }[] = [];
  const scheduler = new Scheduler(
    clock,
    () => events,
    (batches) => batches.forEach((batch) => fired.push({ batch, wall: clock.now() })),
    options,
  );
  return { clock, fired, scheduler };
}

describe('Scheduler', () => {
  it('fires each event exactly at its instant while awake (lateness 0)', () => {
    const events = [
      event('a', 'expiry-warning', new Date(start.getTime() + 90 * M + 123)),
      event('a', 'expired', new Date(start.getTime() + 2 * H)),
      event('b', 'morning-reminder', new Date(start.getTime() + 7 * H + 17_000)),
    ];
    const { clock, fired, scheduler } = setup(events);
    scheduler.start();
    clock.advance(10 * H);
    expect(fired.map((f) => f.batch.latest.key)).toEqual(events.map((e) => e.key));
    for (const f of fired) {
      expect(f.wall.getTime()).toBe(f.batch.latest.at.getTime());
      expect(f.batch.latest.lateness).toBe(0);
      expect(f.batch.merged).toBe(false);
    }
    expect(scheduler.stats.maxLatenessMs).toBe(0);
  });

  it('never arms a timer for longer than 60 s, and never polls faster than needed', () => {
    const { clock, scheduler } = setup([event('a', 'expired', new Date(start.getTime() + 5 * H))]);
    scheduler.start();
    const wakesBefore = scheduler.stats.wakeups;
    clock.advance(H);
    expect(scheduler.stats.wakeups - wakesBefore).toBe(60); // one per minute, not 3600
    expect(scheduler.nextWakeAt! - clock.now().getTime()).toBeLessThanOrEqual(60_000);
    expect(clock.pendingTimers).toBe(1);
  });

  it('after an 8-hour suspend with no resume event, is late by at most 60 s and merges per account', () => {
    const e1 = event('a', 'expiry-warning', new Date(start.getTime() + 2 * H));
    const e2 = event('a', 'expired', new Date(start.getTime() + 3 * H));
    const e3 = event('b', 'expired', new Date(start.getTime() + 4 * H));
    const { clock, fired, scheduler } = setup([e1, e2, e3]);
    scheduler.start();
    clock.advance(30 * M);
    clock.suspend(8 * H); // wall clock jumps; timers do not move
    clock.advance(2 * M);
    expect(fired).toHaveLength(2); // one batch per account
    const a = fired.find((f) => f.batch.accountId === 'a')!.batch;
    expect(a.events.map((e) => e.key)).toEqual([e1.key, e2.key]);
    expect(a.latest.key).toBe(e2.key);
    expect(a.merged).toBe(true);
    const woke = fired[0]!.wall.getTime();
    expect(woke - (start.getTime() + 30 * M + 8 * H)).toBeLessThanOrEqual(60_000);
    expect(scheduler.stats.maxLatenessMs).toBeLessThanOrEqual(
      start.getTime() + 30 * M + 8 * H + 60_000 - e1.at.getTime(),
    );
  });

  it('recompute() on resume fires at once, and nothing fires twice afterwards', () => {
    const e1 = event('a', 'expired', new Date(start.getTime() + 2 * H));
    const { clock, fired, scheduler } = setup([e1]);
    scheduler.start();
    clock.advance(M);
    clock.suspend(5 * H);
    scheduler.recompute(); // resume event
    expect(fired).toHaveLength(1);
    expect(fired[0]!.wall.getTime()).toBe(start.getTime() + M + 5 * H);
    scheduler.recompute();
    clock.advance(2 * H);
    scheduler.recompute();
    expect(fired).toHaveLength(1);
    expect(clock.pendingTimers).toBe(1);
  });

  it('does not replay events that were already past when it started', () => {
    const past = event('a', 'expired', new Date(start.getTime() - H));
    const { clock, fired, scheduler } = setup([past]);
    scheduler.start();
    clock.advance(H);
    expect(fired).toHaveLength(0);
  });

  it('a clock set back does not refire; a clock set forward fires within a minute', () => {
    const e1 = event('a', 'expired', new Date(start.getTime() + 10 * M));
    const e2 = event('a', 'morning-reminder', new Date(start.getTime() + 3 * H));
    const { clock, fired, scheduler } = setup([e1, e2]);
    scheduler.start();
    clock.advance(11 * M);
    expect(fired).toHaveLength(1);
    clock.jumpWallClock(-30 * M);
    clock.advance(20 * M);
    expect(fired).toHaveLength(1);
    clock.jumpWallClock(4 * H);
    clock.advance(60_000);
    expect(fired).toHaveLength(2);
    expect(fired[1]!.batch.latest.key).toBe(e2.key);
  });

  it('stop() leaves no timer behind', () => {
    const { clock, scheduler } = setup([event('a', 'expired', new Date(start.getTime() + H))]);
    scheduler.start();
    scheduler.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('re-plans from the planner on every wake: a new token replaces the old events', () => {
    let events = [event('a', 'expired', new Date(start.getTime() + 2 * H))];
    const clock = new FakeClock(start);
    const fired: string[] = [];
    const scheduler = new Scheduler(
      clock,
      () => events,
      (b) => b.forEach((x) => fired.push(x.latest.key)),
    );
    scheduler.start();
    clock.advance(H);
    events = [event('a', 'expired', new Date(start.getTime() + 20 * H))]; // user logged in again
    scheduler.recompute();
    clock.advance(5 * H);
    expect(fired).toEqual([]);
    clock.advance(15 * H);
    expect(fired).toEqual([events[0]!.key]);
  });

  it('an event that leaves the plan and comes back does not fire again (morning reminder)', () => {
    // 08:30 reminder fires; a login drops it from the plan; a revocation at 11:00 lists it again.
    const reminder = event('a', 'morning-reminder', new Date(start.getTime() + 30 * M));
    let events = [reminder];
    const clock = new FakeClock(start);
    const fired: string[] = [];
    const scheduler = new Scheduler(
      clock,
      () => events,
      (b) => b.forEach((x) => fired.push(x.latest.key)),
    );
    scheduler.start();
    clock.advance(H);
    expect(fired).toEqual([reminder.key]);
    events = []; // logged in: nothing to remind about
    scheduler.recompute();
    clock.advance(2 * H);
    events = [reminder]; // the token was rejected: the planner lists today's reminder again
    scheduler.recompute();
    clock.advance(H);
    expect(fired).toEqual([reminder.key]);
  });
});
