/**
 * IIFL Capital API, the redirect login of 2026 (brokers-more.md §2.8 (a); not Blaze/XTS, not the
 * legacy OpenAPI): the login page at markets.iiflcapital.com/?v=1&appkey=…&redirecturl=… returns to
 * the registered redirect URL with `authCode` and `clientId`; POST /v1/getusersession with
 * `{"checkSum": sha256(clientId + authCode + appSecret)}` answers `{"status":"Ok","userSession":…}`;
 * every other call carries `Authorization: Bearer <userSession>`.
 *
 * Evidence is [Code] (OpenAlgo broker/iiflcapital, blueprints/brlogin.py) and [3P] (public client
 * code and notes); IIFL's own docs are a script-only site. Guesses, each marked where used:
 * - the login page takes no `state` and echoes none (a `state` that does come back must match);
 * - the redirect URL goes into the login URL unescaped, as `redirecturl` and `redirectUrl`;
 * - the userSession is a JWT (public notes decode its claims), so its `exp` is read for the expiry;
 *   the daily cutoff in the catalogue is a Guess the account can override;
 * - errors are `{"status":"Not_Ok","message":…}` (HTTP 200 or 4xx), a code (EC…) where present;
 * - the profile is GET /v1/profile → `{"status":"Ok","result":{"clientId":…,"clientName":…}}`;
 * - logout is POST /v1/profile/logout;
 * - a rejected session answers HTTP 401 (or a Not_Ok naming the session);
 * - calls from an IP address not registered with the app are refused (SEBI static-IP rule: "EC500 IP
 *   address not authorized"), which says nothing about the token.
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
import type { HttpResponse } from './http';
import {
  checkOutgoingState,
  isRedirectTo,
  loginFailed,
  readStatelessRedirect,
  rejectErrorRedirect,
  requireGrant,
} from './redirect';
import type { BrokerAdapter, LoginGrant, Profile, TokenSet } from './types';

export const IIFL_SESSION_PATH = '/v1/getusersession';
export const IIFL_PROFILE_PATH = '/v1/profile';
export const IIFL_LOGOUT_PATH = '/v1/profile/logout';

/** brokers-more.md §2.8 (a) [Code]: hex SHA-256(clientId + authCode + appSecret). */
export function iiflChecksum(clientId: string, authCode: string, appSecret: string): string {
  return sha256Hex(clientId + authCode + appSecret);
}

/** The grant's name on the redirect (OpenAlgo brlogin.py reads `authCode` first). */
const GRANT_PARAM = 'authCode';
const CLIENT_ID_PARAM = 'clientId';

/**
 * Guess: the authCode's alphabet is not documented; anything outside URL-safe token characters is not
 * a code IIFL issued (and would go into the checksum as is).
 */
const AUTH_CODE_PATTERN = /^[A-Za-z0-9_\-.~+/=]{1,1024}$/;

/** An IIFL client code (e.g. "TEST101"): an identifier, nothing else. */
const CLIENT_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** Printable ASCII without spaces, like every bearer token; anything else is not a userSession. */
const SESSION_PATTERN = /^[\x21-\x7e]{1,8192}$/;

/**
 * Every answer's envelope. `status` is "Ok" on success (OpenAlgo compares it case-insensitively);
 * Guess: "Not_Ok" on failure with a `message`, and an error code (EC003, EC500…) in `code` or
 * `errorCode`, or as the status itself. Raw, any type: made safe by broker-text.ts.
 */
const envelopeSchema = z.object({
  status: z.unknown().optional(),
  message: z.unknown().optional(),
  error: z.unknown().optional(),
  code: z.unknown().optional(),
  errorCode: z.unknown().optional(),
});

function rawCode(json: unknown): unknown {
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { code, errorCode, status } = parsed.data;
  if (code !== undefined && code !== '') return code;
  if (errorCode !== undefined && errorCode !== '') return errorCode;
  return typeof status === 'string' && /^EC\d{1,4}$/.test(status) ? status : undefined;
}

