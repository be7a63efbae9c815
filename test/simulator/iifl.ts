/**
 * Simulated IIFL Capital API redirect login (brokers-more.md §2.8 (a)): the login page at the login
 * host's root (`/iifl/` here: SIMULATOR_LOGIN_PREFIX) takes v=1, appkey and redirecturl and returns
 * to the app's registered redirect URL with `authCode` and `clientId`; POST /v1/getusersession
 * takes `{"checkSum": sha256(clientId + authCode + appSecret)}` and answers
 * `{"status":"Ok","userSession":<JWT>}`; GET /v1/profile and POST /v1/profile/logout take
 * `Authorization: Bearer <userSession>`.
 *
 * Guesses, marked where used: the page neither takes nor echoes a `state`; a cancel comes back as
 * `error=access_denied`; a redirect URL that is not the registered one exactly (or arrives
 * percent-encoded) brings the user back to it without any parameter ([Code] brlogin.py); errors are
 * `{"status":"Not_Ok","message":…,"result":[]}` with HTTP 400 (401 for a dead session); the profile
 * and logout shapes.
 */
import { loginErrorPage, loginPage, redirectTo } from './login-page';
import type { SimState } from './state';
import { fakeJwt } from './tokens';
import { createHash } from 'node:crypto';
import {
  wrongBodyType,
  type SimApp,
  type SimBroker,
  type SimReply,
  type SimRequest,
} from './types';

/** The login page's path under the simulator's login base (`/iifl`): the real page is the root. */
export const IIFL_SIM_LOGIN = '/iifl/';
export const IIFL_SIM_SESSION = '/v1/getusersession';
export const IIFL_SIM_PROFILE = '/v1/profile';
export const IIFL_SIM_LOGOUT = '/v1/profile/logout';

