/**
 * Upstox API v2 (brokers.md §1, §2): OAuth-style code grant with `state`, form-encoded exchange,
 * Bearer auth, no refresh token (renewal is a new login), DELETE /v2/logout.
 */
import { z } from 'zod';
import { accessTokenExpiry } from '../../../shared/expiry';
import { TokenTrayError } from '../errors';
import {
  parseBody,
  rateLimitedError,
  rejectedTokenKind,
  scrubText,
  unexpectedBrokerError,
  type Operation,
} from './broker-errors';
import {
  brokerCode,
  brokerMessage,
  isReadable,
  profileName,
  profileUserId,
  type RequestSecrets,
} from './broker-text';
import type { AdapterContext } from './call';
import type { HttpResponse } from './http';
import { checkOutgoingState, isRedirectTo, loginCancelled, loginFailed } from './redirect';
import { parseGrantRedirect } from './redirect';
import type { BrokerAdapter, Profile, TokenSet } from './types';

/**
 * The request-structure page omits Api-Version, the official SDK sends `Api-Version: 2.0` on v2
 * login/logout calls (brokers.md §2 [U4][U13]); sending it everywhere on v2 is the SDK's behaviour.
 */
const API_VERSION = '2.0';

/**
 * Profile fields are display data: any type is accepted here and made safe (or dropped) by
 * broker-text.ts — an odd user_name must never fail an exchange that already burnt the code.
 */
const tokenFields = z.object({
  access_token: z.string().min(1),
  user_id: z.unknown().optional(),
  user_name: z.unknown().optional(),
});

/**
 * The doc sample is a flat object (brokers.md §2 "no status/data wrapper in the doc sample"); every
 * other Upstox v2 answer is wrapped in {status, data}. Unwrap a wrapper if there is one, so a
 * doc/reality mismatch in the wrapper alone does not break logins; the fields are checked either way
 * (and a missing one is named by its own path).
 */
const tokenResponseSchema = z.preprocess((v) => {
  if (typeof v !== 'object' || v === null) return v;
  const { status, data } = v as Record<string, unknown>;
  // A flat answer may carry `status: "success"` too: unwrap only a real {status, data: {…}} wrapper.
  return status === 'success' && typeof data === 'object' && data !== null ? data : v;
}, tokenFields);

const profileResponseSchema = z.object({
  status: z.literal('success'),
  // user_id must be there (a success without it is not a profile); its value is made safe later.
  data: z.object({ user_id: z.string().min(1), user_name: z.unknown().optional() }),
});

const logoutResponseSchema = z.object({ status: z.literal('success') });

/**
 * `{"status":"error","errors":[{errorCode|error_code, message, propertyPath|property_path, …}]}`
 * (brokers.md §2). Every field is taken raw (any type) and made safe by broker-text.ts.
 */
const errorBodySchema = z.object({
  errors: z.array(z.record(z.string(), z.unknown()).catch({})).min(1),
});

interface UpstoxSaid {
  /** Safe to show: a readable code, UNREADABLE_BROKER_TEXT, or undefined (none). */
  readonly code?: string;
  readonly message?: string;
  /** The raw property path, compared only (never shown). */
  readonly propertyPath?: unknown;
}

function firstError(json: unknown): Record<string, unknown> | undefined {
  const parsed = errorBodySchema.safeParse(json);
  return parsed.success ? parsed.data.errors[0] : undefined;
}

function brokerError(json: unknown, secrets: RequestSecrets): UpstoxSaid {
  const first = firstError(json);
  if (!first) return {};
  const code = brokerCode(first['errorCode'] ?? first['error_code'], secrets);
  const message = brokerMessage(first['message'], secrets);
  return {
    ...(code !== undefined ? { code } : {}),
    ...(message !== undefined ? { message } : {}),
    propertyPath: first['propertyPath'] ?? first['property_path'],
  };
}

/** The raw code of an error body (call.ts makes it safe before use). */
export function upstoxBrokerCode(json: unknown): unknown {
  const first = firstError(json);
  return first?.['errorCode'] ?? first?.['error_code'];
}

