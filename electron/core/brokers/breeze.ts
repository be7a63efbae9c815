/**
 * ICICI Direct Breeze (brokers-more.md §2.7). The login page api.icicidirect.com/apiuser/login takes
 * only `api_key` (URL-encoded) and, after the ICICI login and OTP, returns to the app's registered
 * redirect URL with the session itself: `?apisession=<API_Session>`. There is no code exchange: the
 * "grant" is the session, and `exchange` checks it with customerdetails — a **GET with a JSON body**
 * `{"SessionToken": <API_Session>, "AppKey": <app key>}` (SDK breeze_connect.py `api_util`), sent over
 * node:http because fetch refuses a body on GET (http.ts `bodyOnGet`). The answer's
 * `Success.session_token` is base64("<user id>:<session key>"), what the SDK signs later calls with.
 *
 * What bots get: the API_Session (BREEZE_SESSION_TOKEN); they call
 * `breeze.generate_session(api_secret, session_token)` themselves, which makes this same call. The
 * derived base64 session_token is not exported (generate_session derives it again) and the secret key
 * never leaves the keychain: no login call uses it (only trading calls carry the X-Checksum made with
 * it), so a wrong secret key is not noticed here.
 *
 * Sessions die "24 hrs or before midnight, whichever is earlier" [Doc]: the catalogue's 00:00 IST
 * cutoff with a 24 h life. No logout endpoint was found.
 *
 * Guesses (README "Broker facts the docs do not settle"):
 * - the redirect carries the session as the query parameter `apisession` [Code: OpenAlgo, community
 *   scripts]; ICICI's guide names it `API_Session` (the form payload) [Doc], so either spelling is
 *   read, in any letter case, but only one of them, once. A redirect without it (ICICI can POST a form
 *   to the redirect URL, whose body the login window cannot read) fails with words saying so.
 * - the session is alphanumeric [Doc: "alpha-numeric (could be only numbers or only alphabets)"];
 *   the URL-safe `._-` are let through too (they change nothing in the JSON body or an .env line).
 * - errors come as `{"Success": null, "Status": 500, "Error": "..."}` [SDK], with HTTP 200 or a
 *   4xx (the SDK never reads the HTTP status); "Invalid session." is a session ICICI does not know
 *   (revoked when it worked before), "Resource not available." an expired one [SDK messages],
 *   "Public Key does not exist." an unknown app key [SDK]. `Status` is kept as the broker code.
 * - the API_Session may be checked more than once (the SDK itself calls customerdetails twice per
 *   session start), so the check is retried like any profile call; it is not a single-use grant.
 * - the login never echoes anything TokenTray sends, so no `state` can come back; one that does must
 *   match.
 */
import { z } from 'zod';
import { accessTokenExpiry } from '../../../shared/expiry';
import { TokenTrayError } from '../errors';
import {
  badResponseError,
  parseBody,
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
  readStatelessRedirect,
  rejectErrorRedirect,
} from './redirect';
import type { BrokerAdapter, LoginGrant, Profile, TokenSet } from './types';

export const BREEZE_LOGIN_PATH = '/apiuser/login';
export const BREEZE_CUSTOMER_DETAILS_PATH = '/breezeapi/api/v1/customerdetails';

/** The redirect's names for the session, compared in lower case (see the Guess above). */
const SESSION_PARAM_NAMES: ReadonlySet<string> = new Set(['apisession', 'api_session']);

/** An API_Session: alphanumeric per the docs (plus URL-safe `._-`, see above), of sane length. */
const SESSION_PATTERN = /^[A-Za-z0-9._-]{1,256}$/;

const MAX_REMEMBERED_SESSIONS = 64;

/** `{Success, Status, Error}`, every field raw; made safe by broker-text.ts before use. */
const envelopeSchema = z.object({
  Success: z.unknown().optional(),
  Status: z.unknown().optional(),
  Error: z.unknown().optional(),
});

const customerDetailsSchema = z.object({
  Success: z.object({
    // What the SDK needs from the answer (base64 "<user id>:<session key>"); without it a bot's
    // generate_session would fail, so the session is not usable.
    session_token: z.string().min(1).max(2048),
    idirect_userid: z.unknown().optional(),
    idirect_user_name: z.unknown().optional(),
  }),
});

/** The raw error code of an answer: the envelope's `Status` when it is not 200. */
export function breezeBrokerCode(json: unknown): unknown {
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const status = parsed.data.Status;
  return status === 200 || status === '200' ? undefined : status;
}

