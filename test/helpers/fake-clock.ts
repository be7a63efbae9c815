/**
 * A deterministic Clock for tests, the bench and the trading-week simulation. It models the two clocks
 * a real machine has: the wall clock (what `now()` says; it jumps on suspend and on clock changes) and
 * awake time (what timers count; it stands still while the machine is suspended), so a suspend makes
 * timers late exactly as it does on a laptop.
 */
import type { Clock } from '../../electron/core/ports';

interface FakeTimer {
  readonly id: number;
  /** Awake-time instant at which it fires. */
  readonly due: number;
  readonly callback: () => void;
}

export class FakeClock implements Clock {
  private awake = 0;
  private wallOffset: number;
  private timers: FakeTimer[] = [];
  private nextId = 1;

  constructor(start: Date) {
    this.wallOffset = start.getTime();
  }

  now(): Date {
    return new Date(this.wallOffset + this.awake);
  }

  setTimer(ms: number, callback: () => void): unknown {
    const timer = { id: this.nextId++, due: this.awake + Math.max(0, ms), callback };
    this.timers.push(timer);
    return timer.id;
  }

  cancelTimer(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Number of armed timers (a leak detector for tests). */
  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Lets `ms` of awake time pass, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.awake + ms;
    for (;;) {
      const next = this.nextDue();
      if (!next || next.due > end) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.awake = next.due;
      next.callback();
    }
    this.awake = end;
  }

  /** Advances awake time to the given wall-clock instant. */
  advanceTo(instant: Date): void {
    this.advance(Math.max(0, instant.getTime() - this.now().getTime()));
  }

  /** The machine sleeps for `ms`: the wall clock moves on, timers do not. */
  suspend(ms: number): void {
    this.wallOffset += ms;
  }

  /** The user or NTP sets the wall clock by `ms` (either way); timers do not notice. */
  jumpWallClock(ms: number): void {
    this.wallOffset += ms;
  }

  private nextDue(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.timers)
      if (!best || t.due < best.due || (t.due === best.due && t.id < best.id)) best = t;
    return best;
  }
}
