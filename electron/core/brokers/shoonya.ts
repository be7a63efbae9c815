/**
 * Shoonya (Finvasia), the 2026 Noren OAuth flow (brokers-more.md §2.4): the login page
 * `/OAuthlogin/authorize/oauth?client_id=…` redirects to the app's registered URL with a single-use
 * `code`; `POST /NorenWClientAPI/GenAcsTok` (text/plain, `jData={"code","checksum"}` with
 * checksum = hex SHA-256(client_id + secret + code)) answers `access_token`, `refresh_token`,
 * `expires_in`, the user id and account id in Noren's `{stat: "Ok" | "Not_Ok", emsg}` envelope.
 * Later calls carry `Authorization: Bearer <access_token>` and a `jData` body naming the user
 * (`uid`), which TokenTray keeps from the exchange (TokenSet.userId → TokenContext.userId).
 *
 * Evidence is [Code] only (OpenAlgo commit 59297c15, Noren's Java OAuth handler, the Noren docs
 * mirrored for other brokers on the same platform). Guesses (README "Broker facts the docs do not
 * settle"), each marked where used:
 * - the login URL takes only `client_id`; no `state` is sent (none is documented, and the URL the
 *   known working clients use carries none); a `state` that comes back anyway must be ours, i.e. it
 *   is refused;
 * - a cancel or failure comes back as an OAuth-style `error` on the redirect;
 * - `expires_in` is an instant (epoch seconds, or milliseconds), read as seconds from issue only
 *   when it is too small to be an instant;
 * - the user id is `uid`, `USERID` or `actid` in the GenAcsTok answer; UserDetails names the
 *   account `actid` (or `uid`) and the user `uname`;
 * - a dead token answers `emsg: "Session Expired :  Invalid Session Key"` (old Noren wording), with
 *   HTTP 200 or 401; an expired API key answers "Invalid Vendor code" (§2.4 [Issue]);
 * - Logout exists for OAuth tokens as it did for QuickAuth sessions (`jData={"uid"}`).
 * Noren bodies carry no error code: `stat` ("Not_Ok") is what `details.brokerCode` holds.
 */
import { z } from 'zod';
import { accessTokenExpiry } from '../../../shared/expiry';
import { TokenTrayError } from '../errors';
import {
  parseBody,
  rejectedTokenKind,
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
import { sha256Hex } from './sha256';
import type { HttpRequest, HttpResponse } from './http';
import {
  isRedirectTo,
  loginFailed,
  readStatelessRedirect,
  rejectErrorRedirect,
  requireGrant,
} from './redirect';
import type { BrokerAdapter, Profile, TokenContext, TokenSet } from './types';

export const SHOONYA_LOGIN_PATH = '/OAuthlogin/authorize/oauth';
export const SHOONYA_TOKEN_PATH = '/NorenWClientAPI/GenAcsTok';
export const SHOONYA_PROFILE_PATH = '/NorenWClientAPI/UserDetails';
export const SHOONYA_LOGOUT_PATH = '/NorenWClientAPI/Logout';

/** §2.4 [Code]: hex SHA-256(client_id + secret + code), the order OpenAlgo and Noren's SDK use. */
export function shoonyaChecksum(clientId: string, secret: string, code: string): string {
  return sha256Hex(clientId + secret + code);
}

/** Noren's request body: the literal `jData=` followed by raw JSON (OpenAlgo, Noren SDKs). */
export function shoonyaJData(values: Readonly<Record<string, string>>): string {
  return `jData=${JSON.stringify(values)}`;
}

/**
 * Noren's envelope, every field raw (made safe by broker-text.ts). A success says `stat: "Ok"`;
 * anything else is a failure whatever the HTTP status.
 */
const envelopeSchema = z.object({
  stat: z.unknown().optional(),
  emsg: z.unknown().optional(),
});

/** The raw `stat` of an answer: Noren's only machine-readable error field (call.ts makes it safe). */
export function shoonyaBrokerCode(json: unknown): unknown {
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success || parsed.data.stat === 'Ok') return undefined;
  return parsed.data.stat;
}