export function createUpstoxAdapter(ctx: AdapterContext): BrokerAdapter {
  const { label } = ctx;

  /** Upstox error codes, brokers.md §2 [U3]. Never echoes `invalidValue` (it can be the code). */
  function classify(
    res: HttpResponse,
    op: Operation,
    secrets: RequestSecrets,
    token?: string,
  ): TokenTrayError {
    const said = brokerError(res.json, secrets);
    const { message } = said;
    // Only a readable code is branched on or kept; an unreadable one is only said.
    const code = isReadable(said.code) ? said.code : undefined;
    const details = { status: res.status, ...(code !== undefined ? { brokerCode: code } : {}) };
    switch (code) {
      case 'UDAPI10005':
        return rateLimitedError(label, { status: res.status, brokerCode: code });
      case 'UDAPI100016':
        // Issue 9 item 16: Upstox answers a used or expired code with 401 UDAPI100016 "Invalid
        // Credentials" whose property path is "code" — the key and secret are fine.
        if (op === 'exchange' && said.propertyPath === 'code') {
          return new TokenTrayError(
            'login-failed',
            `${label} refused the login (UDAPI100016 on "code"): that login code was already used or has expired: click Log in again.`,
            details,
          );
        }
        return new TokenTrayError(
          'bad-credentials',
          `${label} rejected the API key or secret (UDAPI100016). Copy both again from the Upstox developer apps page into the account settings, then log in.`,
          details,
        );
      case 'UDAPI100068':
        return new TokenTrayError(
          'bad-credentials',
          `${label} rejected the API key or redirect URI (UDAPI100068). The redirect URI in TokenTray must match the app's registered one exactly.`,
          details,
        );
      case 'UDAPI100073':
        return new TokenTrayError(
          'bad-credentials',
          `The ${label} app is inactive (UDAPI100073). Reactivate it on the Upstox developer apps page, then log in.`,
          details,
        );
      case 'UDAPI100057':
        return new TokenTrayError(
          'login-failed',
          `${label} refused the login code (UDAPI100057: invalid, expired or already used — each code works once). Log in again.`,
          details,
        );
    }
    const tokenRejected = code === 'UDAPI100050' || (code === undefined && res.status === 401);
    if (tokenRejected && token !== undefined && (op === 'validate' || op === 'logout')) {
      return rejectedToken(token, details);
    }
    return unexpectedBrokerError(label, op, {
      status: res.status,
      brokerCode: said.code,
      brokerMessage: message,
    });
  }

  function rejectedToken(
    token: string,
    details: { status: number; brokerCode?: string },
  ): TokenTrayError {
    return rejectedTokenKind(token, ctx.now()) === 'expired'
      ? new TokenTrayError(
          'expired',
          `${label} says the access token has expired (they die at 03:30 IST). Click Log in to get a new one.`,
          details,
        )
      : new TokenTrayError(
          'revoked',
          `${label} rejected the access token before its expiry (logged out, or replaced by a newer login). Click Log in to get a new one.`,
          details,
        );
  }

  const bearer = (accessToken: string) => ({
    Authorization: `Bearer ${accessToken}`,
    Accept: 'application/json',
    'Api-Version': API_VERSION,
  });

  return {
    broker: 'upstox',

    authorizeUrl({ apiKey, redirectUri, state }) {
      checkOutgoingState(state, label);
      // brokers.md §1 [U1]: response_type=code, client_id, redirect_uri, state.
      const url = ctx.loginUrl('/v2/login/authorization/dialog');
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: apiKey,
        redirect_uri: redirectUri,
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
        grantName: 'code',
        registerSecrets: (...values) => ctx.registerSecrets(...values),
        checkStatus: (params, hide) => {
          // Guess: brokers.md does not describe Upstox's error redirect. Upstox follows OAuth 2.0,
          // whose error redirect is `error` (+ `error_description`), RFC 6749 §4.1.2.1;
          // access_denied = the user said no.
          const error = params.get('error');
          if (error === undefined) return;
          const description =
            scrubText(params.get('error_description'), hide) ?? scrubText(error, hide);
          if (error === 'access_denied') throw loginCancelled(label, description);
          throw loginFailed(label, `${label} said "${description ?? 'error'}"`);
        },
      });
    },

    async exchange(credentials, grant) {
      ctx.registerSecrets(credentials.apiSecret, grant.code);
      // Issue time is taken before sending: an earlier issue time can only make the computed
      // expiry earlier, never later than the real one.
      const issuedAt = ctx.now();
      const secrets = [credentials.apiSecret, grant.code];
      // brokers.md §1 [U2]: form-urlencoded, Accept: application/json; refresh_extended_token left
      // out, so an existing extended_token is kept (default false, [U5]).
      const body = new URLSearchParams({
        code: grant.code,
        client_id: credentials.apiKey,
        client_secret: credentials.apiSecret,
        redirect_uri: credentials.redirectUri,
        grant_type: 'authorization_code',
      });
      return ctx.call<TokenSet>({
        op: 'exchange',
        singleUseGrant: true,
        secrets,
        request: {
          method: 'POST',
          url: ctx.apiUrl('/v2/login/authorization/token'),
          headers: {
            'Content-Type': 'application/x-www-form-urlencoded',
            Accept: 'application/json',
            'Api-Version': API_VERSION,
          },
          body: body.toString(),
        },
        interpret: (res) => {
          if (res.status !== 200) throw classify(res, 'exchange', secrets);
          const t = parseBody(tokenResponseSchema, res, label, 'exchange');
          ctx.registerSecrets(t.access_token);
          const all = [...secrets, t.access_token];
          return {
            accessToken: t.access_token,
            issuedAt,
            expiresAt: accessTokenExpiry('upstox', issuedAt, t.access_token),
            userId: profileUserId(t.user_id, all),
            userName: profileName(t.user_name, all),
          };
        },
      });
    },

    async validate(_apiKey, accessToken) {
      ctx.registerSecrets(accessToken);
      const secrets = [accessToken];
      return ctx.call<Profile>({
        op: 'validate',
        secrets,
        request: {
          method: 'GET',
          url: ctx.apiUrl('/v2/user/profile'),
          headers: bearer(accessToken),
        },
        interpret: (res) => {
          if (res.status !== 200) throw classify(res, 'validate', secrets, accessToken);
          const p = parseBody(profileResponseSchema, res, label, 'validate');
          return {
            userId: profileUserId(p.data.user_id, secrets),
            userName: profileName(p.data.user_name, secrets),
          };
        },
      });
    },

    async logout(_apiKey, accessToken) {
      ctx.registerSecrets(accessToken);
      await ctx.call<void>({
        op: 'logout',
        secrets: [accessToken],
        request: { method: 'DELETE', url: ctx.apiUrl('/v2/logout'), headers: bearer(accessToken) },
        interpret: (res) => {
          if (res.status !== 200) {
            const err = classify(res, 'logout', [accessToken], accessToken);
            // A token the broker no longer honours is as logged out as it gets.
            if (err.kind === 'expired' || err.kind === 'revoked') return;
            throw err;
          }
          parseBody(logoutResponseSchema, res, label, 'logout');
        },
      });
    },
  };
}
