/**
 * FYERS API v3 (brokers.md §1, §4): code grant with `state`, where the redirect's `code=200` is a
 * status and the grant is `auth_code`; JSON exchange with appIdHash; `app_id:access_token` auth;
 * renewal with the 15-day refresh token plus the user's PIN; POST logout. Errors come as
 * `{"s":"error","code":<negative>,"message":…}`, sometimes with HTTP 200, so the body decides.
 */
import { z } from 'zod';
import { accessTokenExpiry, refreshTokenExpiry } from '../../../shared/expiry';
import { TokenTrayError } from '../errors';
import {
  parseBody,
  rateLimitedError,
  rejectedTokenKind,
  retryAfterMs,
  scrubText,
  unexpectedBrokerError,
  type Operation,
} from './broker-errors';
import {
  brokerCode as safeCode,
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

/** brokers.md §1 [F1][F3]: hex SHA-256("app_id:app_secret"), app_id as shown (e.g. XB12345-100). */
export function fyersAppIdHash(appId: string, appSecret: string): string {
  return sha256Hex(`${appId}:${appSecret}`);
}

/** Sent by the official SDK beside the Authorization header (brokers.md §1 [F3]). */
const VERSION_HEADER = { version: '3' } as const;

/** -8 expired, -15 invalid, -16 cannot authenticate, -17 invalid or expired (brokers.md §1 [F1]). */
const TOKEN_CODES = new Set([-8, -15, -16, -17]);

/**
 * Repeated rate-limit excess blocks the user for the day (brokers.md §4), so a 429 is retried only
 * when FYERS says how long to wait (see index.ts: retryRateLimitWithoutHint = false).
 */
export const FYERS_RATE_LIMIT_ADVICE =
  'Do not retry in a loop: FYERS blocks the account for the rest of the day after repeated excess.';

const okBase = { s: z.literal('ok'), code: z.literal(200).optional() };

const exchangeResponseSchema = z.object({
  ...okBase,
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
});

/** The doc sample has no new refresh_token (brokers.md §4): the old one stays in use. */
const refreshResponseSchema = z.object({ ...okBase, access_token: z.string().min(1) });

/** Profile fields are display data of any type, made safe (or dropped) by broker-text.ts. */
const profileResponseSchema = z.object({
  ...okBase,
  // fy_id must be there (a success without it is not a profile); its value is made safe later.
  data: z.object({
    fy_id: z.string().min(1),
    name: z.unknown().optional(),
    display_name: z.unknown().optional(),
  }),
});

const logoutResponseSchema = z.object(okBase);

/**
 * Field by field: a null message must not hide the `s` and `code` beside it. `code` and `message`
 * are raw (any type) and made safe by broker-text.ts.
 */
const errorBodySchema = z.object({
  s: z.string().optional().catch(undefined),
  code: z.unknown().optional(),
  message: z.unknown().optional(),
});

/** The raw code of an error body (call.ts makes it safe before use). */
export function fyersBrokerCode(json: unknown): unknown {
  const parsed = errorBodySchema.safeParse(json);
  return parsed.success ? parsed.data.code : undefined;
}

/**
 * An error is any non-200, or a body saying `s: "error"` — FYERS may send that with HTTP 200. Any
 * other 200 is read as success, so a malformed one is reported as such (bad-response) by zod.
 */
function isError(res: HttpResponse): boolean {
  const parsed = errorBodySchema.safeParse(res.json);
  return res.status !== 200 || (parsed.success && parsed.data.s === 'error');
}

export function createFyersAdapter(ctx: AdapterContext): BrokerAdapter {
  const { label } = ctx;

  function classify(
    res: HttpResponse,
    op: Operation,
    secrets: RequestSecrets,
    token?: string,
  ): TokenTrayError {
    const parsed = errorBodySchema.safeParse(res.json);
    // Safe to show: a readable code ("-16"), UNREADABLE_BROKER_TEXT, or undefined.
    const codeSaid = safeCode(parsed.success ? parsed.data.code : undefined, secrets);
    const brokerCode = isReadable(codeSaid) ? codeSaid : undefined;
    // FYERS codes are whole numbers; only a readable one is branched on or kept.
    const code =
      brokerCode !== undefined && /^-?\d+$/.test(brokerCode) ? Number(brokerCode) : undefined;
    const said = brokerMessage(parsed.success ? parsed.data.message : undefined, secrets);
    const message = isReadable(said) ? said : '';
    const details = { status: res.status, ...(brokerCode !== undefined ? { brokerCode } : {}) };
    if (code === -429) {
      const wait = retryAfterMs(res.headers, ctx.now());
      return rateLimitedError(label, {
        status: res.status,
        brokerCode: '-429',
        ...(wait !== undefined ? { retryAfterMs: wait } : {}),
        advice: FYERS_RATE_LIMIT_ADVICE,
      });
    }
    // -371 "Please provide sha256 hash of appId and app secret" (brokers.md §4 [F4]).
    if (code === -371) {
      return new TokenTrayError(
        'bad-credentials',
        `${label} rejected the App ID / Secret ID pair (-371). Copy both again from the FYERS API dashboard into the account settings.`,
        details,
      );
    }
    // Guess: brokers.md does not document the wrong-PIN answer; a message naming the PIN is taken
    // to mean it.
    if (op === 'refresh' && /\bpin\b/i.test(message)) {
      return new TokenTrayError(
        'bad-credentials',
        `${label} did not accept the PIN. Enter your 4-digit FYERS PIN again (and update it in the account settings if it is remembered).`,
        details,
      );
    }
    const tokenRejected =
      (code !== undefined && TOKEN_CODES.has(code)) || (code === undefined && res.status === 401);
    if (tokenRejected) {
      if (op === 'exchange') {
        return new TokenTrayError(
          'login-failed',
          `${label} refused the auth code (invalid, expired or already used — each works once). Log in again.`,
          details,
        );
      }
      if (op === 'refresh') {
        const expired = code === -8 || rejectedTokenKind(token ?? '', ctx.now()) === 'expired';
        return new TokenTrayError(
          expired ? 'expired' : 'revoked',
          `${label} no longer accepts the refresh token (it lasts 15 days and ends early if you log out). Click Log in to start a new one.`,
          details,
        );
      }
      return code === -8 ||
        (token !== undefined && rejectedTokenKind(token, ctx.now()) === 'expired')
        ? new TokenTrayError(
            'expired',
            `${label} says the access token has expired (they die at 06:00 IST). Refresh it, or click Log in.`,
            details,
          )
        : new TokenTrayError(
            'revoked',
            `${label} rejected the access token before its expiry (logged out, or replaced). Refresh it, or click Log in.`,
            details,
          );
    }
    return unexpectedBrokerError(label, op, {
      status: res.status,
      brokerCode: codeSaid,
      brokerMessage: said,
    });
  }

  const tokenAuth = (appId: string, accessToken: string) => ({
    ...VERSION_HEADER,
    Authorization: `${appId}:${accessToken}`,
  });

  const jsonPost = (path: string, body: Record<string, string>) => ({
    method: 'POST' as const,
    url: ctx.apiUrl(path),
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });

  return {
    broker: 'fyers',

    authorizeUrl({ apiKey, redirectUri, state }) {
      checkOutgoingState(state, label);
      // brokers.md §1 [F1][F2]: client_id, redirect_uri, response_type=code, state.
      const url = ctx.loginUrl('/api/v3/generate-authcode');
      url.search = new URLSearchParams({
        client_id: apiKey,
        redirect_uri: redirectUri,
        response_type: 'code',
        state,
      }).toString();
      return url.toString();
    },

    isRedirect: isRedirectTo,

    parseRedirect(url, expected) {
      return parseGrantRedirect({
        url,
        expected,
        label,
        grantName: 'auth_code',
        registerSecrets: (...values) => ctx.registerSecrets(...values),
        checkStatus: (params, hide) => {
          const s = params.get('s');
          if (s !== 'ok') {
            // Guess: brokers.md documents only the success form (s=ok, code=200, §1 [F1][F5]). Any
            // other `s` is a failure; a message that speaks of cancelling is the user backing out.
            const message = scrubText(params.get('message'), hide);
            if (message !== undefined && /cancel|denied|declined/i.test(message)) {
              throw loginCancelled(label, message);
            }
            const code = scrubText(params.get('code'), hide);
            throw loginFailed(
              label,
              s === undefined
                ? 'the return address carried no status (s)'
                : `${label} said "${[code, message].filter(Boolean).join(': ') || (scrubText(s, hide) ?? '?')}"`,
            );
          }
          // `code=200` is a status, not the grant (brokers.md §1 [F1][F5]).
          const code = params.get('code');
          if (code !== '200') {
            throw loginFailed(
              label,
              code === undefined
                ? 'the return address carried no status code'
                : `${label} reported status code "${scrubText(code, hide) ?? '?'}"`,
            );
          }
        },
      });
    },

    async exchange(credentials, grant) {
      const appIdHash = fyersAppIdHash(credentials.apiKey, credentials.apiSecret);
      ctx.registerSecrets(credentials.apiSecret, grant.code, appIdHash);
      const issuedAt = ctx.now(); // before sending: see upstox.ts
      const secrets = [credentials.apiSecret, grant.code, appIdHash];
      return ctx.call<TokenSet>({
        op: 'exchange',
        singleUseGrant: true,
        secrets,
        // brokers.md §1 [F1][F3]: {grant_type, appIdHash, code}.
        request: jsonPost('/api/v3/validate-authcode', {
          grant_type: 'authorization_code',
          appIdHash,
          code: grant.code,
        }),
        interpret: (res) => {
          if (isError(res)) throw classify(res, 'exchange', secrets);
          const t = parseBody(exchangeResponseSchema, res, label, 'exchange');
          ctx.registerSecrets(t.access_token, t.refresh_token);
          return {
            accessToken: t.access_token,
            issuedAt,
            expiresAt: accessTokenExpiry('fyers', issuedAt, t.access_token),
            refreshToken: t.refresh_token,
            refreshExpiresAt:
              t.refresh_token !== undefined
                ? refreshTokenExpiry('fyers', issuedAt, t.refresh_token)
                : undefined,
          };
        },
      });
    },

    async refresh(credentials, refreshToken, pin) {
      const appIdHash = fyersAppIdHash(credentials.apiKey, credentials.apiSecret);
      ctx.registerSecrets(credentials.apiSecret, refreshToken, pin, appIdHash);
      const issuedAt = ctx.now();
      const secrets = [credentials.apiSecret, refreshToken, pin, appIdHash];
      return ctx.call<TokenSet>({
        op: 'refresh',
        secrets,
        // brokers.md §4 [F1]: {grant_type: "refresh_token", appIdHash, refresh_token, pin}. The refresh
        // token is reusable for 15 days, so this request may be retried.
        request: jsonPost('/api/v3/validate-refresh-token', {
          grant_type: 'refresh_token',
          appIdHash,
          refresh_token: refreshToken,
          pin,
        }),
        interpret: (res) => {
          if (isError(res)) throw classify(res, 'refresh', secrets, refreshToken);
          const t = parseBody(refreshResponseSchema, res, label, 'refresh');
          ctx.registerSecrets(t.access_token);
          return {
            accessToken: t.access_token,
            issuedAt,
            expiresAt: accessTokenExpiry('fyers', issuedAt, t.access_token),
            // No new refresh token in the answer: the caller keeps the old one and its expiry.
            refreshToken: undefined,
            refreshExpiresAt: undefined,
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
          url: ctx.apiUrl('/api/v3/profile'),
          headers: { ...tokenAuth(apiKey, accessToken), Accept: 'application/json' },
        },
        interpret: (res) => {
          if (isError(res)) throw classify(res, 'validate', secrets, accessToken);
          const p = parseBody(profileResponseSchema, res, label, 'validate');
          return {
            userId: profileUserId(p.data.fy_id, secrets),
            userName:
              profileName(p.data.name, secrets) ?? profileName(p.data.display_name, secrets),
          };
        },
      });
    },

    async logout(apiKey, accessToken) {
      ctx.registerSecrets(accessToken);
      await ctx.call<void>({
        op: 'logout',
        secrets: [accessToken],
        // Revokes this app's token only; web/mobile sessions stay (brokers.md §4 [F1]).
        request: {
          method: 'POST',
          url: ctx.apiUrl('/api/v3/logout'),
          headers: { ...tokenAuth(apiKey, accessToken), Accept: 'application/json' },
        },
        interpret: (res) => {
          if (isError(res)) {
            const err = classify(res, 'logout', [accessToken], accessToken);
            // A token FYERS no longer honours is as logged out as it gets.
            if (err.kind === 'expired' || err.kind === 'revoked') return;
            throw err;
          }
          parseBody(logoutResponseSchema, res, label, 'logout');
        },
      });
    },
  };
}