/** A token TokenTray can carry in a header and write to a .env line: printable, no spaces. */
const TOKEN_PATTERN = /^[\x21-\x7e]{1,4096}$/;

const tokenResponseSchema = z.object({
  stat: z.literal('Ok'),
  access_token: z.string().regex(TOKEN_PATTERN),
  refresh_token: z.unknown().optional(),
  expires_in: z.unknown().optional(),
  uid: z.unknown().optional(),
  USERID: z.unknown().optional(),
  actid: z.unknown().optional(),
  uname: z.unknown().optional(),
});

const nonEmpty = (v: unknown) => typeof v === 'string' && v !== '';

const userDetailsSchema = z
  .object({
    stat: z.literal('Ok'),
    actid: z.unknown().optional(),
    uid: z.unknown().optional(),
    uname: z.unknown().optional(),
  })
  .superRefine((v, issue) => {
    // A success naming no account is not a profile; the value itself is made safe later.
    if (!nonEmpty(v.actid) && !nonEmpty(v.uid)) {
      issue.addIssue({ code: 'custom', path: ['actid'], message: 'missing' });
    }
  });

const okSchema = z.object({ stat: z.literal('Ok') });

/** The grant: an OAuth code (a UUID in public reports) — URL-safe characters only, sane length. */
const CODE_PATTERN = /^[A-Za-z0-9._~-]{1,256}$/;

/** A Noren user id as it goes into jData (FA12345): an identifier, nothing that could break JSON. */
const UID_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;

/** Instants before this are not a token's expiry (2001-09-09 in seconds): a duration, or nonsense. */
const EPOCH_SECONDS_FLOOR = 1e9;
/** From here on the number is milliseconds (1e12 s would be the year 33658). */
const EPOCH_MILLIS_FLOOR = 1e12;
/** No Shoonya token is believed to live longer than this (a daily login; 7 days is generous). */
const MAX_PLAUSIBLE_LIFE_MS = 7 * 86_400_000;
const PLAUSIBLE_SKEW_MS = 5 * 60_000;

/**
 * The instant `expires_in` names, or undefined when it is absent or implausible (the 03:00 IST
 * cutoff then decides alone). Guess: §2.4 says "epoch" without a unit; seconds and milliseconds
 * are told apart by size, and a small number is read the OAuth way, as seconds from issue.
 */
export function shoonyaExpiresAt(raw: unknown, issuedAt: Date): Date | undefined {
  let n: number;
  if (typeof raw === 'number') n = raw;
  else if (typeof raw === 'string' && /^\d{1,16}(\.\d{1,6})?$/.test(raw.trim())) n = Number(raw);
  else return undefined;
  if (!Number.isFinite(n) || n <= 0) return undefined;
  const ms =
    n >= EPOCH_MILLIS_FLOOR
      ? n
      : n >= EPOCH_SECONDS_FLOOR
        ? n * 1000
        : issuedAt.getTime() + n * 1000;
  const life = ms - issuedAt.getTime();
  if (life <= -PLAUSIBLE_SKEW_MS || life > MAX_PLAUSIBLE_LIFE_MS) return undefined;
  return new Date(Math.round(ms));
}

