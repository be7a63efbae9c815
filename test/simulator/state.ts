/**
 * The simulator's memory: registered apps, users, single-use grants, issued tokens and the clock.
 * Lifetimes default to the brokers' documented/observed rules (brokers.md §1 "Access-token expiry",
 * §4 refresh token) and can be replaced per test.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { type BrokerId } from '../../shared/brokers';
import { IST_ZONE, ruleExpiry } from '../../shared/expiry';
import { fakeJwt, randomAlnum } from './tokens';
import type { SimApp, SimUser } from './types';

/** Obviously fake apps, one per broker. Redirect URIs point at ports nothing listens on. */
export const DEFAULT_SIM_APPS: readonly SimApp[] = [
  {
    broker: 'upstox',
    apiKey: 'sim-upstox-client-id',
    apiSecret: 'sim-upstox-secret-not-real',
    redirectUri: 'http://127.0.0.1:5055/upstox/callback',
  },
  {
    broker: 'kite',
    apiKey: 'simkiteapikey',
    apiSecret: 'sim-kite-secret-not-real',
    redirectUri: 'http://127.0.0.1:5055/kite/callback',
  },
  {
    broker: 'fyers',
    apiKey: 'SIMAPP0001-100',
    apiSecret: 'SIMSECRET0',
    redirectUri: 'http://127.0.0.1:5055/fyers/callback',
  },
  {
    broker: 'angelone',
    apiKey: 'simAngelPubKey',
    apiSecret: 'sim-angel-secret-not-real',
    // Angel One takes https, non-localhost redirect URLs only (brokers-more.md §2.1).
    redirectUri: 'https://tokentray.invalid/angelone/callback',
  },
  {
    broker: 'dhan',
    apiKey: 'sim-dhan-app-id',
    apiSecret: 'sim-dhan-secret-not-real',
    redirectUri: 'http://127.0.0.1:5055/dhan/callback',
    clientId: '1100000001',
  },
  {
    broker: 'fivepaisa',
    apiKey: 'simFivePaisaUserKey',
    apiSecret: 'simFivePaisaEncryptionKeyNotReal',
    redirectUri: 'http://127.0.0.1:5055/fivepaisa/callback',
    clientId: 'SIM5PUSER',
  },
  {
    broker: 'shoonya',
    apiKey: 'SIMSHOONYA_U',
    apiSecret: 'sim-shoonya-secret-not-real',
    redirectUri: 'http://127.0.0.1:5055/shoonya/callback',
  },
  {
    broker: 'aliceblue',
    apiKey: 'simAliceAppCode',
    apiSecret: 'sim-aliceblue-secret-not-real',
    redirectUri: 'http://127.0.0.1:5055/aliceblue/callback',
  },
  {
    broker: 'breeze',
    apiKey: 'sim-breeze-app-key',
    apiSecret: 'sim-breeze-secret-not-real',
    redirectUri: 'http://127.0.0.1:5055/breeze/callback',
  },
  {
    broker: 'iifl',
    apiKey: 'sim-iifl-app-key',
    apiSecret: 'sim-iifl-secret-not-real',
    redirectUri: 'http://127.0.0.1:5055/iifl/callback',
  },
];

export const DEFAULT_SIM_USERS: Readonly<Record<BrokerId, SimUser>> = {
  upstox: { userId: 'SIMUP1', userName: 'Simulated Upstox User' },
  kite: { userId: 'SIM001', userName: 'Simulated Kite User' },
  fyers: { userId: 'XS00001', userName: 'Simulated FYERS User', pin: '1234' },
  angelone: { userId: 'S0000001', userName: 'Simulated Angel One User' },
  dhan: { userId: '1100000001', userName: 'Simulated Dhan User' },
  fivepaisa: { userId: '50000001', userName: 'Simulated 5paisa User' },
  shoonya: { userId: 'FA00001', userName: 'Simulated Shoonya User' },
  aliceblue: { userId: 'AB00001', userName: 'Simulated Alice Blue User' },
  breeze: { userId: 'SIMBRZ01', userName: 'Simulated Breeze User' },
  iifl: { userId: 'IIFL00001', userName: 'Simulated IIFL User' },
};