/** The raw error code of an answer (call.ts makes it safe before use). */
export function iiflBrokerCode(json: unknown): unknown {
  return rawCode(json);
}

function isOk(json: unknown): boolean {
  const parsed = envelopeSchema.safeParse(json);
  return (
    parsed.success &&
    typeof parsed.data.status === 'string' &&
    parsed.data.status.toLowerCase() === 'ok'
  );
}

/**
 * An answer that is a refusal: any HTTP error, or a 200 whose status says so ("Not_Ok", an EC code).
 * A 200 without any status is not a refusal but an answer TokenTray does not understand (the schema
 * then names what is missing).
 */
function isRefusal(res: HttpResponse): boolean {
  if (res.status !== 200) return true;
  const parsed = envelopeSchema.safeParse(res.json);
  return parsed.success && parsed.data.status !== undefined && !isOk(res.json);
}

const sessionResponseSchema = z.object({
  status: z.string().regex(/^ok$/i),
  userSession: z.string().min(1),
});

/**
 * Guess: the profile's fields. OpenAlgo reads every IIFL answer as `result` (an object, or a list of
 * objects, the first one used); the client code must be there (a success without it is not a
 * profile), the name is display data of any type. Checked in list form (profileRows), so a missing
 * field is named the same way for both.
 */
const profileFields = z.object({
  clientId: z.string().min(1),
  clientName: z.unknown().optional(),
  name: z.unknown().optional(),
});
const profileResponseSchema = z.object({
  status: z.string().regex(/^ok$/i),
  result: z.tuple([profileFields]).rest(z.unknown()),
});

/** The answer with `result` as a list (an object becomes a list of one). */
function profileRows(res: HttpResponse): HttpResponse {
  const json: unknown = res.json;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return res;
  const result = (json as { result?: unknown }).result;
  if (result === undefined || Array.isArray(result)) return res;
  return { ...res, json: { ...json, result: [result] } };
}

/** Guess: the logout answer is the usual envelope. */
const logoutResponseSchema = z.object({ status: z.string().regex(/^ok$/i) });

/**
 * Guess: IIFL's word for "this session is no good" (public clients see HTTP 401; the text of a
 * Not_Ok answer is not documented).
 */
const SESSION_REJECTED = /session|token|unauthori[sz]ed|not logged in|log ?in again/i;
/** [3P]: "EC500 IP address not authorized for trading" when the caller's IP is not registered. */
const IP_REFUSED = /\bIP\b|ip.?address/i;

/**
 * The redirect URL as the login URL carries it: unescaped (Guess: OpenAlgo sends it raw "to avoid
 * provider-side double-decoding/parsing issues seen with encoded callback URLs", and so does every
 * public client found), except characters that would change the login URL's own query.
 */
function rawRedirectParam(redirectUri: string): string {
  return encodeURIComponent(redirectUri).replace(/%3A/gi, ':').replace(/%2F/gi, '/');
}