export function createShoonyaAdapter(ctx: AdapterContext): BrokerAdapter {
  const { label } = ctx;

  const reLogin = 'Click Log in to get a new one.';

  function classify(
    res: HttpResponse,
    op: Operation,
    secrets: RequestSecrets,
    token: string | undefined,
  ): TokenTrayError {
    const parsed = envelopeSchema.safeParse(res.json);
    const codeSaid = brokerCode(parsed.success ? parsed.data.stat : undefined, secrets);
    const code = isReadable(codeSaid) && codeSaid !== '' ? codeSaid : undefined;
    const said = brokerMessage(parsed.success ? parsed.data.emsg : undefined, secrets);
    const message = isReadable(said) ? said : '';
    const details = { status: res.status, ...(code !== undefined ? { brokerCode: code } : {}) };
    // Guess: the checksum's own refusal names it; a wrong secret (or client ID) is the cause.
    if (/checksum/i.test(message)) {
      return new TokenTrayError(
        'bad-credentials',
        `${label} rejected the checksum, which means the secret key (or the client ID) is wrong. Copy both again from Shoonya's API settings into the account, then log in.`,
        details,
      );
    }
    // "Invalid Vendor code" when the API key has expired (§2.4 [Issue]); Guess: app/client wording.
    if (/vendor|app.?key|api.?key|client.?id|invalid.?client/i.test(message)) {
      return new TokenTrayError(
        'bad-credentials',
        `${label} rejected the app ("${message}"): the client ID is wrong or its API key has expired. Renew or copy it again on Shoonya, then log in.`,
        details,
      );
    }
    const sessionDead =
      /session.?expired|invalid.?session|invalid.?token|token.*expired|unauthori[sz]ed/i.test(
        message,
      ) ||
      (message === '' && (res.status === 401 || res.status === 403));
    if (op === 'exchange') {
      // Guess: a used, expired or unknown code is refused with words naming the code.
      if (sessionDead || /\bcode\b/i.test(message)) {
        return new TokenTrayError(
          'login-failed',
          `${label} refused the login code (it works once and only for a few minutes)${message ? `: "${message}"` : ''}. Log in again.`,
          details,
        );
      }
    } else if (sessionDead && token !== undefined) {
      if (rejectedTokenKind(token, ctx.now()) === 'expired') {
        return new TokenTrayError(
          'expired',
          `${label} says the access token has expired. ${reLogin}`,
          details,
        );
      }
      // Noren says "Session Expired" for a logout, a newer login and the daily end alike; the token
      // is opaque, so TokenService decides by its own clock which one it was (as for Kite).
      return new TokenTrayError(
        'revoked',
        `${label} no longer accepts this access token (it expired for the day, was logged out, or a newer login replaced it). ${reLogin}`,
        details,
      );
    }
    return unexpectedBrokerError(label, op, {
      status: res.status,
      brokerCode: codeSaid,
      brokerMessage: said,
    });
  }

  /** An answer that is not a success, whatever its HTTP status (Noren also errs with HTTP 200). */
  function isFailure(res: HttpResponse): boolean {
    if (res.status !== 200) return true;
    const parsed = envelopeSchema.safeParse(res.json);
    return parsed.success && parsed.data.stat !== undefined && parsed.data.stat !== 'Ok';
  }

  /** The user id a call names: the caller's (TokenService stores it from the exchange). */
  function uidFor(context: TokenContext | undefined): string {
    const uid = context?.userId;
    if (uid === undefined) {
      throw new TokenTrayError(
        'config',
        `TokenTray does not know which ${label} user this token belongs to (Shoonya names the user when it issues the token, and every call must repeat it). Click Log in to get a new token through TokenTray.`,
      );
    }
    if (!UID_PATTERN.test(uid)) {
      throw new TokenTrayError(
        'config',
        `The ${label} user id stored for this account is not a valid user id. Click Log in to get a new token, which stores it again.`,
      );
    }
    return uid;
  }

  function norenRequest(path: string, accessToken: string, uid: string): HttpRequest {
    return {
      method: 'POST',
      url: ctx.apiUrl(path),
      headers: { Authorization: `Bearer ${accessToken}`, 'Content-Type': 'text/plain' },
      body: shoonyaJData({ uid }),
    };
  }

  return {
    broker: 'shoonya',

    authorizeUrl({ apiKey, redirectUri: _redirectUri, state: _state }) {
      // §2.4 [Code]: client_id only; the redirect URL is the one registered with the app. Guess: no
      // `state` parameter (see the file comment); the login window's own session is the correlation.
      const url = ctx.loginUrl(SHOONYA_LOGIN_PATH);
      url.search = new URLSearchParams({ client_id: apiKey }).toString();
      return url.toString();
    },

    isRedirect: isRedirectTo,

    parseRedirect(url, expected) {
      // Nothing of ours travels to Shoonya, so a `state` on the redirect (even an empty one) is not
      // from a login TokenTray started unless it is exactly ours.
      const { params, hide } = readStatelessRedirect({
        url,
        expected,
        label,
        secrets: (p) => [p.get('code')],
        registerSecrets: (...values) => ctx.registerSecrets(...values),
      });
      // Guess: OAuth-style error redirect; access_denied/cancel is the user backing out.
      rejectErrorRedirect(params, hide, label);
      const code = requireGrant(params, 'code', label);
      if (!CODE_PATTERN.test(code)) {
        throw loginFailed(label, 'the code in the return address is malformed');
      }
      return { code };
    },

    async exchange(credentials, grant) {
      const checksum = shoonyaChecksum(credentials.apiKey, credentials.apiSecret, grant.code);
      ctx.registerSecrets(credentials.apiSecret, grant.code, checksum);
      const issuedAt = ctx.now(); // before sending: see upstox.ts
      const secrets = [credentials.apiSecret, grant.code, checksum];
      return ctx.call<TokenSet>({
        op: 'exchange',
        singleUseGrant: true,
        secrets,
        request: {
          method: 'POST',
          url: ctx.apiUrl(SHOONYA_TOKEN_PATH),
          // §2.4 [Code]: text/plain, no Authorization (the request mints the token).
          headers: { 'Content-Type': 'text/plain' },
          body: shoonyaJData({ code: grant.code, checksum }),
        },
        interpret: (res) => {
          if (isFailure(res)) throw classify(res, 'exchange', secrets, undefined);
          const s = parseBody(tokenResponseSchema, res, label, 'exchange');
          const refresh = typeof s.refresh_token === 'string' ? s.refresh_token : undefined;
          // No refresh endpoint is known (§2.4): the refresh token is only ever hidden, never kept.
          ctx.registerSecrets(s.access_token, refresh);
          const all = [...secrets, s.access_token, refresh];
          const userId = profileUserId(s.uid ?? s.USERID ?? s.actid, all);
          const brokerExpiresAt = shoonyaExpiresAt(s.expires_in, issuedAt);
          if (s.expires_in !== undefined && brokerExpiresAt === undefined) {
            ctx.logger.warn('broker expiry not understood; the daily cutoff decides', {
              broker: 'shoonya',
            });
          }
          return {
            accessToken: s.access_token,
            issuedAt,
            expiresAt: accessTokenExpiry('shoonya', issuedAt, s.access_token, { brokerExpiresAt }),
            ...(brokerExpiresAt !== undefined ? { brokerExpiresAt } : {}),
            userId,
            userName: profileName(s.uname, all),
          } satisfies TokenSet;
        },
      });
    },

    async validate(_apiKey, accessToken, context) {
      ctx.registerSecrets(accessToken);
      const uid = uidFor(context);
      const secrets = [accessToken];
      return ctx.call<Profile>({
        op: 'validate',
        secrets,
        request: norenRequest(SHOONYA_PROFILE_PATH, accessToken, uid),
        interpret: (res) => {
          if (isFailure(res)) throw classify(res, 'validate', secrets, accessToken);
          const p = parseBody(userDetailsSchema, res, label, 'validate');
          return {
            userId: profileUserId(nonEmpty(p.actid) ? p.actid : p.uid, secrets),
            userName: profileName(p.uname, secrets),
          };
        },
      });
    },

    async logout(_apiKey, accessToken, context) {
      ctx.registerSecrets(accessToken);
      const uid = uidFor(context);
      await ctx.call<void>({
        op: 'logout',
        secrets: [accessToken],
        request: norenRequest(SHOONYA_LOGOUT_PATH, accessToken, uid),
        interpret: (res) => {
          if (isFailure(res)) {
            const err = classify(res, 'logout', [accessToken], accessToken);
            // A token Shoonya no longer honours is as logged out as it gets.
            if (err.kind === 'expired' || err.kind === 'revoked') return;
            throw err;
          }
          parseBody(okSchema, res, label, 'logout');
        },
      });
    },
  };
}
