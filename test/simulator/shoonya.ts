/**
 * Simulated Shoonya (Finvasia) Noren OAuth (brokers-more.md §2.4): GET/POST
 * /OAuthlogin/authorize/oauth (client_id) → 302 to the registered URL with `code`;
 * POST /NorenWClientAPI/GenAcsTok (text/plain `jData={"code","checksum"}`, checksum =
 * SHA-256(client_id + secret + code)) → access_token, refresh_token, expires_in, USERID, actid;
 * UserDetails and Logout take `Authorization: Bearer …` and `jData={"uid"}`. Every answer uses
 * Noren's `{stat: "Ok" | "Not_Ok", emsg}` envelope.
 *
 * Guesses, marked where used: the page ignores any `state` and echoes none; a cancel comes back as
 * `error=access_denied`; the code is a UUID living 10 minutes; errors answer HTTP 200 with
 * `stat: "Not_Ok"`; a dead token's emsg is "Session Expired :  Invalid Session Key"; a wrong
 * checksum's is "Invalid Checksum", a spent code's "Invalid code"; `expires_in` is epoch seconds, as
 * a string (Noren sends numbers as strings); the access token is opaque.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { IST_ZONE } from '../../shared/expiry';
import { loginErrorPage, loginPage, redirectTo } from './login-page';
import type { SimState } from './state';
import { randomAlnum } from './tokens';
import { mediaType, type SimBroker, type SimReply, type SimRequest } from './types';

export const SHOONYA_SIM_LOGIN = '/OAuthlogin/authorize/oauth';
export const SHOONYA_SIM_TOKEN = '/NorenWClientAPI/GenAcsTok';
export const SHOONYA_SIM_PROFILE = '/NorenWClientAPI/UserDetails';
export const SHOONYA_SIM_LOGOUT = '/NorenWClientAPI/Logout';

const LABEL = 'Shoonya';

/** Guess: Noren errs with HTTP 200 and `stat: "Not_Ok"` (the old API did). */
function notOk(emsg: string, status = 200): SimReply {
  return {
    status,
    json: { stat: 'Not_Ok', emsg, request_time: requestTime() },
  };
}

/** Noren's "HH:MM:SS DD-MM-YYYY" request_time in IST (old API); cosmetic, on the real clock. */
function requestTime(): string {
  return DateTime.now().setZone(IST_ZONE).toFormat('HH:mm:ss dd-MM-yyyy');
}

const sessionExpired = () => notOk('Session Expired :  Invalid Session Key');

/**
 * The JSON after `jData=` in a text/plain body, with exactly `keys` (all strings), or a
 * "simulator:" reply naming the mistake.
 */