export function createIiflAdapter(ctx: AdapterContext): BrokerAdapter {
  const { label } = ctx;

  function said(res: HttpResponse, secrets: RequestSecrets) {
    const parsed = envelopeSchema.safeParse(res.json);
    const codeSaid = brokerCode(rawCode(res.json), secrets);
    const code = isReadable(codeSaid) && codeSaid !== '' ? codeSaid : undefined;
    const rawMessage = parsed.success ? (parsed.data.message ?? parsed.data.error) : undefined;
    const message = brokerMessage(rawMessage, secrets);
    return { codeSaid, code, message, text: isReadable(message) ? message : '' };
  }

  function ipRefused(text: string, code: string | undefined): boolean {
    return code === 'EC500' || IP_REFUSED.test(text);
  }

  function classify(
    res: HttpResponse,
    op: Operation,
    secrets: RequestSecrets,
    token?: string,
  ): TokenTrayError {
    const { codeSaid, code, message, text } = said(res, secrets);
    const details = { status: res.status, ...(code !== undefined ? { brokerCode: code } : {}) };
    const tag = code ?? `HTTP ${res.status}`;
    if (ipRefused(text, code)) {
      // Guess (SEBI static-IP rule, [3P]): the app's registered IP is required for every call.
      const advice = `Register this computer's public IP address as the app's static IP on developers.iiflcapital.com (or log in from the registered machine)`;
      return op === 'exchange'
        ? new TokenTrayError(
            'login-failed',
            `${label} refused the login from this computer's IP address (${tag}). ${advice}, then log in again.`,
            details,
          )
        : new TokenTrayError(
            // Not the token's fault: it is kept, and nothing is marked revoked.
            'bad-response',
            `${label} refused ${op === 'logout' ? 'the logout' : 'the token check'} from this computer's IP address (${tag}); the token itself may still be good. ${advice}.`,
            details,
          );
    }
    if (op === 'exchange') {
      // Only a checksum reaches the broker: a wrong app secret and a spent login code look alike,
      // and TokenTray spends each code at once, so a refused checksum most likely means the secret.
      if (/checksum/i.test(text)) {
        return new TokenTrayError(
          'bad-credentials',
          `${label} refused the checksum (${tag}), which means the app secret is wrong (or the login code was already used). Copy the app secret again from developers.iiflcapital.com into the account settings, then log in.`,
          details,
        );
      }
      if (/auth.?code|expired|already used|invalid/i.test(text) || res.status === 401) {
        return new TokenTrayError(
          'login-failed',
          `${label} refused the login code (${tag}): it works once and only for a few minutes. Log in again.`,
          details,
        );
      }
    } else if (
      token !== undefined &&
      (res.status === 401 || res.status === 403 || SESSION_REJECTED.test(text))
    ) {
      if (rejectedTokenKind(token, ctx.now()) === 'expired') {
        return new TokenTrayError(
          'expired',
          `${label} says the session has expired. Click Log in to get a new one.`,
          details,
        );
      }
      return new TokenTrayError(
        'revoked',
        `${label} rejected the session before its expiry (logged out, or replaced by a newer login). Click Log in to get a new one.`,
        details,
      );
    }
    return unexpectedBrokerError(label, op, {
      status: res.status,
      brokerCode: codeSaid,
      brokerMessage: message,
    });
  }

  const bearer = (accessToken: string) => ({
    Authorization: `Bearer ${accessToken}`,
    Accept: 'application/json',
  });

  return {
    broker: 'iifl',

    authorizeUrl({ apiKey, redirectUri, state }) {
      // Guess: IIFL's page takes no state (and returns none); ours is still checked, as every login
      // carries one and the redirect is compared against it if a state ever comes back.
      checkOutgoingState(state, label);
      // [Code]: {login}/?v=1&appkey=…&redirecturl=…. Guess: `redirectUrl` too, with the same value,
      // as OpenAlgo sends both "for compatibility with different IIFL deployments" (a client sending
      // only `redirecturl` is known to work as well; the same value twice cannot disagree).
      const url = ctx.loginUrl('/');
      const redirect = rawRedirectParam(redirectUri);
      url.search = `v=1&appkey=${encodeURIComponent(apiKey)}&redirecturl=${redirect}&redirectUrl=${redirect}`;
      return url.toString();
    },

    isRedirect: isRedirectTo,

    parseRedirect(url, expected): LoginGrant {
      // Guess: IIFL echoes no state. One that does come back must be ours (mix-up protection).
      const { params, hide } = readStatelessRedirect({
        url,
        expected,
        label,
        secrets: (p) => [p.get(GRANT_PARAM)],
        registerSecrets: (...values) => ctx.registerSecrets(...values),
      });
      // [Code] brlogin.py: the callback arrives without any parameter when the redirect URL is not
      // whitelisted exactly for the app.
      if (params.size === 0) {
        throw loginFailed(
          label,
          `${label} returned without a login code, which it does when the redirect URL registered for the app is not exactly ${expected.redirectUri}`,
          `Register exactly that URL (scheme, host, port and path) for the app on developers.iiflcapital.com, then log in again.`,
        );
      }
      rejectErrorRedirect(params, hide, label);
      const code = requireGrant(params, GRANT_PARAM, label);
      if (!AUTH_CODE_PATTERN.test(code)) {
        throw loginFailed(label, `the ${GRANT_PARAM} in the return address is malformed`);
      }
      const clientId = params.get(CLIENT_ID_PARAM);
      if (clientId === undefined || clientId === '') {
        throw loginFailed(label, `the return address carried no ${CLIENT_ID_PARAM}`);
      }
      if (!CLIENT_ID_PATTERN.test(clientId)) {
        throw loginFailed(label, `the ${CLIENT_ID_PARAM} in the return address is malformed`);
      }
      return { code, userId: clientId };
    },

    async exchange(credentials, grant) {
      ctx.registerSecrets(credentials.apiSecret, grant.code);
      const clientId = grant.userId;
      if (clientId === undefined || !CLIENT_ID_PATTERN.test(clientId)) {
        throw loginFailed(label, `the login did not say which ${CLIENT_ID_PARAM} it was for`);
      }
      const checkSum = iiflChecksum(clientId, grant.code, credentials.apiSecret);
      ctx.registerSecrets(checkSum);
      const issuedAt = ctx.now(); // before sending: see upstox.ts
      const secrets = [credentials.apiSecret, grant.code, checkSum];
      return ctx.call<TokenSet>({
        op: 'exchange',
        // The authCode works once: never resent once IIFL may have seen it.
        singleUseGrant: true,
        secrets,
        request: {
          method: 'POST',
          url: ctx.apiUrl(IIFL_SESSION_PATH),
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({ checkSum }),
        },
        interpret: (res) => {
          if (isRefusal(res)) throw classify(res, 'exchange', secrets);
          const s = parseBody(sessionResponseSchema, res, label, 'exchange');
          ctx.registerSecrets(s.userSession);
          if (!SESSION_PATTERN.test(s.userSession)) {
            throw new TokenTrayError(
              'bad-response',
              `${label} answered the token request with a userSession TokenTray does not understand. The login code works only once, so click Log in again; if it keeps happening, look for a TokenTray update.`,
              { status: res.status },
            );
          }
          const all = [...secrets, s.userSession];
          return {
            accessToken: s.userSession,
            issuedAt,
            // The earliest of the (Guess) daily cutoff and the JWT's own `exp` (shared/expiry.ts).
            expiresAt: accessTokenExpiry('iifl', issuedAt, s.userSession),
            userId: profileUserId(clientId, all),
          };
        },
      });
    },

    async validate(_apiKey, accessToken): Promise<Profile> {
      ctx.registerSecrets(accessToken);
      const secrets = [accessToken];
      return ctx.call<Profile>({
        op: 'validate',
        secrets,
        request: {
          method: 'GET',
          url: ctx.apiUrl(IIFL_PROFILE_PATH),
          headers: bearer(accessToken),
        },
        interpret: (res) => {
          if (isRefusal(res)) {
            throw classify(res, 'validate', secrets, accessToken);
          }
          const [row] = parseBody(
            profileResponseSchema,
            profileRows(res),
            label,
            'validate',
          ).result;
          return {
            userId: profileUserId(row.clientId, secrets),
            userName: profileName(row.clientName ?? row.name, secrets),
          };
        },
      });
    },

    async logout(_apiKey, accessToken) {
      ctx.registerSecrets(accessToken);
      const secrets = [accessToken];
      await ctx.call<void>({
        op: 'logout',
        secrets,
        request: {
          method: 'POST',
          url: ctx.apiUrl(IIFL_LOGOUT_PATH),
          headers: bearer(accessToken),
        },
        interpret: (res) => {
          if (isRefusal(res)) {
            const err = classify(res, 'logout', secrets, accessToken);
            // A session IIFL no longer honours is as logged out as it gets.
            if (err.kind === 'expired' || err.kind === 'revoked') return;
            throw err;
          }
          parseBody(logoutResponseSchema, res, label, 'logout');
        },
      });
    },
  };
}
