/**
 * Simulated ICICI Direct Breeze login (brokers-more.md §2.7): GET/POST /apiuser/login?api_key=… (the
 * login page; the real one continues on /apiuser/tradelogin with password and OTP) → 302 to the app's
 * registered redirect URL with `?apisession=<API_Session>`; GET /breezeapi/api/v1/customerdetails
 * with a JSON body {"SessionToken", "AppKey"} (SDK breeze_connect.py `api_util`) answering
 * `Success.session_token` = base64("<user id>:<session key>"), the user id and name. Sessions die at
 * midnight IST (at most 24 h).
 *
 * Strict like the docs: customerdetails is a GET whose JSON body is required (a query, a form, a
 * missing Content-Type or a POST is refused with a "simulator:" error naming the mistake). Guess: the
 * real API may also accept other forms; only the SDK's is known to work.
 *
 * Guesses, marked where used: the API_Session is 8 digits; a cancel comes back as
 * `error=access_denied`; errors are HTTP 200 with `{Success: null, Status: 500, Error}` ("Invalid
 * session." for an unknown, revoked or other app's session, "Resource not available." for an expired
 * one, "Public Key does not exist." for an unknown app key, per the SDK's error handling); the session
 * may be checked any number of times until it dies.
 */
import { randomInt } from 'node:crypto';
import { DateTime } from 'luxon';
import { IST_ZONE } from '../../shared/expiry';
import { loginErrorPage, loginPage, redirectTo } from './login-page';
import type { SimState } from './state';
import { randomAlnum } from './tokens';
import { mediaType, type SimBroker, type SimReply, type SimRequest } from './types';

export const BREEZE_SIM_LOGIN = '/apiuser/login';
export const BREEZE_SIM_CUSTOMER_DETAILS = '/breezeapi/api/v1/customerdetails';

/** The SDK's error envelope. Guess: HTTP 200 (the SDK reads only the body). */
function breezeError(error: string, status = 500, httpStatus = 200): SimReply {
  return { status: httpStatus, json: { Success: null, Status: status, Error: error } };
}

/** A request the real API would not understand: named, so a failing test points at the cause. */
function malformed(req: SimRequest, what: string): SimReply {
  return breezeError(
    `simulator: ${req.method} ${req.path} ${what} (SDK api_util: GET with the JSON body {"SessionToken":…,"AppKey":…} and Content-Type application/json)`,
    500,
    400,
  );
}

/** A fresh 8-digit API_Session no other session has. Guess: real ones are 5–8 digits. */
function newSession(state: SimState): string {
  let session: string;
  do session = String(randomInt(10_000_000, 100_000_000));
  while (state.token(session) !== undefined);
  return session;
}

const istDate = (d: Date, format: string) =>
  DateTime.fromJSDate(d, { zone: IST_ZONE }).toFormat(format);

