/**
 * Angel One SmartAPI, Publisher login (brokers-more.md §2.1): the login page at
 * smartapi.angelone.in/publisher-login takes `api_key` and `state` and redirects to the app's
 * registered **https** URL with `auth_token` (the JWT access token), `feed_token` (and, per public
 * code, `refresh_token`) in the query. There is no code exchange: the "grant" is the token itself,
 * so `exchange` only validates it with getProfile and computes its expiry (05:00 IST next day).
 * Every secure call carries the SmartAPI header set: Bearer JWT, X-PrivateKey (the API key),
 * X-UserType, X-SourceID, client IP/MAC headers.
 *
 * Guesses (README "Broker facts the docs do not settle"): `state` is echoed on the redirect;
 * getProfile answers without the SDK's `refreshToken` parameter; a rejected token answers with
 * errorcode AG8001/AG8002 in a `{status:false, message, errorcode, data}` body, with HTTP 200 or 4xx.
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
import type { HttpResponse } from './http';
import {
  checkOutgoingState,
  isRedirectTo,
  loginFailed,
  parseGrantRedirect,
  rejectErrorRedirect,
} from './redirect';
import type { BrokerAdapter, Profile, TokenSet } from './types';

export const ANGELONE_PROFILE_PATH = '/rest/secure/angelbroking/user/v1/getProfile';
export const ANGELONE_LOGOUT_PATH = '/rest/secure/angelbroking/user/v1/logout';

/**
 * SmartAPI's fixed headers (SDK smartConnect.py). The IP/MAC headers are required by the gateway;
 * TokenTray sends loopback and a zero MAC rather than fingerprinting the machine (Guess: accepted,
 * as the SDK itself falls back to 127.0.0.1 when it cannot find an address).
 */
function smartApiHeaders(apiKey: string, accessToken: string): Record<string, string> {
  return {
    Authorization: `Bearer ${accessToken}`,
    'Content-Type': 'application/json',
    Accept: 'application/json',
    'X-UserType': 'USER',
    'X-SourceID': 'WEB',
    'X-ClientLocalIP': '127.0.0.1',
    'X-ClientPublicIP': '127.0.0.1',
    'X-MACAddress': '00:00:00:00:00:00',
    'X-PrivateKey': apiKey,
  };
}

/**
 * `{status, message, errorcode, data}` from the API, `{success, message, errorCode, data}` from the
 * gateway in front of it (Guess: both shapes are seen in public reports); every field raw, made safe
 * by broker-text.ts.
 */
const envelopeSchema = z.object({
  status: z.unknown().optional(),
  success: z.unknown().optional(),
  message: z.unknown().optional(),
  errorcode: z.unknown().optional(),
  errorCode: z.unknown().optional(),
});

function rawCode(json: unknown): unknown {
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { errorcode, errorCode } = parsed.data;
  return errorcode !== undefined && errorcode !== '' ? errorcode : errorCode;
}

const profileResponseSchema = z.object({
  status: z.literal(true),
  // clientcode must be there (a success without it is not a profile); its value is made safe later.
  data: z.object({ clientcode: z.string().min(1), name: z.unknown().optional() }),
});

const logoutResponseSchema = z.object({ status: z.literal(true) });

/** The raw errorcode of an answer (call.ts makes it safe before use). */
export function angeloneBrokerCode(json: unknown): unknown {
  return rawCode(json);
}

/** An answer that is not a success, whatever its HTTP status (SmartAPI also errs with HTTP 200). */
function isFailure(res: HttpResponse): boolean {
  if (res.status !== 200) return true;
  const parsed = envelopeSchema.safeParse(res.json);
  return parsed.success && (parsed.data.status === false || parsed.data.success === false);
}

/** SmartAPI's login API answers `jwtToken: "Bearer …"` in some reports (Guess): send it bare. */
function bareToken(value: string): string {
  return value.replace(/^Bearer\s+/i, '');
}

/** A JWT's alphabet (base64url segments and dots): anything else is not an Angel One token. */
const TOKEN_PATTERN = /^[A-Za-z0-9_\-.]{1,4096}$/;

