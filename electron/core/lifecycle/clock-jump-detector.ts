/**
 * Notices when the wall clock jumps (the user or NTP set the time, a time-zone change on some systems,
 * a VM restored from a snapshot). Electron has no event for that — powerMonitor reports suspend,
 * resume and lock/unlock only — so main samples two clocks every `intervalMs`: the wall clock
 * (Date.now) and a monotonic one (performance.now, which never jumps). If the wall clock moved more
 * than `toleranceMs` differently from the monotonic one, something changed the time: the app
 * recomputes every status and timer ('clock-changed').
 *
 * A suspend also makes the two differ on systems where the monotonic clock stops during sleep (Linux,
 * macOS); the extra 'clock-changed' after a resume is harmless (recomputing is idempotent). The
 * scheduler itself never sleeps more than 60 s (DESIGN.md), so even a missed jump costs at most a
 * minute; this detector makes it immediate.
 */

export interface ClockJumpDetectorOptions {
  /** Wall-clock ms (Date.now). */
  readonly wallNow: () => number;
  /** Monotonic ms (performance.now). */
  readonly monotonicNow: () => number;
  readonly onJump: (deltaMs: number) => void;
  readonly intervalMs?: number;
  readonly toleranceMs?: number;
  readonly setInterval?: (callback: () => void, ms: number) => unknown;
  readonly clearInterval?: (handle: unknown) => void;
}

export const CLOCK_JUMP_INTERVAL_MS = 15_000;
export const CLOCK_JUMP_TOLERANCE_MS = 5_000;

export class ClockJumpDetector {
  private lastWall: number;
  private lastMono: number;
  private handle: unknown = null;

  constructor(private readonly options: ClockJumpDetectorOptions) {
    this.lastWall = options.wallNow();
    this.lastMono = options.monotonicNow();
  }

  /** Compares the clocks now; returns the jump (wall minus monotonic progress) it saw, or 0. */
  sample(): number {
    const wall = this.options.wallNow();
    const mono = this.options.monotonicNow();
    const delta = wall - this.lastWall - (mono - this.lastMono);
    this.lastWall = wall;
    this.lastMono = mono;
    if (Math.abs(delta) > (this.options.toleranceMs ?? CLOCK_JUMP_TOLERANCE_MS)) {
      this.options.onJump(delta);
      return delta;
    }
    return 0;
  }

  /** Forgets the past samples (call after a resume, which is reported on its own). */
  rebase(): void {
    this.lastWall = this.options.wallNow();
    this.lastMono = this.options.monotonicNow();
  }

  start(): void {
    if (this.handle !== null) return;
    const set =
      this.options.setInterval ??
      ((cb: () => void, ms: number) => {
        const h = setInterval(cb, ms);
        h.unref();
        return h;
      });
    this.rebase();
    this.handle = set(() => this.sample(), this.options.intervalMs ?? CLOCK_JUMP_INTERVAL_MS);
  }

  stop(): void {
    if (this.handle === null) return;
    const clear =
      this.options.clearInterval ??
      ((h: unknown) => clearInterval(h as ReturnType<typeof setInterval>));
    clear(this.handle);
    this.handle = null;
  }
}