export function breezeBroker(state: SimState): SimBroker {
  /** The session key inside each session's session_token (what the SDK signs later calls with). */
  const sessionKeys = new Map<string, string>();
  const loginApp = (req: SimRequest) => state.app('breeze', req.query['api_key']);

  function customerDetails(req: SimRequest): SimReply {
    if (mediaType(req) !== 'application/json') {
      return malformed(
        req,
        `takes a JSON body, but the request sent ${req.headers['content-type'] ? `Content-Type ${req.headers['content-type']}` : 'no Content-Type'}`,
      );
    }
    if (req.rawQuery !== '') return malformed(req, 'takes no query; the values go in the body');
    const body = req.json;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return malformed(req, 'needs a JSON object body');
    }
    const { SessionToken, AppKey, ...rest } = body as Record<string, unknown>;
    if (typeof SessionToken !== 'string' || SessionToken === '' || typeof AppKey !== 'string') {
      return malformed(req, 'needs SessionToken and AppKey (strings) in the body');
    }
    if (Object.keys(rest).length > 0) {
      return malformed(req, `got unexpected body fields: ${Object.keys(rest).join(', ')}`);
    }
    if (!state.app('breeze', AppKey)) return breezeError('Public Key does not exist.');
    const record = state.token(SessionToken);
    const status = state.tokenStatus('breeze', SessionToken, 'access');
    if (status === 'expired') return breezeError('Resource not available.');
    // Guess: another app's session is as unknown as a made-up one.
    if (status !== 'valid' || record?.apiKey !== AppKey) return breezeError('Invalid session.');
    const user = state.users.breeze;
    const sessionKey = sessionKeys.get(SessionToken) ?? randomAlnum(16);
    sessionKeys.set(SessionToken, sessionKey);
    const today = istDate(state.now(), 'dd-LLL-yyyy');
    // The shape of the SDK README's example answer.
    return {
      status: 200,
      json: {
        Success: {
          exg_trade_date: { NSE: today, BSE: today, FNO: today, NDX: today },
          exg_status: { NSE: 'O', BSE: 'O', FNO: 'O', NDX: 'O' },
          segments_allowed: { Trading: 'Y', Equity: 'Y', Derivatives: 'Y', Currency: 'N' },
          idirect_userid: user.userId,
          session_token: Buffer.from(`${user.userId}:${sessionKey}`).toString('base64'),
          idirect_user_name: user.userName,
          idirect_ORD_TYP: '',
          idirect_lastlogin_time: istDate(record.issuedAt, 'dd-LLL-yyyy HH:mm:ss'),
          mf_holding_mode_popup_flg: 'N',
          commodity_exchange_status: 'O',
          commodity_trade_date: today,
          commodity_allowed: 'C',
        },
        Status: 200,
        Error: null,
      },
    };
  }

  return {
    broker: 'breeze',
    errorBody: (status) => ({ Success: null, Status: status, Error: 'Simulated server error' }),
    // Guess: the words of the 100-calls-a-minute limit (§2.7 [Doc]) are not published.
    rateLimitBody: () => ({ Success: null, Status: 429, Error: 'Limit exceeded.' }),
    routes: [
      {
        method: 'GET',
        path: BREEZE_SIM_LOGIN,
        handle: (req) => {
          const app = loginApp(req);
          if (!app) return loginErrorPage('ICICI Direct Breeze', 'Invalid API key.');
          return loginPage({
            brokerLabel: 'ICICI Direct Breeze',
            apiKey: app.apiKey,
            userId: state.users.breeze.userId,
            action: `${req.path}?${req.rawQuery}`,
          });
        },
      },
      {
        method: 'POST',
        path: BREEZE_SIM_LOGIN,
        handle: (req) => {
          const app = loginApp(req);
          if (!app) return loginErrorPage('ICICI Direct Breeze', 'Invalid API key.');
          // Guess: ICICI documents no cancel redirect.
          if (req.form?.['decision'] !== 'login') {
            return redirectTo(app.redirectUri, [['error', 'access_denied']]);
          }
          const now = state.now();
          const session = newSession(state);
          state.addToken(session, {
            broker: 'breeze',
            kind: 'access',
            apiKey: app.apiKey,
            userId: state.users.breeze.userId,
            issuedAt: now,
            expiresAt: state.accessTokenExpiry('breeze', now),
          });
          // [Code] OpenAlgo and community scripts read `?apisession=`; nothing else comes back.
          return redirectTo(app.redirectUri, [['apisession', session]]);
        },
      },
      { method: 'GET', path: BREEZE_SIM_CUSTOMER_DETAILS, handle: customerDetails },
      {
        method: 'POST',
        path: BREEZE_SIM_CUSTOMER_DETAILS,
        // Guess: the real API's answer to a POST is not documented; the SDK only ever GETs.
        handle: (req) =>
          breezeError(
            `simulator: customerdetails is a GET (SDK api_util), not ${req.method}`,
            405,
            405,
          ),
      },
    ],
  };
}
