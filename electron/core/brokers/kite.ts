/**
 * Zerodha Kite Connect v3 (brokers.md §1, §3): login with api_key only — no `state`, so ours travels
 * in `redirect_params`, which Kite appends to the redirect (D[K1]); exchange with a SHA-256 checksum;
 * `token api_key:access_token` auth; logout by DELETE /session/token. Tokens are opaque strings.
 */
import { z } from 'zod';
import { DateTime } from 'luxon';
import { IST_ZONE, PLAUSIBLE_CLOCK_SKEW_MS, accessTokenExpiry } from '../../../shared/expiry';
import { TokenTrayError } from '../errors';
import { parseBody, scrubText, unexpectedBrokerError, type Operation } from './broker-errors';
import {
  brokerCode,
  brokerMessage,
  isReadable,
  profileName,
  profileUserId,
  type RequestSecrets,
} from './broker-text';
import type { AdapterContext } from './call';
import { sha256Hex } from './sha256';
import type { HttpResponse } from './http';
import {
  checkOutgoingState,
  isRedirectTo,
  loginCancelled,
  loginFailed,
  parseGrantRedirect,
} from './redirect';
import type { BrokerAdapter, Profile, TokenSet } from './types';

/** Every Kite v3 call carries this header (brokers.md §1 [K1][KP]). */
const KITE_VERSION = { 'X-Kite-Version': '3' } as const;

/** brokers.md §1 [K1][KP]: hex SHA-256(api_key + request_token + api_secret). */
export function kiteChecksum(apiKey: string, requestToken: string, apiSecret: string): string {
  return sha256Hex(apiKey + requestToken + apiSecret);
}

/** Profile fields are display data of any type, made safe (or dropped) by broker-text.ts. */
const sessionResponseSchema = z.object({
  status: z.literal('success'),
  data: z.object({
    access_token: z.string().min(1),
    user_id: z.unknown().optional(),
    user_name: z.unknown().optional(),
    /** "2026-12-08 06:00:01", IST, the broker's clock (brokers.md §3 [K1]). */
    login_time: z.unknown().optional(),
  }),
});

/**
 * Kite's token is opaque (no JWT `iat`), but the session answer carries `login_time` in IST on the
 * broker's clock. Used as the issue instant when it is within PLAUSIBLE_CLOCK_SKEW_MS of ours: a
 * machine 2 s behind Zerodha that logs in at 06:00:01 their time must not get today's 06:00 as
 * expiry (issue 9 item 15). Anything else (missing, malformed, far off) keeps our own instant.
 */
export function kiteIssuedAt(localIssuedAt: Date, loginTime: unknown): Date {
  if (typeof loginTime !== 'string' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(loginTime)) {
    return localIssuedAt;
  }
  const t = DateTime.fromFormat(loginTime, 'yyyy-MM-dd HH:mm:ss', { zone: IST_ZONE });
  if (!t.isValid) return localIssuedAt;
  const broker = t.toJSDate();
  return Math.abs(broker.getTime() - localIssuedAt.getTime()) <= PLAUSIBLE_CLOCK_SKEW_MS
    ? broker
    : localIssuedAt;
}

const profileResponseSchema = z.object({
  status: z.literal('success'),
  // user_id must be there (a success without it is not a profile); its value is made safe later.
  data: z.object({ user_id: z.string().min(1), user_name: z.unknown().optional() }),
});

const logoutResponseSchema = z.object({ status: z.literal('success') });

/**
 * `{"status":"error","message":…,"error_type":…}` (brokers.md §3 [K5]). Raw, any type: made safe by
 * broker-text.ts (a null message must not hide the error_type beside it).
 */
const errorBodySchema = z.object({
  error_type: z.unknown().optional(),
  message: z.unknown().optional(),
});

/** The raw error_type of an error body (call.ts makes it safe before use). */
export function kiteBrokerCode(json: unknown): unknown {
  const parsed = errorBodySchema.safeParse(json);
  return parsed.success ? parsed.data.error_type : undefined;
}

