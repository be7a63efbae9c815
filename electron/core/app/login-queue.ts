/**
 * "Log in all" (issue 11: one notification and one click per morning): the login windows of every
 * account that needs a login open one after another — the next when the previous finishes or is
 * cancelled — and the progress is published in the snapshot (`loginQueue`) for the dashboard and the
 * tray. One queue per app; a second "Log in all" while it runs adds only the accounts not in it yet.
 *
 * An account whose turn comes but no longer needs a login (logged in from the dashboard meanwhile,
 * or removed) is skipped. A failed login is recorded on its account by TokenService as usual; the
 * queue goes on with the next one, and the round ends with one activity entry that sums it up.
 */
import type { LoginQueue } from '../../../shared/domain';
import { toTokenTrayError } from '../errors';
import type { Logger } from '../ports';

export interface LoginQueueDeps {
  /** Opens the account's login window; resolves when it is done, rejects when it failed/was cancelled. */
  readonly login: (accountId: string) => Promise<void>;
  /** Is a login still worth opening for this account now? */
  readonly stillNeeded: (accountId: string) => boolean;
  /** Progress for the snapshot; null once the round is over. */
  readonly publish: (progress: LoginQueue | null) => void;
  /** One activity entry per round. */
  readonly note: (level: 'info' | 'warn', message: string) => void;
  /** The round ended with at least one failure: show where it is written. */
  readonly onFailures: () => void;
  readonly logger: Logger;
}

export class LoginQueueRunner {
  private ids: string[] = [];
  private current: string | null = null;
  private done = 0;
  private loggedIn = 0;
  private cancelled = 0;
  private failed = 0;
  private skipped = 0;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: LoginQueueDeps) {}

  /** True while a round runs. */
  get active(): boolean {
    return this.running !== null;
  }

  /** The snapshot's view of the round, or null when none runs. */
  progress(): LoginQueue | null {
    if (this.running === null) return null;
    return {
      accountIds: [...this.ids],
      current: this.current,
      done: this.done,
      total: this.ids.length,
      loggedIn: this.loggedIn,
      cancelled: this.cancelled,
      failed: this.failed,
    };
  }

  /** Adds accounts (in order) not already in this round; starts the round if idle. Returns those added. */
  enqueue(accountIds: readonly string[]): string[] {
    const added = accountIds.filter(
      (id, i) => !this.ids.includes(id) && accountIds.indexOf(id) === i,
    );
    if (added.length === 0) return [];
    this.ids.push(...added);
    // run() stops at its first await, so `running` is set before the round can finish.
    if (this.running === null) this.running = this.run();
    this.deps.publish(this.progress());
    return added;
  }

  /** Drops the accounts still waiting for their turn (the open window stays). Returns how many. */
  dropPending(): number {
    const start = this.current === null ? this.done : this.done + 1;
    const dropped = Math.max(0, this.ids.length - start);
    if (dropped === 0) return 0;
    this.ids.splice(start, dropped);
    this.deps.publish(this.progress());
    return dropped;
  }

  /** Resolves when the current round (if any) is over. */
  async whenDone(): Promise<void> {
    await this.running;
  }

  private async run(): Promise<void> {
    // Let enqueue() publish the first progress before the first window opens.
    await Promise.resolve();
    while (this.done < this.ids.length) {
      const id = this.ids[this.done];
      if (id === undefined) break;
      if (!this.deps.stillNeeded(id)) {
        this.skipped += 1;
        this.done += 1;
        continue;
      }
      this.current = id;
      this.deps.publish(this.progress());
      try {
        await this.deps.login(id);
        this.loggedIn += 1;
      } catch (e) {
        const kind = toTokenTrayError(e).kind;
        if (kind === 'cancelled') this.cancelled += 1;
        else this.failed += 1;
        this.deps.logger.info('login in queue ended without a token', { accountId: id, kind });
      }
      this.current = null;
      this.done += 1;
      this.deps.publish(this.progress());
    }
    this.finish();
  }

  private finish(): void {
    this.running = null; // an enqueue() from a listener below starts a new round
    const parts = [`${this.loggedIn} logged in`];
    if (this.cancelled > 0) parts.push(`${this.cancelled} cancelled`);
    if (this.failed > 0) parts.push(`${this.failed} failed`);
    if (this.skipped > 0) parts.push(`${this.skipped} no longer needed`);
    const total = this.ids.length;
    this.deps.note(
      this.failed > 0 || this.cancelled > 0 ? 'warn' : 'info',
      `Log in all: ${parts.join(', ')} (${total} account${total === 1 ? '' : 's'})`,
    );
    const failures = this.failed;
    this.ids = [];
    this.current = null;
    this.done = this.loggedIn = this.cancelled = this.failed = this.skipped = 0;
    this.deps.publish(null);
    if (failures > 0) this.deps.onFailures();
  }
}
