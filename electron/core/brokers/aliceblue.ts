/**
 * Alice Blue ANT / A3 "Individual Trader" vendor flow (brokers-more.md §2.5; Alice Blue's product
 * documentation, Authentication and Profile pages [Doc]; OpenAlgo broker/aliceblue [Code]):
 *
 *   1. The login page is the host root with the app code: `https://ant.aliceblueonline.com/?appcode=…`.
 *      Nothing else is passed: the redirect URL is the one registered with the app code.
 *   2. After the login Alice Blue redirects to that URL with `authCode` and `userId`.
 *   3. checkSum = hex SHA-256(userId + authCode + apiSecret), POSTed as `{"checkSum": …}` (the body
 *      carries nothing else) to `/open-api/od/v1/vendor/getUserDetails` on the API host, which
 *      answers `{"stat":"Ok","clientId":…,"userSession":<JWT>}` or `{"stat":"Not_ok","emsg":…}`.
 *   4. `userSession` is the token bots use, as `Authorization: Bearer <userSession>`; it is checked
 *      with `GET /open-api/od/v1/profile/` → `{"status":"Ok","result":[{"clientId","clientName",…}]}`.
 *
 * There is no logout endpoint for the API session, and no renewal: a new login every day.
 *
 * Guesses (README "Broker facts the docs do not settle"):
 * - The redirect never carries `state` (the login URL takes none); a `state` that does come back
 *   must be ours. The user id on the redirect is an identifier of letters and digits.
 * - A cancelled login comes back OAuth-style (`error=access_denied`), if at all.
 * - The session dies at 03:00 IST (catalogue cutoffIsGuess); the JWT's own `exp` (≈ 60 days in the
 *   documented sample) only ever shortens that.
 * - The vendor endpoint cannot tell a wrong API secret from a used or stale authCode (the checksum
 *   is all it gets): both answer "Invalid auth code". API-key problems are said in words ("Your API
 *   key Expired…", "API key not available…", from the doc's list of `emsg` values).
 * - A3 errors are `{"status":"Not_Ok","message":"EC087"}`: the message is a bare EC code (OpenAlgo
 *   error_codes.py) or words; EC087 is "Session Expired". A dead session answers that (or HTTP
 *   401/403) whether it expired or was ended by a logout on the web or app (pya3 issue 8).
 */
import { z } from 'zod';
import { accessTokenExpiry, jwtIssuedAt } from '../../../shared/expiry';
import { TokenTrayError } from '../errors';
import {
  parseBody,
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

/** [Doc] Authentication: POST, on the API host (a3). OpenAlgo posts the same path on ant [Code]. */
export const ALICEBLUE_SESSION_PATH = '/open-api/od/v1/vendor/getUserDetails';
/** [Doc] Profile: GET `{{BASE_URL}}/open-api/od/v1/profile/` (trailing slash as documented). */
export const ALICEBLUE_PROFILE_PATH = '/open-api/od/v1/profile/';

/** [Doc] hex SHA-256 of userId + authCode + apiSecret, concatenated as they are. */
export function aliceblueChecksum(userId: string, authCode: string, apiSecret: string): string {
  return sha256Hex(userId + authCode + apiSecret);
}

/** Guess: Alice Blue user ids are letters and digits ("AB1234", "912444"). */
const USER_ID_PATTERN = /^[A-Za-z0-9]{1,32}$/;
/** A JWT's alphabet (base64url segments and dots): anything else is not a userSession. */
const SESSION_PATTERN = /^[A-Za-z0-9_\-.]{1,8192}$/;

/**
 * Every field raw, made safe by broker-text.ts. The vendor endpoint says `stat`/`emsg` [Doc], the A3
 * API `status`/`message` [Code]; either may come back from either (Guess), so both are read.
 */
const envelopeSchema = z.object({
  stat: z.unknown().optional(),
  status: z.unknown().optional(),
  emsg: z.unknown().optional(),
  message: z.unknown().optional(),
});

const present = (v: unknown) => v !== undefined && v !== null && v !== '';

/**
 * The "code" of an answer, raw: A3's `message` when it is a bare code ("EC087": no whitespace), or
 * whatever `message` holds when `emsg` beside it carries the words (Guess). Anything offered as a
 * code is made safe — or refused as unreadable — by brokerCode().
 */
function rawCode(json: unknown): unknown {
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { emsg, message } = parsed.data;
  if (!present(message)) return undefined;
  if (present(emsg)) return message;
  return typeof message === 'string' && /\s/.test(message) ? undefined : message;
}

/** The words of an answer: `emsg`, else a `message` that is not a bare code, raw. */
function rawWords(json: unknown): unknown {
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { emsg, message } = parsed.data;
  if (present(emsg)) return emsg;
  return rawCode(json) === undefined ? message : undefined;
}

/** The raw error code of an answer (call.ts makes it safe before use). */
export function aliceblueBrokerCode(json: unknown): unknown {
  return rawCode(json);
}

/** `stat`/`status` says "Not_ok" (any case, "Not Ok" too). */
function saysNotOk(json: unknown): boolean {
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) return false;
  return [parsed.data.stat, parsed.data.status].some(
    (v) => typeof v === 'string' && /^not[_ ]?ok$/i.test(v),
  );
}