/** `Success.session_token` decoded: base64 of "<user id>:<session key>" (SDK api_util). */
function decodeSessionToken(value: string): { userId: string; sessionKey: string } | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) return undefined;
  const text = Buffer.from(value, 'base64').toString('latin1');
  const m = /^([\x21-\x39\x3b-\x7e]{1,64}):([\x21-\x7e]{1,1024})$/.exec(text);
  return m ? { userId: m[1]!, sessionKey: m[2]! } : undefined;
}

/** "Invalid session." → "invalid session": the SDK compares the whole text. */
function errorWords(value: unknown): string | undefined {
  return typeof value === 'string'
    ? value.trim().replace(/\.+$/, '').replace(/\s+/g, ' ').toLowerCase()
    : undefined;
}

/**
 * Each recent session with the secrets customerdetails derived from it (base64 session_token,
 * session key), so an answer echoing any of them is redacted on later calls too, by any adapter
 * instance in this process.
 * A few sessions are kept: one a day per account.
 */
const derivedSecrets = new Map<string, readonly string[]>();

function rememberedSecrets(): string[] {
  return [...derivedSecrets].flatMap(([session, values]) => [session, ...values]);
}

function rememberDerived(session: string, values: readonly string[]): void {
  derivedSecrets.delete(session);
  derivedSecrets.set(session, values);
  while (derivedSecrets.size > MAX_REMEMBERED_SESSIONS) {
    derivedSecrets.delete(derivedSecrets.keys().next().value as string);
  }
}