/**
 * Guess: brokers.md documents only `status=success` on the redirect (§1 [K2][K3]). A value meaning
 * the user backed out is treated as a cancel; any other non-success status as a failed login.
 */
const CANCEL_STATUSES = new Set(['cancelled', 'canceled', 'cancel']);

export function createKiteAdapter(ctx: AdapterContext): BrokerAdapter {
  const { label } = ctx;

  function classify(res: HttpResponse, op: Operation, secrets: RequestSecrets): TokenTrayError {
    const parsed = errorBodySchema.safeParse(res.json);
    const typeSaid = brokerCode(parsed.success ? parsed.data.error_type : undefined, secrets);
    // Only a readable error_type is branched on or kept; an unreadable one is only said.
    const type = isReadable(typeSaid) ? typeSaid : undefined;
    // Safe to show; also what the checks below read, so nothing is matched in text never shown.
    const said = brokerMessage(parsed.success ? parsed.data.message : undefined, secrets);
    const message = isReadable(said) ? said : '';
    const details = { status: res.status, ...(type !== undefined ? { brokerCode: type } : {}) };
    // Bad checksum → 403 TokenException "Invalid `checksum`" (brokers.md §3 [K6]).
    if (/checksum/i.test(message)) {
      return new TokenTrayError(
        'bad-credentials',
        `${label} rejected the checksum, which means the API secret is wrong. Copy the API secret again from developers.kite.trade into the account settings, then log in.`,
        details,
      );
    }
    const apiKeyRejected = () =>
      new TokenTrayError(
        'bad-credentials',
        `${label} rejected the API key. Copy it again from developers.kite.trade into the account settings.`,
        details,
      );
    if (type === 'TokenException' || (type === undefined && res.status === 403)) {
      if (op === 'exchange') {
        if (/api_key/i.test(message)) return apiKeyRejected();
        // Stale or reused request_token → 403 "Token is invalid or has expired." ([K7]); it lives
        // a few minutes and works once ([K4]).
        return new TokenTrayError(
          'login-failed',
          `${label} refused the request token (it works once and only for a few minutes). Log in again.`,
          details,
        );
      }
      // TokenException = logout, natural expiry (06:00 IST), or a login elsewhere (brokers.md §3
      // [K5][K9]); its message names "api_key or access_token" whichever is wrong. The token is
      // opaque, so which cause it was cannot be told: reported as revoked, and TokenService decides
      // by its own clock.
      return new TokenTrayError(
        'revoked',
        `${label} no longer accepts this access token (it expired at 06:00 IST, was logged out, or a newer login replaced it). Click Log in to get a new one.`,
        details,
      );
    }
    if (type === 'InputException' && /api_key/i.test(message)) return apiKeyRejected();
    if (type === 'PermissionException') {
      return new TokenTrayError(
        'bad-credentials',
        `${label} says this app may not do that (PermissionException). Check the app's subscription on developers.kite.trade.`,
        details,
      );
    }
    return unexpectedBrokerError(label, op, {
      status: res.status,
      brokerCode: typeSaid,
      brokerMessage: said,
    });
  }

  const tokenAuth = (apiKey: string, accessToken: string) => ({
    ...KITE_VERSION,
    Authorization: `token ${apiKey}:${accessToken}`,
  });

  return {
    broker: 'kite',

    authorizeUrl({ apiKey, redirectUri: _redirectUri, state }) {
      checkOutgoingState(state, label);
      // brokers.md §1 [K1]: v=3, api_key; redirect_params is a URL-encoded query string that Kite
      // sends back on the redirect. The redirect URL itself is fixed in the Kite app settings.
      const url = ctx.loginUrl('/connect/login');
      url.search = new URLSearchParams({
        v: '3',
        api_key: apiKey,
        redirect_params: new URLSearchParams({ state }).toString(),
      }).toString();
      return url.toString();
    },

    isRedirect: isRedirectTo,

    parseRedirect(url, expected) {
      return parseGrantRedirect({
        url,
        expected,
        label,
        grantName: 'request_token',
        registerSecrets: (...values) => ctx.registerSecrets(...values),
        checkStatus: (params, hide) => {
          const status = params.get('status');
          if (status === 'success') return;
          if (status !== undefined && CANCEL_STATUSES.has(status)) throw loginCancelled(label);
          throw loginFailed(
            label,
            status === undefined
              ? 'the return address carried no status'
              : `${label} reported status "${scrubText(status, hide) ?? '?'}"`,
          );
        },
      });
    },

    async exchange(credentials, grant) {
      const checksum = kiteChecksum(credentials.apiKey, grant.code, credentials.apiSecret);
      ctx.registerSecrets(credentials.apiSecret, grant.code, checksum);
      const issuedAt = ctx.now(); // before sending: see upstox.ts
      const secrets = [credentials.apiSecret, grant.code, checksum];
      return ctx.call<TokenSet>({
        op: 'exchange',
        singleUseGrant: true,
        secrets,
        request: {
          method: 'POST',
          url: ctx.apiUrl('/session/token'),
          headers: { ...KITE_VERSION, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            api_key: credentials.apiKey,
            request_token: grant.code,
            checksum,
          }).toString(),
        },
        interpret: (res) => {
          if (res.status !== 200) throw classify(res, 'exchange', secrets);
          const s = parseBody(sessionResponseSchema, res, label, 'exchange');
          ctx.registerSecrets(s.data.access_token);
          const all = [...secrets, s.data.access_token];
          // refresh_token/enctoken are ignored: refresh is for approved platforms only (§3 [K1]).
          const issued = kiteIssuedAt(issuedAt, s.data.login_time);
          return {
            accessToken: s.data.access_token,
            issuedAt: issued,
            expiresAt: accessTokenExpiry('kite', issued, s.data.access_token),
            userId: profileUserId(s.data.user_id, all),
            userName: profileName(s.data.user_name, all),
          };
        },
      });
    },

    async validate(apiKey, accessToken) {
      ctx.registerSecrets(accessToken);
      const secrets = [accessToken];
      return ctx.call<Profile>({
        op: 'validate',
        secrets,
        request: {
          method: 'GET',
          url: ctx.apiUrl('/user/profile'),
          headers: tokenAuth(apiKey, accessToken),
        },
        interpret: (res) => {
          if (res.status !== 200) throw classify(res, 'validate', secrets);
          const p = parseBody(profileResponseSchema, res, label, 'validate');
          return {
            userId: profileUserId(p.data.user_id, secrets),
            userName: profileName(p.data.user_name, secrets),
          };
        },
      });
    },

    async logout(apiKey, accessToken) {
      ctx.registerSecrets(accessToken);
      // brokers.md §1 [K1][KP]: api_key and access_token as query parameters. The URL therefore
      // carries the token; call.ts logs the path only. Like Zerodha's official clients (npm and
      // Python kiteconnect send it on every call once a session exists), the request also carries
      // `Authorization: token api_key:access_token` beside X-Kite-Version (issue 9 item 17).
      const url = ctx.apiUrl('/session/token');
      url.search = new URLSearchParams({ api_key: apiKey, access_token: accessToken }).toString();
      await ctx.call<void>({
        op: 'logout',
        secrets: [accessToken],
        request: { method: 'DELETE', url, headers: tokenAuth(apiKey, accessToken) },
        interpret: (res) => {
          if (res.status !== 200) {
            const err = classify(res, 'logout', [accessToken]);
            // A token Kite no longer honours is as logged out as it gets.
            if (err.kind === 'revoked' || err.kind === 'expired') return;
            throw err;
          }
          parseBody(logoutResponseSchema, res, label, 'logout');
        },
      });
    },
  };
}