const sessionResponseSchema = z.object({
  stat: z.literal('Ok'),
  userSession: z.string().regex(SESSION_PATTERN),
  clientId: z.unknown().optional(),
});

const profileResponseSchema = z.object({
  status: z.literal('Ok'),
  // clientId must be there (a success without it is not a profile); its value is made safe later.
  result: z
    .array(z.object({ clientId: z.string().min(1), clientName: z.unknown().optional() }))
    .min(1),
});

/** EC codes that mean the session is gone (OpenAlgo error_codes.py, from Alice Blue's table). */
const DEAD_SESSION_CODES = new Set(['EC087']);
/** Words of a dead session (Guess: seen as "Session expired" / "Session Expired" in public code). */
const DEAD_SESSION_WORDS =
  /session\s*(has\s*)?(expired|invalid|not\s*valid)|invalid\s*session|unauthori[sz]ed|invalid\s*token|token\s*expired/i;

export function createAliceBlueAdapter(ctx: AdapterContext): BrokerAdapter {
  const { label } = ctx;

  /**
   * 'expired' once the session is past its 03:00 IST cutoff (counted from the JWT's `iat`) or its
   * JWT `exp`; 'revoked' before that (a logout on the web or app, or a newer login).
   */
  function deadKind(token: string): 'expired' | 'revoked' {
    const issued = jwtIssuedAt(token);
    if (issued !== undefined) {
      const dies = accessTokenExpiry('aliceblue', issued, token);
      if (dies.getTime() <= ctx.now().getTime()) return 'expired';
    }
    return rejectedTokenKind(token, ctx.now());
  }

  function said(res: HttpResponse, secrets: RequestSecrets) {
    const codeSaid = brokerCode(rawCode(res.json), secrets);
    const code = isReadable(codeSaid) && codeSaid !== '' ? codeSaid : undefined;
    const wordsSaid = brokerMessage(rawWords(res.json), secrets);
    const words = isReadable(wordsSaid) ? wordsSaid : '';
    return { codeSaid, code, wordsSaid, words };
  }

  function classifyExchange(res: HttpResponse, secrets: RequestSecrets): TokenTrayError {
    const { codeSaid, code, wordsSaid, words } = said(res, secrets);
    const details = { status: res.status, ...(code !== undefined ? { brokerCode: code } : {}) };
    // [Doc] "Your API key Expired.Please update your API key", "API key not available.Please
    // generate API key".
    if (/api\s*key/i.test(words)) {
      return new TokenTrayError(
        'bad-credentials',
        `${label} refused the app's API key ("${words}"). Generate or renew the API key for this app on ant.aliceblueonline.com, copy the new API secret into the account settings, then log in.`,
        details,
      );
    }
    // [Doc] "Invalid auth code": the checksum matched no fresh login. Guess: a wrong API secret
    // looks the same to Alice Blue, as the checksum is all it is sent.
    if (/auth\s*code|checksum/i.test(words)) {
      return new TokenTrayError(
        'login-failed',
        `${label} did not accept the login ("${words}"): the login code works once and only for a few minutes, and the checksum is made with the API secret. Check the API secret in the account settings, then log in again.`,
        details,
      );
    }
    // [Doc] "User does not login. Please login".
    if (/not\s*log/i.test(words)) {
      return new TokenTrayError(
        'login-failed',
        `${label} says the user is not logged in ("${words}"). Log in again.`,
        details,
      );
    }
    return unexpectedBrokerError(label, 'exchange', {
      status: res.status,
      brokerCode: codeSaid,
      brokerMessage: wordsSaid,
    });
  }

  function classifyProfile(
    res: HttpResponse,
    op: Operation,
    secrets: RequestSecrets,
    token: string,
  ): TokenTrayError {
    const { codeSaid, code, wordsSaid, words } = said(res, secrets);
    const details = { status: res.status, ...(code !== undefined ? { brokerCode: code } : {}) };
    // A dead session says so in a code or in words, with any status; a bare 401/403 is one too.
    const dead =
      (code !== undefined && DEAD_SESSION_CODES.has(code.toUpperCase())) ||
      DEAD_SESSION_WORDS.test(words) ||
      res.status === 401 ||
      res.status === 403;
    if (dead) {
      if (deadKind(token) === 'expired') {
        return new TokenTrayError(
          'expired',
          `${label} says the session has expired (Guess: sessions end at 03:00 IST). Click Log in to get a new one.`,
          details,
        );
      }
      return new TokenTrayError(
        'revoked',
        `${label} no longer accepts this session before its expiry (a logout on the Alice Blue web site or app ends it, as does a newer login). Click Log in to get a new one.`,
        details,
      );
    }
    return unexpectedBrokerError(label, op, {
      status: res.status,
      brokerCode: codeSaid,
      brokerMessage: wordsSaid,
    });
  }

  function parseUserId(params: ReadonlyMap<string, string>): string {
    const value = params.get('userId');
    if (value === undefined || value === '') {
      throw loginFailed(label, 'the return address carried no userId');
    }
    if (!USER_ID_PATTERN.test(value)) {
      throw loginFailed(label, 'the userId in the return address is malformed');
    }
    return value;
  }

  return {
    broker: 'aliceblue',

    authorizeUrl({ apiKey, redirectUri: _redirectUri, state }) {
      // Not sent (the page takes only the app code), but a bad one is still a bug worth stopping.
      checkOutgoingState(state, label);
      // [Doc] `https://ant.aliceblueonline.com/?appcode=<App Code>`: the host root. The redirect URL
      // is the one registered with the app code, and nothing carries our state (echoesState false).
      const url = ctx.loginUrl('/');
      url.search = new URLSearchParams({ appcode: apiKey }).toString();
      return url.toString();
    },

    isRedirect: isRedirectTo,

    parseRedirect(url, expected): LoginGrant {
      // parseGrantRedirect's order, without requiring a state Alice Blue never sends (Guess: never
      // echoed; one that comes back anyway must be ours).
      const { params, hide } = readStatelessRedirect({
        url,
        expected,
        label,
        secrets: (p) => [p.get('authCode')],
        registerSecrets: (...values) => ctx.registerSecrets(...values),
      });
      rejectErrorRedirect(params, hide, label);
      const emsg = params.get('emsg');
      if (emsg !== undefined || (params.get('stat') ?? 'Ok') !== 'Ok') {
        throw loginFailed(label, `${label} said "${scrubText(emsg ?? 'Not_ok', hide) ?? '?'}"`);
      }
      const code = requireGrant(params, 'authCode', label);
      const userId = parseUserId(params);
      return { code, userId };
    },

    async exchange(credentials, grant) {
      ctx.registerSecrets(credentials.apiSecret, grant.code);
      const userId = grant.userId;
      if (userId === undefined || !USER_ID_PATTERN.test(userId)) {
        throw loginFailed(label, 'the login returned no usable userId for the checksum');
      }
      const checkSum = aliceblueChecksum(userId, grant.code, credentials.apiSecret);
      ctx.registerSecrets(checkSum);
      const secrets = [credentials.apiSecret, grant.code, checkSum];
      const issuedAt = ctx.now(); // before sending: see upstox.ts
      return ctx.call<TokenSet>({
        op: 'exchange',
        singleUseGrant: true,
        secrets,
        request: {
          method: 'POST',
          url: ctx.apiUrl(ALICEBLUE_SESSION_PATH),
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({ checkSum }),
        },
        interpret: (res) => {
          if (res.status !== 200 || saysNotOk(res.json)) throw classifyExchange(res, secrets);
          const s = parseBody(sessionResponseSchema, res, label, 'exchange');
          const token = s.userSession;
          ctx.registerSecrets(token);
          const all = [...secrets, token];
          return {
            accessToken: token,
            issuedAt,
            expiresAt: accessTokenExpiry('aliceblue', issuedAt, token),
            // The client code Alice Blue answered; the redirect's userId when it gave none.
            userId: profileUserId(s.clientId, all) ?? profileUserId(userId, all),
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
          url: ctx.apiUrl(ALICEBLUE_PROFILE_PATH),
          headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' },
        },
        interpret: (res) => {
          if (res.status !== 200 || saysNotOk(res.json)) {
            throw classifyProfile(res, 'validate', secrets, accessToken);
          }
          const p = parseBody(profileResponseSchema, res, label, 'validate');
          const first = p.result[0]!;
          return {
            userId: profileUserId(first.clientId, secrets),
            userName: profileName(first.clientName, secrets),
          };
        },
      });
    },
  };
}
