/**
 * The demo's clock: starts at a chosen instant and either runs with real time (for people watching
 * the demo) or stands still until told to move (for tests and screenshots).
 */
import type { Clock } from '../clock';

export class DemoClock implements Clock {
  private base: number;
  private startedAt: number;
  private readonly listeners = new Set<() => void>();

  constructor(
    start: number,
    private readonly running: boolean,
  ) {
    this.base = start;
    this.startedAt = performance.now();
  }

  now(): number {
    return this.running ? this.base + Math.floor(performance.now() - this.startedAt) : this.base;
  }

  set(instant: number): void {
    this.base = instant;
    this.startedAt = performance.now();
    for (const l of this.listeners) l();
  }

  advance(ms: number): void {
    this.set(this.now() + ms);
  }

  onJump(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