function jData(req: SimRequest, keys: readonly string[]): Record<string, string> | SimReply {
  const where = `${req.method} ${req.path}`;
  const type = mediaType(req);
  if (type !== 'text/plain') {
    return notOk(
      `simulator: ${where} takes a text/plain body "jData={…}" (brokers-more.md §2.4), but the request sent ${type === '' ? 'no Content-Type' : `Content-Type ${type}`}`,
      400,
    );
  }
  if (!req.body.startsWith('jData=')) {
    return notOk(
      `simulator: ${where} needs a body starting with "jData=" (brokers-more.md §2.4)`,
      400,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(req.body.slice('jData='.length));
  } catch {
    return notOk(
      `simulator: ${where}: the text after "jData=" is not one JSON object (nothing may follow it)`,
      400,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return notOk(`simulator: ${where}: jData must be a JSON object`, 400);
  }
  const record = value as Record<string, unknown>;
  const got = Object.keys(record).sort();
  const want = [...keys].sort();
  const bad = keys.filter((k) => typeof record[k] !== 'string' || record[k] === '');
  if (got.join(',') !== want.join(',') || bad.length > 0) {
    return notOk(
      `simulator: ${where}: jData must hold exactly ${want.join(', ')} as non-empty strings; it held ${got.join(', ') || 'nothing'}`,
      400,
    );
  }
  return record as Record<string, string>;
}

export function shoonyaBroker(state: SimState): SimBroker {
  const loginApp = (req: SimRequest) => state.app('shoonya', req.query['client_id']);

  /** The token and uid of an authorised call, or Noren's refusal. */
  function authorised(req: SimRequest): { token: string; uid: string } | SimReply {
    const body = jData(req, ['uid']);
    if (!('uid' in body)) return body as SimReply;
    const m = /^Bearer (\S+)$/.exec(req.headers['authorization'] ?? '');
    if (!m?.[1]) {
      return notOk(
        `simulator: ${req.method} ${req.path} needs "Authorization: Bearer <access_token>"`,
        401,
      );
    }
    if (state.tokenStatus('shoonya', m[1], 'access') !== 'valid') return sessionExpired();
    const record = state.token(m[1]);
    // Guess: Noren's wording when jData names another user than the session's.
    if (record?.userId !== body['uid'])
      return notOk('Invalid Input : uid does not match the session');
    return { token: m[1], uid: body['uid'] };
  }

  return {
    broker: 'shoonya',
    errorBody: (status) => ({ stat: 'Not_Ok', emsg: `Simulated gateway error ${status}` }),
    rateLimitBody: () => ({ stat: 'Not_Ok', emsg: 'Too many requests' }),
    routes: [
      {
        method: 'GET',
        path: SHOONYA_SIM_LOGIN,
        handle: (req) => {
          const app = loginApp(req);
          if (!app) return loginErrorPage(LABEL, 'Invalid client_id.');
          return loginPage({
            brokerLabel: LABEL,
            apiKey: app.apiKey,
            userId: state.users.shoonya.userId,
            action: `${req.path}?${req.rawQuery}`,
          });
        },
      },
      {
        method: 'POST',
        path: SHOONYA_SIM_LOGIN,
        handle: (req) => {
          const app = loginApp(req);
          if (!app) return loginErrorPage(LABEL, 'Invalid client_id.');
          // Guess: OAuth-style cancel; no `state` is echoed (the page is not known to take one).
          if (req.form?.['decision'] !== 'login') {
            return redirectTo(app.redirectUri, [['error', 'access_denied']]);
          }
          // The code is a UUID (SimState.newGrant), as in public reports.
          return redirectTo(app.redirectUri, [['code', state.newGrant(app)]]);
        },
      },
      {
        method: 'POST',
        path: SHOONYA_SIM_TOKEN,
        // A forced fault still burns the code the request carried.
        onFault: (req) => {
          const m = /"code"\s*:\s*"([^"]+)"/.exec(req.body);
          if (m?.[1]) state.takeGrant('shoonya', m[1]);
        },
        handle: (req) => {
          if (req.headers['authorization'] !== undefined) {
            return notOk(
              'simulator: GenAcsTok takes no Authorization header (it mints the token)',
              400,
            );
          }
          const body = jData(req, ['code', 'checksum']);
          if (!('code' in body)) return body as SimReply;
          const code = body['code'];
          const status = state.grantStatus('shoonya', code);
          const grant = state.takeGrant('shoonya', code);
          // Guess: Noren's words for a spent, expired or unknown code.
          if (!grant) return notOk(status === 'expired' ? 'Code expired' : 'Invalid code');
          const app = state.app('shoonya', grant.apiKey);
          const expected = createHash('sha256')
            .update(`${grant.apiKey}${app?.apiSecret ?? ''}${code}`)
            .digest('hex');
          if (body['checksum'] !== expected) return notOk('Invalid Checksum');
          const now = state.now();
          const expiresAt = state.accessTokenExpiry('shoonya', now);
          const accessToken = randomAlnum(64);
          const refreshToken = randomAlnum(64);
          const record = {
            broker: 'shoonya' as const,
            apiKey: grant.apiKey,
            userId: grant.userId,
            issuedAt: now,
            expiresAt,
          };
          state.addToken(accessToken, { ...record, kind: 'access' });
          state.addToken(refreshToken, { ...record, kind: 'refresh' });
          return {
            status: 200,
            json: {
              stat: 'Ok',
              request_time: requestTime(),
              access_token: accessToken,
              refresh_token: refreshToken,
              // Guess: epoch seconds, as a string.
              expires_in: String(Math.floor(expiresAt.getTime() / 1000)),
              // Noren's Java OAuth handler reads USERID and actid.
              USERID: grant.userId,
              actid: grant.userId,
            },
          };
        },
      },
      {
        method: 'POST',
        path: SHOONYA_SIM_PROFILE,
        handle: (req) => {
          const auth = authorised(req);
          if (!('token' in auth)) return auth;
          const user = state.users.shoonya;
          return {
            status: 200,
            json: {
              stat: 'Ok',
              request_time: requestTime(),
              actid: auth.uid,
              uname: user.userName,
              email: 'nobody@example.invalid',
              m_num: '0000000000',
              brkname: 'SIMULATED',
              exarr: ['NSE', 'NFO', 'BSE'],
              prarr: [{ prd: 'C', s_prdt_ali: 'CNC', exch: ['NSE', 'BSE'] }],
            },
          };
        },
      },
      {
        method: 'POST',
        path: SHOONYA_SIM_LOGOUT,
        handle: (req) => {
          const auth = authorised(req);
          if (!('token' in auth)) return auth;
          state.revoke(auth.token);
          return { status: 200, json: { stat: 'Ok', request_time: requestTime() } };
        },
      },
    ],
  };
}
