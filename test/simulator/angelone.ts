/**
 * Simulated Angel One SmartAPI Publisher login (brokers-more.md §2.1): GET/POST /publisher-login
 * (api_key, state) → 302 to the registered https URL with auth_token (a JWT), feed_token,
 * refresh_token and state; getProfile and logout under /rest/secure/angelbroking/user/v1 with the
 * SmartAPI header set. Tokens die at 05:00 IST (the JWT `exp` says so too).
 *
 * Guesses, marked where used: the redirect echoes `state`; a cancel comes back as
 * `error=access_denied`; a rejected token answers 403 `{success:false, message:"Invalid Token",
 * errorCode:"AG8001"}` whether it expired or was logged out; an unknown key answers "Invalid API Key".
 */
import { loginErrorPage, loginPage, redirectTo } from './login-page';
import type { SimState } from './state';
import { fakeJwt, randomAlnum } from './tokens';
import { wrongBodyType, type SimBroker, type SimReply, type SimRequest } from './types';

export const ANGELONE_SIM_PROFILE = '/rest/secure/angelbroking/user/v1/getProfile';
export const ANGELONE_SIM_LOGOUT = '/rest/secure/angelbroking/user/v1/logout';

function angelError(status: number, errorCode: string, message: string): SimReply {
  return { status, json: { success: false, message, errorCode, data: '' } };
}

const invalidToken = () => angelError(403, 'AG8001', 'Invalid Token');

/** The headers every SmartAPI secure call must carry (SDK smartConnect.py). */
function headerError(req: SimRequest): SimReply | undefined {
  const missing = [
    'x-usertype',
    'x-sourceid',
    'x-clientlocalip',
    'x-clientpublicip',
    'x-macaddress',
    'x-privatekey',
  ].filter((h) => (req.headers[h] ?? '') === '');
  if (missing.length === 0 && req.headers['x-usertype'] === 'USER') return undefined;
  return angelError(
    400,
    'AB2000',
    `simulator: ${req.method} ${req.path} needs the SmartAPI headers (brokers-more.md §2.1); missing or wrong: ${missing.join(', ') || 'X-UserType'}`,
  );
}

export function angeloneBroker(state: SimState): SimBroker {
  const loginApp = (req: SimRequest) => state.app('angelone', req.query['api_key']);

  /** The token of a secure call, if valid and issued to the app named by X-PrivateKey. */
  function authorised(req: SimRequest): { token: string } | SimReply {
    const bad = headerError(req);
    if (bad) return bad;
    const m = /^Bearer (\S+)$/.exec(req.headers['authorization'] ?? '');
    if (!m?.[1]) return angelError(403, 'AG8003', 'Token missing');
    const record = state.token(m[1]);
    if (state.tokenStatus('angelone', m[1], 'access') !== 'valid') return invalidToken();
    // Guess: the error for a key that does not match the token's app.
    if (record?.apiKey !== req.headers['x-privatekey']) {
      return angelError(403, 'AG8004', 'Invalid API Key');
    }
    return { token: m[1] };
  }

  return {
    broker: 'angelone',
    errorBody: (status) => ({
      success: false,
      message: 'Simulated gateway error',
      errorCode: 'AB2001',
      data: '',
      status,
    }),
    rateLimitBody: () => ({
      success: false,
      message: 'Access denied because of exceeding access rate',
      errorCode: 'AB1019',
      data: '',
    }),
    routes: [
      {
        method: 'GET',
        path: '/publisher-login',
        handle: (req) => {
          const app = loginApp(req);
          // A Trading-app key gets 403 from the real page (brokers-more.md §2.1 [Issue]).
          if (!app) return loginErrorPage('Angel One', 'Invalid API key (Publisher apps only).');
          return loginPage({
            brokerLabel: 'Angel One',
            apiKey: app.apiKey,
            userId: state.users.angelone.userId,
            action: `${req.path}?${req.rawQuery}`,
          });
        },
      },
      {
        method: 'POST',
        path: '/publisher-login',
        handle: (req) => {
          const app = loginApp(req);
          if (!app) return loginErrorPage('Angel One', 'Invalid API key (Publisher apps only).');
          // Guess: the state from the login URL comes back on the redirect.
          const echo: [string, string][] =
            req.query['state'] !== undefined ? [['state', req.query['state']]] : [];
          if (req.form?.['decision'] !== 'login') {
            return redirectTo(app.redirectUri, [['error', 'access_denied'], ...echo]);
          }
          const now = state.now();
          const user = state.users.angelone;
          const expiresAt = state.accessTokenExpiry('angelone', now);
          const jwt = fakeJwt({ sub: user.userId, API_KEY: app.apiKey }, now, expiresAt);
          state.addToken(jwt, {
            broker: 'angelone',
            kind: 'access',
            apiKey: app.apiKey,
            userId: user.userId,
            issuedAt: now,
            expiresAt,
          });
          // [Doc] "auth_token & feed_token as query parameters"; refresh_token per public code.
          return redirectTo(app.redirectUri, [
            ['auth_token', jwt],
            ['feed_token', randomAlnum(40)],
            ['refresh_token', randomAlnum(40)],
            ...echo,
          ]);
        },
      },
      {
        method: 'GET',
        path: ANGELONE_SIM_PROFILE,
        handle: (req) => {
          const auth = authorised(req);
          if (!('token' in auth)) return auth;
          const user = state.users.angelone;
          return {
            status: 200,
            json: {
              status: true,
              message: 'SUCCESS',
              errorcode: '',
              data: {
                clientcode: user.userId,
                name: user.userName,
                email: '',
                mobileno: '',
                exchanges: ['NSE', 'BSE'],
                products: ['MARGIN', 'MIS'],
                lastlogintime: '',
                brokerid: 'B2C',
              },
            },
          };
        },
      },
      {
        method: 'POST',
        path: ANGELONE_SIM_LOGOUT,
        handle: (req) => {
          const wrongType = wrongBodyType(req, 'application/json');
          if (wrongType) return angelError(400, 'AB2000', wrongType);
          const auth = authorised(req);
          if (!('token' in auth)) return auth;
          const body = req.json as { clientcode?: unknown } | undefined;
          if (body?.clientcode !== state.users.angelone.userId) {
            return angelError(400, 'AB2000', 'simulator: logout needs the clientcode in the body');
          }
          state.revoke(auth.token);
          return {
            status: 200,
            json: { status: true, message: 'SUCCESS', errorcode: '', data: '' },
          };
        },
      },
    ],
  };
}
