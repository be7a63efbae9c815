/**
 * The activity log the dashboard shows: what happened to each account, newest last. Messages are built
 * by TokenService from fixed words and non-secret fields only.
 */
import type { ActivityEntry } from '../../../shared/domain';

export class ActivityLog {
  private readonly entries: ActivityEntry[] = [];
  constructor(private readonly capacity = 500) {}

  add(entry: ActivityEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity)
      this.entries.splice(0, this.entries.length - this.capacity);
  }

  list(accountId?: string, limit = 100): ActivityEntry[] {
    const filtered = accountId
      ? this.entries.filter((e) => e.accountId === accountId)
      : this.entries;
    return filtered.slice(-limit);
  }
}