/**
 * Grant lifetimes. Kite: "lives a few minutes" (§3 O[K4]) → 5 min; FYERS auth_code exp ≈ iat +
 * 30,000 s (§4 O[F6]); Upstox: not documented (?) → 10 min, a guess.
 */
export const DEFAULT_GRANT_TTL_MS: Readonly<Record<BrokerId, number>> = {
  upstox: 10 * 60_000,
  kite: 5 * 60_000,
  fyers: 30_000_000,
  // Angel One has no grant: the redirect carries the token itself. Unused.
  angelone: 0,
  // Guesses, none documented except 5paisa's RequestToken (60 min, §2.3 [Doc]).
  dhan: 10 * 60_000,
  fivepaisa: 60 * 60_000,
  shoonya: 10 * 60_000,
  aliceblue: 10 * 60_000,
  // Breeze has no grant: the redirect carries the session itself. Unused.
  breeze: 0,
  iifl: 10 * 60_000,
};

export interface SimLifetimes {
  /** When an access token issued at `issuedAt` dies; default: the broker's daily IST cutoff. */
  readonly accessTokenExpiry?: Partial<Record<BrokerId, (issuedAt: Date) => Date>>;
  /** FYERS refresh token; default 06:00 IST on the issue date + 15 days (§4 O[F6]). */
  readonly refreshTokenExpiry?: (issuedAt: Date) => Date;
  readonly grantTtlMs?: Partial<Record<BrokerId, number>>;
}

export interface GrantRecord {
  readonly broker: BrokerId;
  readonly apiKey: string;
  readonly redirectUri: string;
  readonly userId: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  used: boolean;
}

export interface TokenRecord {
  readonly broker: BrokerId;
  readonly kind: 'access' | 'refresh';
  readonly apiKey: string;
  readonly userId: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
  revoked: boolean;
}

export type TokenStatus = 'valid' | 'expired' | 'revoked' | 'unknown';

export function defaultRefreshTokenExpiry(issuedAt: Date): Date {
  return DateTime.fromJSDate(issuedAt, { zone: IST_ZONE })
    .startOf('day')
    .plus({ days: 15 })
    .set({ hour: 6 })
    .toJSDate();
}

export class SimState {
  private readonly apps = new Map<string, SimApp>();
  private readonly grants = new Map<string, GrantRecord>();
  private readonly tokens = new Map<string, TokenRecord>();

  constructor(
    apps: readonly SimApp[],
    readonly users: Readonly<Record<BrokerId, SimUser>>,
    private readonly lifetimes: SimLifetimes,
    readonly now: () => Date,
  ) {
    for (const app of apps) this.registerApp(app);
  }

  registerApp(app: SimApp): void {
    this.apps.set(`${app.broker}:${app.apiKey}`, app);
  }

  app(broker: BrokerId, apiKey: string | undefined): SimApp | undefined {
    return apiKey === undefined ? undefined : this.apps.get(`${broker}:${apiKey}`);
  }

  /** The first app registered for a broker. */
  defaultApp(broker: BrokerId): SimApp {
    for (const app of this.apps.values()) if (app.broker === broker) return app;
    throw new Error(`the simulator has no ${broker} app registered`);
  }

  accessTokenExpiry(broker: BrokerId, issuedAt: Date): Date {
    const custom = this.lifetimes.accessTokenExpiry?.[broker];
    return custom ? custom(issuedAt) : ruleExpiry(broker, issuedAt);
  }

  refreshTokenExpiry(issuedAt: Date): Date {
    return (this.lifetimes.refreshTokenExpiry ?? defaultRefreshTokenExpiry)(issuedAt);
  }