export function createAngelOneAdapter(ctx: AdapterContext): BrokerAdapter {
  const { label } = ctx;

  function classify(
    res: HttpResponse,
    op: Operation,
    secrets: RequestSecrets,
    token: string,
  ): TokenTrayError {
    const parsed = envelopeSchema.safeParse(res.json);
    const codeSaid = brokerCode(rawCode(res.json), secrets);
    const code = isReadable(codeSaid) && codeSaid !== '' ? codeSaid : undefined;
    const said = brokerMessage(parsed.success ? parsed.data.message : undefined, secrets);
    const message = isReadable(said) ? said : '';
    const details = { status: res.status, ...(code !== undefined ? { brokerCode: code } : {}) };
    // Guess: an unknown or Trading-app key; SmartAPI's code for it is not in the sources.
    if (/api.?key|private.?key/i.test(message)) {
      return new TokenTrayError(
        'bad-credentials',
        `${label} rejected the API key. Use the key of a "Publisher" app from smartapi.angelone.in (a Trading app key is refused), then log in.`,
        details,
      );
    }
    // AG8001 Invalid Token, AG8002 Token Expired (brokers-more.md §2.1 [Issue]); AG8003 Token missing.
    if (code === 'AG8002') {
      return new TokenTrayError(
        'expired',
        `${label} says the access token has expired (they die at 05:00 IST). Click Log in to get a new one.`,
        details,
      );
    }
    if (code === 'AG8001' || (code === undefined && (res.status === 401 || res.status === 403))) {
      if (rejectedTokenKind(token, ctx.now()) === 'expired') {
        return new TokenTrayError(
          'expired',
          `${label} says the access token has expired (they die at 05:00 IST). Click Log in to get a new one.`,
          details,
        );
      }
      return new TokenTrayError(
        op === 'exchange' ? 'login-failed' : 'revoked',
        op === 'exchange'
          ? `${label} did not accept the token from the login page (${code ?? `HTTP ${res.status}`}). Log in again.`
          : `${label} rejected the access token before its expiry (logged out, or replaced by a newer login). Click Log in to get a new one.`,
        details,
      );
    }
    return unexpectedBrokerError(label, op, {
      status: res.status,
      brokerCode: codeSaid,
      brokerMessage: said,
    });
  }

  async function profile(
    apiKey: string,
    accessToken: string,
    op: Operation,
    also: readonly string[] = [],
  ): Promise<Profile> {
    ctx.registerSecrets(accessToken);
    const secrets = [accessToken, ...also];
    return ctx.call<Profile>({
      op,
      secrets,
      request: {
        method: 'GET',
        url: ctx.apiUrl(ANGELONE_PROFILE_PATH),
        headers: smartApiHeaders(apiKey, accessToken),
      },
      interpret: (res) => {
        if (isFailure(res)) throw classify(res, op, secrets, accessToken);
        const p = parseBody(profileResponseSchema, res, label, op);
        return {
          userId: profileUserId(p.data.clientcode, secrets),
          userName: profileName(p.data.name, secrets),
        };
      },
    });
  }

  return {
    broker: 'angelone',

    authorizeUrl({ apiKey, redirectUri: _redirectUri, state }) {
      checkOutgoingState(state, label);
      // brokers-more.md §2.1 [Doc]: publisher-login?api_key=…&state=…; the redirect URL is the one
      // registered with the app (not a parameter).
      const url = ctx.loginUrl('/publisher-login');
      url.search = new URLSearchParams({ api_key: apiKey, state }).toString();
      return url.toString();
    },

    isRedirect: isRedirectTo,

    parseRedirect(url, expected) {
      const grant = parseGrantRedirect({
        url,
        expected,
        label,
        grantName: 'auth_token',
        registerSecrets: (...values) => ctx.registerSecrets(...values),
        checkStatus: (params, hide) => {
          // feed_token and refresh_token are secrets too, whatever happens next.
          ctx.registerSecrets(params.get('feed_token'), params.get('refresh_token'));
          // Guess: the doc describes no error redirect. A redirect without auth_token is a login that
          // did not complete; an OAuth-style `error` is read as the user backing out.
          rejectErrorRedirect(params, hide, label);
        },
      });
      if (!TOKEN_PATTERN.test(grant.code)) {
        throw loginFailed(label, 'the auth_token in the return address is malformed');
      }
      return grant;
    },

    async exchange(credentials, grant) {
      // The Publisher redirect already carried the token: check it with the broker before use.
      const issuedAt = ctx.now();
      const accessToken = bareToken(grant.code);
      ctx.registerSecrets(credentials.apiSecret, accessToken);
      const p = await profile(credentials.apiKey, accessToken, 'exchange', [credentials.apiSecret]);
      return {
        accessToken,
        issuedAt,
        expiresAt: accessTokenExpiry('angelone', issuedAt, accessToken),
        userId: p.userId,
        userName: p.userName,
      } satisfies TokenSet;
    },

    validate(apiKey, accessToken) {
      return profile(apiKey, accessToken, 'validate');
    },

    async logout(apiKey, accessToken) {
      ctx.registerSecrets(accessToken);
      const p = await profile(apiKey, accessToken, 'logout').catch((e: unknown) => {
        if (e instanceof TokenTrayError && (e.kind === 'expired' || e.kind === 'revoked')) {
          return undefined; // already dead: as logged out as it gets
        }
        throw e;
      });
      if (p === undefined) return;
      // SDK: POST …/logout {"clientcode": …}; the client code comes from the profile.
      await ctx.call<void>({
        op: 'logout',
        secrets: [accessToken],
        request: {
          method: 'POST',
          url: ctx.apiUrl(ANGELONE_LOGOUT_PATH),
          headers: smartApiHeaders(apiKey, accessToken),
          body: JSON.stringify({ clientcode: p.userId ?? '' }),
        },
        interpret: (res) => {
          if (isFailure(res)) {
            const err = classify(res, 'logout', [accessToken], accessToken);
            if (err.kind === 'expired' || err.kind === 'revoked') return;
            throw err;
          }
          parseBody(logoutResponseSchema, res, label, 'logout');
        },
      });
    },
  };
}