/** Guess: the Not_Ok envelope (OpenAlgo reads `status` and `message`). */
export function iiflError(status: number, message: string, code?: string): SimReply {
  return {
    status,
    json: { status: 'Not_Ok', message, ...(code !== undefined ? { code } : {}), result: [] },
  };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const LABEL = 'IIFL Capital';

/** The login URL must carry v=1, a known appkey and a redirecturl ([Code] auth_api.py). */
function loginUrlError(req: SimRequest): SimReply | undefined {
  if (req.query['v'] !== '1') {
    const got = req.query['v'];
    return loginErrorPage(
      LABEL,
      `simulator: the IIFL login URL must carry v=1 (brokers-more.md §2.8), but it had ${got === undefined ? 'no v' : `v=${got}`}.`,
    );
  }
  if ((req.query['redirecturl'] ?? '') === '') {
    return loginErrorPage(
      LABEL,
      'simulator: the IIFL login URL must carry redirecturl (brokers-more.md §2.8).',
    );
  }
  const camel = req.query['redirectUrl'];
  if (camel !== undefined && camel !== req.query['redirecturl']) {
    return loginErrorPage(
      LABEL,
      'simulator: redirecturl and redirectUrl name different addresses; send the same one (or only redirecturl).',
    );
  }
  const repeated = ['v', 'appkey', 'redirecturl', 'redirectUrl'].filter(
    (k) => new URLSearchParams(req.rawQuery).getAll(k).length > 1,
  );
  if (repeated.length > 0) {
    return loginErrorPage(
      LABEL,
      `simulator: the IIFL login URL repeats ${repeated.join(', ')}; send each once.`,
    );
  }
  return undefined;
}

/**
 * Guess ([Code] auth_api.py keeps the URL "unescaped to avoid provider-side double-decoding/parsing
 * issues seen with encoded callback URLs"): IIFL compares the redirecturl as it appears in the login
 * URL with the whitelisted one, so only the registered URL, sent unescaped, is "whitelisted".
 */
function whitelisted(req: SimRequest, app: SimApp): boolean {
  const raw = req.rawQuery.split('&').filter((p) => /^redirect(url|Url)=/.test(p));
  return (
    raw.length > 0 &&
    raw.every((p) => p.endsWith(`=${app.redirectUri}`)) &&
    req.query['redirecturl'] === app.redirectUri
  );
}

export function iiflBroker(state: SimState): SimBroker {
  const loginApp = (req: SimRequest) => state.app('iifl', req.query['appkey']);

  /** authCodes the login page issued, with their app: the exchange names none, only a checksum. */
  const issued: { code: string; app: SimApp; clientId: string }[] = [];

  /** The authCode a checksum was computed from, if any (with any app secret that is not the app's). */
  function grantFor(checkSum: unknown) {
    if (typeof checkSum !== 'string') return undefined;
    return issued.find((g) => sha256(g.clientId + g.code + g.app.apiSecret) === checkSum);
  }

  /** The session of a Bearer call, if valid; otherwise IIFL's answer (Guess: 401 Not_Ok). */
  function authorised(req: SimRequest): { token: string } | SimReply {
    const m = /^Bearer (\S+)$/.exec(req.headers['authorization'] ?? '');
    if (!m?.[1]) {
      return iiflError(
        401,
        `simulator: ${req.method} ${req.path} needs Authorization: Bearer <userSession> (brokers-more.md §2.8)`,
      );
    }
    if (state.tokenStatus('iifl', m[1], 'access') !== 'valid') {
      return iiflError(401, 'Invalid session. Please login again');
    }
    return { token: m[1] };
  }

  return {
    broker: 'iifl',
    // [Code] OpenAlgo rate_limiter.py quotes IIFL's EC003 "Something went wrong, please try after
    // some time"; Guess: that is the body of a 5xx.
    errorBody: (status) =>
      iiflError(status, 'Something went wrong, please try after some time', 'EC003').json,
    // Guess: IIFL documents no rate-limit body (OpenAlgo rate_limiter.py).
    rateLimitBody: () => iiflError(429, 'Too many requests').json,
    routes: [
      {
        method: 'GET',
        path: IIFL_SIM_LOGIN,
        handle: (req) => {
          const bad = loginUrlError(req);
          if (bad) return bad;
          const app = loginApp(req);
          if (!app) return loginErrorPage(LABEL, 'Invalid app key.');
          return loginPage({
            brokerLabel: LABEL,
            apiKey: app.apiKey,
            userId: state.users.iifl.userId,
            action: `${req.path}?${req.rawQuery}`,
          });
        },
      },
      {
        method: 'POST',
        path: IIFL_SIM_LOGIN,
        handle: (req) => {
          const bad = loginUrlError(req);
          if (bad) return bad;
          const app = loginApp(req);
          if (!app) return loginErrorPage(LABEL, 'Invalid app key.');
          const target = req.query['redirecturl'] ?? app.redirectUri;
          // [Code] brlogin.py: not whitelisted exactly → back to that URL without any parameter.
          if (!whitelisted(req, app)) return redirectTo(target, []);
          // Guess: no state is taken or echoed; a cancel is an OAuth-style error.
          if (req.form?.['decision'] !== 'login') {
            return redirectTo(app.redirectUri, [['error', 'access_denied']]);
          }
          const code = state.newGrant(app);
          const clientId = state.users.iifl.userId;
          issued.push({ code, app, clientId });
          return redirectTo(app.redirectUri, [
            ['authCode', code],
            ['clientId', clientId],
          ]);
        },
      },
      {
        method: 'POST',
        path: IIFL_SIM_SESSION,
        // A forced fault still burns the authCode the checksum was made from.
        onFault: (req) => {
          const g = grantFor((req.json as { checkSum?: unknown } | undefined)?.checkSum);
          if (g) state.takeGrant('iifl', g.code);
        },
        handle: (req) => {
          const wrongType = wrongBodyType(req, 'application/json');
          if (wrongType) return iiflError(400, wrongType);
          const body = req.json;
          const keys =
            typeof body === 'object' && body !== null ? Object.keys(body).sort().join(',') : '';
          const checkSum = (body as { checkSum?: unknown } | undefined)?.checkSum;
          if (
            keys !== 'checkSum' ||
            typeof checkSum !== 'string' ||
            !/^[0-9a-f]{64}$/.test(checkSum)
          ) {
            return iiflError(
              400,
              'simulator: getusersession takes exactly {"checkSum": hex sha256(clientId + authCode + appSecret)} (brokers-more.md §2.8)',
            );
          }
          const g = grantFor(checkSum);
          // Guess: a checksum matching no login code at all (wrong secret, client id or code).
          if (!g) return iiflError(400, 'Invalid checksum');
          // Single use, and short-lived (Guess: 10 minutes).
          if (!state.takeGrant('iifl', g.code)) {
            return iiflError(400, 'Auth code is invalid or expired');
          }
          const now = state.now();
          const expiresAt = state.accessTokenExpiry('iifl', now);
          // [3P]: a JWT whose claims name the client (`preferred_username`).
          const userSession = fakeJwt(
            { sub: g.clientId, preferred_username: g.clientId, appkey: g.app.apiKey },
            now,
            expiresAt,
          );
          state.addToken(userSession, {
            broker: 'iifl',
            kind: 'access',
            apiKey: g.app.apiKey,
            userId: g.clientId,
            issuedAt: now,
            expiresAt,
          });
          return { status: 200, json: { status: 'Ok', message: 'Success', userSession } };
        },
      },
      {
        method: 'GET',
        path: IIFL_SIM_PROFILE,
        handle: (req) => {
          const auth = authorised(req);
          if (!('token' in auth)) return auth;
          const user = state.users.iifl;
          // Guess: the profile's shape.
          return {
            status: 200,
            json: {
              status: 'Ok',
              message: 'Success',
              result: {
                clientId: user.userId,
                clientName: user.userName,
                emailId: 'sim-user@example.invalid',
                exchanges: ['NSEEQ', 'NSEFO', 'BSEEQ'],
              },
            },
          };
        },
      },
      {
        method: 'POST',
        path: IIFL_SIM_LOGOUT,
        handle: (req) => {
          const auth = authorised(req);
          if (!('token' in auth)) return auth;
          state.revoke(auth.token);
          // Guess: the logout answer.
          return {
            status: 200,
            json: { status: 'Ok', message: 'Logged out successfully', result: [] },
          };
        },
      },
    ],
  };
}