export function createBreezeAdapter(ctx: AdapterContext): BrokerAdapter {
  const { label } = ctx;

  function classify(res: HttpResponse, op: Operation, secrets: RequestSecrets): TokenTrayError {
    const parsed = envelopeSchema.safeParse(res.json);
    const raw = parsed.success ? parsed.data : {};
    const codeSaid = brokerCode(breezeBrokerCode(res.json), secrets);
    const code = isReadable(codeSaid) && codeSaid !== '' ? codeSaid : undefined;
    const said = brokerMessage(raw.Error, secrets);
    const details = { status: res.status, ...(code !== undefined ? { brokerCode: code } : {}) };
    const error = errorWords(raw.Error);
    if (error === 'public key does not exist') {
      return new TokenTrayError(
        'bad-credentials',
        `${label} does not know this app key ("Public Key does not exist"). Copy the App key of your app from api.icicidirect.com → View Apps into the account settings, then log in.`,
        details,
      );
    }
    if (error === 'resource not available') {
      return op === 'exchange'
        ? new TokenTrayError(
            'login-failed',
            `${label} says the session from the login page is no longer available (expired). Log in again; if it keeps happening, ICICI's Breeze service may be having trouble.`,
            details,
          )
        : new TokenTrayError(
            'expired',
            `${label} says the session has expired (sessions end at midnight IST). Click Log in to get a new one.`,
            details,
          );
    }
    if (error === 'invalid session') {
      return op === 'exchange'
        ? new TokenTrayError(
            'login-failed',
            `${label} did not accept the session from the login page ("Invalid session"). Log in again, and check that the app key in TokenTray is the one of the app you logged in with.`,
            details,
          )
        : new TokenTrayError(
            'revoked',
            `${label} no longer accepts the session before its expiry ("Invalid session": a newer login or a logout elsewhere ended it). Click Log in to get a new one.`,
            details,
          );
    }
    return unexpectedBrokerError(label, op, {
      status: res.status,
      brokerCode: codeSaid,
      brokerMessage: said,
    });
  }

  /** customerdetails: a GET with the JSON body (SDK api_util), no checksum headers. */
  function customerDetails(
    apiKey: string,
    session: string,
    op: Operation,
    also: readonly string[] = [],
  ): Promise<Profile> {
    ctx.registerSecrets(session);
    // Every recent session and what it derived, not only this call's: an answer to one call may
    // echo another session (a short numeric session is not masked as token-like text).
    const secrets: string[] = [session, ...also, ...rememberedSecrets()];
    return ctx.call<Profile>({
      op,
      secrets,
      request: {
        method: 'GET',
        url: ctx.apiUrl(BREEZE_CUSTOMER_DETAILS_PATH),
        headers: { 'Content-Type': 'application/json' },
        // Compact, in the SDK's key order: json.dumps(body, separators=(',', ':')).
        body: JSON.stringify({ SessionToken: session, AppKey: apiKey }),
        bodyOnGet: true,
      },
      interpret: (res) => {
        if (res.status !== 200) {
          if (res.json === undefined)
            throw unexpectedBrokerError(label, op, { status: res.status });
          throw classify(res, op, secrets);
        }
        // An error envelope: Success null, or an Error / a Status other than 200 without a Success.
        const envelope = envelopeSchema.safeParse(res.json);
        if (envelope.success) {
          const { Success, Status, Error } = envelope.data;
          const failed =
            Success === null ||
            (typeof Success !== 'object' &&
              ((Error !== undefined && Error !== null) ||
                (Status !== undefined && Status !== 200)));
          if (failed) throw classify(res, op, secrets);
        }
        const parsed = customerDetailsSchema.safeParse(res.json);
        const decoded = parsed.success
          ? decodeSessionToken(parsed.data.Success.session_token)
          : undefined;
        if (!parsed.success || decoded === undefined) {
          // Said here, not by parseBody: its field words would mask "Success.session_token" as
          // token-like text.
          const what =
            parsed.success || parsed.error.issues.some((i) => i.path[1] === 'session_token')
              ? 'unexpected Success.session_token'
              : undefined;
          if (what === undefined) parseBody(customerDetailsSchema, res, label, op);
          throw badResponseError(
            label,
            op,
            `HTTP ${res.status}, ${what ?? 'unexpected body'}`,
            res.status,
          );
        }
        const body = parsed.data;
        // The derived token and the session key inside it are secrets from here on, also for
        // later calls with this session (an answer may echo them).
        ctx.registerSecrets(body.Success.session_token, decoded.sessionKey);
        rememberDerived(session, [body.Success.session_token, decoded.sessionKey]);
        secrets.push(body.Success.session_token, decoded.sessionKey);
        return {
          userId: profileUserId(body.Success.idirect_userid, secrets),
          userName: profileName(body.Success.idirect_user_name, secrets),
        };
      },
    });
  }

  function sessionOf(grant: LoginGrant): string {
    if (!SESSION_PATTERN.test(grant.code)) {
      throw loginFailed(label, 'the session (apisession) from the login page is malformed');
    }
    return grant.code;
  }

  return {
    broker: 'breeze',

    authorizeUrl({ apiKey, redirectUri: _redirectUri, state }) {
      // Checked for the bug it would reveal, though Breeze's login page takes no state (§2.7).
      checkOutgoingState(state, label);
      // [Doc] apiuser/login?api_key=<URL-encoded app key>: app keys hold characters such as % ) # ^ =
      // (ICICI's guide), so the key is encoded; the redirect URL is the one registered with the app.
      const url = ctx.loginUrl(BREEZE_LOGIN_PATH);
      url.search = new URLSearchParams({ api_key: apiKey }).toString();
      return url.toString();
    },

    isRedirect: isRedirectTo,

    parseRedirect(url, expected) {
      const sessionNames = (p: ReadonlyMap<string, string>) =>
        [...p.keys()].filter((k) => SESSION_PARAM_NAMES.has(k.toLowerCase()));
      // Breeze never echoes a state (nothing TokenTray sends comes back), but one that does must be ours.
      const { params, hide } = readStatelessRedirect({
        url,
        expected,
        label,
        secrets: (p) => sessionNames(p).map((n) => p.get(n)),
        registerSecrets: (...values) => ctx.registerSecrets(...values),
      });
      const names = sessionNames(params);
      if (names.length > 1) {
        throw loginFailed(
          label,
          'the return address carried the session more than once (apisession and API_Session)',
        );
      }
      // Guess: no error redirect is documented; an OAuth-style `error` is read like Angel One's.
      rejectErrorRedirect(params, hide, label);
      const name = names[0];
      const value = name === undefined ? undefined : params.get(name);
      if (value === undefined || value === '') {
        throw loginFailed(
          label,
          'ICICI returned to the redirect URL without the session (no apisession in the address). ICICI may have sent it as a form, which TokenTray cannot read',
          `Log in again; if it keeps happening, check that the redirect URL registered with the app on api.icicidirect.com is exactly ${expected.redirectUri}.`,
        );
      }
      if (!SESSION_PATTERN.test(value)) {
        throw loginFailed(label, 'the apisession in the return address is malformed');
      }
      return { code: value };
    },

    async exchange(credentials, grant) {
      // The redirect already carried the session: check it with customerdetails before use.
      const issuedAt = ctx.now();
      ctx.registerSecrets(credentials.apiSecret, grant.code);
      const session = sessionOf(grant);
      const p = await customerDetails(credentials.apiKey, session, 'exchange', [
        credentials.apiSecret,
      ]);
      return {
        accessToken: session,
        issuedAt,
        expiresAt: accessTokenExpiry('breeze', issuedAt, session),
        userId: p.userId,
        userName: p.userName,
      } satisfies TokenSet;
    },

    validate(apiKey, accessToken) {
      return customerDetails(apiKey, accessToken, 'validate');
    },
  };
}
