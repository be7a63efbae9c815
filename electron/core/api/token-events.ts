/**
 * Token events for bots, derived from TokenService snapshots (subscribe and diff): the service
 * stays the only writer and knows nothing of bots. Events carry the account, its expiry and status
 * — never the token (a bot that wants it asks the `token` endpoint with a `token`-scoped key).
 *
 *   token-renewed   a new token was issued (issuedAt changed)          {account, broker, expires_at}
 *   token-expiring  status entered expiring or critical                 {account, status, expires_at, seconds_left}
 *   token-expired   status became expired                               {account, expires_at}
 *   token-revoked   the broker rejected the token                       {account, expires_at}
 *   export-failed   a write to an export target failed                  {account, path, message}
 *
 * Each event has an id `<boot>-<seq>`; the last `bufferSize` are kept so a client that lost its
 * connection resumes with `Last-Event-ID` and misses nothing. An id from an earlier run of the app
 * (another boot) replays everything this run has; an id older than the buffer is answered with a
 * `resync` event (fetch /api/token/status again) followed by what the buffer holds.
 */
import { randomBytes } from 'node:crypto';
import type { AccountView, Snapshot } from '../../../shared/domain';

export const TOKEN_EVENT_TYPES = [
  'token-renewed',
  'token-expiring',
  'token-expired',
  'token-revoked',
  'export-failed',
] as const;
export type TokenEventType = (typeof TOKEN_EVENT_TYPES)[number] | 'resync';

export interface TokenEvent {
  readonly id: string;
  readonly type: TokenEventType;
  readonly data: Readonly<Record<string, unknown>>;
}

interface Seen {
  readonly issuedAt: string | null;
  readonly status: AccountView['status'];
  readonly failedExports: ReadonlySet<string>;
}

function seenOf(view: AccountView): Seen {
  return {
    issuedAt: view.issuedAt,
    status: view.status,
    failedExports: new Set(view.lastExport.filter((e) => !e.ok).map((e) => `${e.path}@${e.at}`)),
  };
}

export interface TokenEventHubOptions {
  readonly now: () => Date;
  readonly bufferSize?: number;
}

export class TokenEventHub {
  readonly boot = randomBytes(4).toString('hex');
  private seq = 0;
  private readonly buffer: TokenEvent[] = [];
  private readonly listeners = new Set<(event: TokenEvent) => void>();
  private readonly seen = new Map<string, Seen>();
  private primed = false;
  private readonly bufferSize: number;

  constructor(private readonly options: TokenEventHubOptions) {
    this.bufferSize = options.bufferSize ?? 512;
  }

  /** Feed every snapshot here (TokenService.subscribe). The first one only sets the baseline. */
  onSnapshot(snapshot: Snapshot): void {
    const ids = new Set<string>();
    for (const view of snapshot.accounts) {
      ids.add(view.id);
      const before = this.seen.get(view.id);
      const now = seenOf(view);
      this.seen.set(view.id, now);
      if (!this.primed || !before) continue;
      this.diff(view, before, now);
    }
    for (const id of [...this.seen.keys()]) if (!ids.has(id)) this.seen.delete(id);
    this.primed = true;
  }

  private diff(view: AccountView, before: Seen, now: Seen): void {
    const account = view.id;
    if (now.issuedAt !== null && now.issuedAt !== before.issuedAt) {
      this.emit('token-renewed', {
        account,
        broker: view.broker,
        expires_at: view.expiresAt,
        issued_at: view.issuedAt,
      });
    }
    if (now.status !== before.status) {
      if (
        (now.status === 'expiring' || now.status === 'critical') &&
        before.status !== 'expiring' &&
        before.status !== 'critical'
      ) {
        const left = view.expiresAt
          ? Math.max(
              0,
              Math.floor((Date.parse(view.expiresAt) - this.options.now().getTime()) / 1000),
            )
          : 0;
        this.emit('token-expiring', {
          account,
          status: now.status,
          expires_at: view.expiresAt,
          seconds_left: left,
        });
      } else if (now.status === 'expired') {
        this.emit('token-expired', { account, expires_at: view.expiresAt });
      } else if (now.status === 'revoked') {
        this.emit('token-revoked', { account, expires_at: view.expiresAt });
      }
    }
    for (const e of view.lastExport) {
      const key = `${e.path}@${e.at}`;
      if (!e.ok && !before.failedExports.has(key)) {
        this.emit('export-failed', { account, path: e.path, message: e.message ?? 'write failed' });
      }
    }
  }

  private emit(type: TokenEventType, data: Record<string, unknown>): void {
    this.seq += 1;
    const event: TokenEvent = { id: `${this.boot}-${this.seq}`, type, data };
    this.buffer.push(event);
    if (this.buffer.length > this.bufferSize) this.buffer.shift();
    for (const listener of this.listeners) listener(event);
  }

  /** What a client that saw `lastEventId` missed (everything buffered when it is unknown). */
  since(lastEventId: string | null | undefined): TokenEvent[] {
    if (!lastEventId) return [];
    const m = /^([0-9a-f]{8})-(\d{1,15})$/.exec(lastEventId.trim());
    if (!m || m[1] !== this.boot) return this.replayAll();
    const seen = Number(m[2]);
    if (seen >= this.seq) return [];
    const first = this.buffer[0];
    const firstSeq = first ? Number(first.id.split('-')[1]) : this.seq + 1;
    if (seen + 1 < firstSeq) return [this.resync(), ...this.buffer];
    return this.buffer.filter((e) => Number(e.id.split('-')[1]) > seen);
  }

  private replayAll(): TokenEvent[] {
    const first = this.buffer[0];
    // Events of this run were dropped from the buffer: the client cannot have all of them.
    if (first && Number(first.id.split('-')[1]) > 1) return [this.resync(), ...this.buffer];
    return [...this.buffer];
  }

  private resync(): TokenEvent {
    return {
      id: `${this.boot}-${this.seq}`,
      type: 'resync',
      data: { reason: 'some events were missed: read /api/token/status again' },
    };
  }

  subscribe(listener: (event: TokenEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }
}