  grantExpiry(broker: BrokerId, issuedAt: Date): Date {
    const ttl = this.lifetimes.grantTtlMs?.[broker] ?? DEFAULT_GRANT_TTL_MS[broker];
    return new Date(issuedAt.getTime() + ttl);
  }

  /**
   * Issues a fresh single-use grant for `app`, as a successful login would, in the broker's shape:
   * Upstox `code` (short alphanumeric), Kite `request_token` (32 alphanumerics), FYERS `auth_code`
   * (a JWT with sub "auth_code", brokers.md §4 O[F6]).
   */
  newGrant(app: SimApp): string {
    const now = this.now();
    const expiresAt = this.grantExpiry(app.broker, now);
    let code: string;
    do {
      code =
        app.broker === 'fyers'
          ? fakeJwt({ sub: 'auth_code', app_id: app.apiKey }, now, expiresAt)
          : app.broker === 'fivepaisa'
            ? // RequestToken: a JWT naming the client code and User Key (§2.3 doc sample).
              fakeJwt(
                { unique_name: this.users.fivepaisa.userId, role: app.apiKey },
                now,
                expiresAt,
              )
            : randomAlnum(app.broker === 'kite' ? 32 : 6);
      // Shoonya's OAuth code is a UUID in public reports (brokers-more.md §2.4 [Code]).
      if (app.broker === 'shoonya') code = randomUUID();
    } while (this.grants.has(code));
    this.grants.set(code, {
      broker: app.broker,
      apiKey: app.apiKey,
      redirectUri: app.redirectUri,
      userId: this.users[app.broker].userId,
      issuedAt: now,
      expiresAt,
      used: false,
    });
    return code;
  }

  /** What a grant is now, without using it up (fresh, used, expired, or unknown to this broker). */
  grantStatus(
    broker: BrokerId,
    code: string | undefined,
  ): 'fresh' | 'used' | 'expired' | 'unknown' {
    const record = code === undefined ? undefined : this.grants.get(code);
    if (!record || record.broker !== broker) return 'unknown';
    if (record.used) return 'used';
    return this.now().getTime() < record.expiresAt.getTime() ? 'fresh' : 'expired';
  }

  /** Whether a grant has been presented to the token endpoint (tests: "was it burnt?"). */
  grantUsed(code: string): boolean | undefined {
    return this.grants.get(code)?.used;
  }

  /**
   * Uses a grant up: it is single-use even when the exchange then fails (brokers.md §2 [U2]).
   * Returns the record only if it was fresh (known, unused, unexpired) before this call.
   */
  takeGrant(broker: BrokerId, code: string | undefined): GrantRecord | undefined {
    if (code === undefined) return undefined;
    const record = this.grants.get(code);
    if (!record || record.broker !== broker) return undefined;
    const wasFresh = !record.used && this.now().getTime() < record.expiresAt.getTime();
    record.used = true;
    return wasFresh ? record : undefined;
  }

  addToken(token: string, record: Omit<TokenRecord, 'revoked'>): void {
    this.tokens.set(token, { ...record, revoked: false });
  }

  token(token: string): TokenRecord | undefined {
    return this.tokens.get(token);
  }

  tokenStatus(broker: BrokerId, token: string | undefined, kind: TokenRecord['kind']): TokenStatus {
    const record = token === undefined ? undefined : this.tokens.get(token);
    if (!record || record.broker !== broker || record.kind !== kind) return 'unknown';
    if (record.revoked) return 'revoked';
    return this.now().getTime() < record.expiresAt.getTime() ? 'valid' : 'expired';
  }

  revoke(token: string): boolean {
    const record = this.tokens.get(token);
    if (!record) return false;
    record.revoked = true;
    return true;
  }

  /** Revokes matching tokens (all of a broker, or of one app). */
  revokeWhere(match: (record: TokenRecord) => boolean): number {
    let n = 0;
    for (const record of this.tokens.values()) {
      if (!record.revoked && match(record)) {
        record.revoked = true;
        n += 1;
      }
    }
    return n;
  }
}
