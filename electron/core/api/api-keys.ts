/**
 * API keys of the loopback API. A key is 32 random bytes (base64url) behind a readable prefix that
 * names its scope (`ttk_status_…`, `ttk_token_…`): shown once when generated, kept only in the OS
 * keychain (a dedicated keychain service, "TokenTray Local API", one item per scope), and compared
 * in constant time: both sides are hashed to 32 bytes first, so timingSafeEqual never sees two
 * lengths and the comparison leaks nothing about the key.
 *
 * Brute force: more than `maxFailures` bad keys within `windowMs` lock the API for `lockMs`; while
 * locked every request is answered 429 without looking at its key, so guessing gains nothing.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SecretStore } from '../ports';
import type { ApiScope } from '../commands/commands';

export const API_KEY_SERVICE = 'TokenTray Local API';

const KEY_PATTERN = /^ttk_(status|token)_[A-Za-z0-9_-]{43}$/;

export function generateApiKey(scope: ApiScope): string {
  return `ttk_${scope}_${randomBytes(32).toString('base64url')}`;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

export interface ApiKeyEntry {
  readonly scope: ApiScope;
  readonly key: string;
}

/** Keys in memory as hashes only; `check` answers the scope of a presented key, or null. */
export class ApiKeyRing {
  private entries: { scope: ApiScope; hash: Buffer }[] = [];

  constructor(keys: readonly ApiKeyEntry[] = []) {
    this.replace(keys);
  }

  replace(keys: readonly ApiKeyEntry[]): void {
    this.entries = keys.map((k) => ({ scope: k.scope, hash: digest(k.key) }));
  }

  check(presented: string): ApiScope | null {
    const hash = digest(presented);
    let found: ApiScope | null = null;
    // Every entry is compared, whatever matched first: the time taken does not depend on the key.
    for (const entry of this.entries) {
      if (timingSafeEqual(hash, entry.hash)) found = entry.scope;
    }
    // Shape check after the comparison, for the same reason.
    return found !== null && KEY_PATTERN.test(presented) ? found : null;
  }
}

export interface FailureLimiterOptions {
  readonly maxFailures?: number;
  readonly windowMs?: number;
  readonly lockMs?: number;
  readonly now?: () => number;
}

/** Counts bad keys; `lockedFor()` > 0 means answer 429 (Retry-After in seconds). */
export class FailureLimiter {
  private failures: number[] = [];
  private lockedUntil = 0;
  private readonly maxFailures: number;
  private readonly windowMs: number;
  private readonly lockMs: number;
  private readonly now: () => number;

  constructor(options: FailureLimiterOptions = {}) {
    this.maxFailures = options.maxFailures ?? 10;
    this.windowMs = options.windowMs ?? 60_000;
    this.lockMs = options.lockMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds left of a lock, 0 when not locked. */
  lockedFor(): number {
    return Math.max(0, this.lockedUntil - this.now());
  }

  fail(): void {
    const now = this.now();
    this.failures = this.failures.filter((t) => now - t < this.windowMs);
    this.failures.push(now);
    if (this.failures.length > this.maxFailures) {
      this.lockedUntil = now + this.lockMs;
      this.failures = [];
    }
  }
}

/**
 * The keys in the keychain: one SecretStore (keytar with service API_KEY_SERVICE) holding the key of
 * each scope under the account name of the scope.
 */
export class ApiKeyVault {
  constructor(private readonly store: SecretStore) {}

  async load(): Promise<ApiKeyEntry[]> {
    const out: ApiKeyEntry[] = [];
    for (const scope of ['status', 'token'] as const) {
      const key = await this.store.get(scope, 'api-secret');
      if (key) out.push({ scope, key });
    }
    return out;
  }

  /** Replaces the key of `scope` (Regenerate) and returns the new one, to be shown once. */
  async regenerate(scope: ApiScope): Promise<string> {
    const key = generateApiKey(scope);
    await this.store.set(scope, 'api-secret', key);
    return key;
  }

  async revoke(scope: ApiScope): Promise<void> {
    await this.store.delete(scope, 'api-secret');
  }

  /** Which scopes have a key (for Settings, which never shows a stored key again). */
  async scopes(): Promise<ApiScope[]> {
    return (await this.load()).map((k) => k.scope);
  }
}
