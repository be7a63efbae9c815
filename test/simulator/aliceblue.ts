/**
 * Simulated Alice Blue ANT / A3 vendor flow (brokers-more.md §2.5; Alice Blue's product
 * documentation, Authentication and Profile pages):
 *
 *   GET/POST {login}/?appcode=…          the login page (the real one is the host root; in the
 *                                        simulator the login base is `/aliceblue`, so `/aliceblue/`)
 *                                        → 302 to the registered URL with authCode and userId
 *   POST /open-api/od/v1/vendor/getUserDetails   {"checkSum": sha256(userId + authCode + apiSecret)}
 *                                        → {"stat":"Ok","clientId","userSession":<JWT>}
 *   GET  /open-api/od/v1/profile/        Authorization: Bearer <userSession>
 *                                        → {"status":"Ok","message":"Success","result":[{clientId,…}]}
 *
 * Guesses, marked where used: the login URL takes nothing but `appcode` and echoes no state; a
 * cancel comes back as `error=access_denied`; the vendor endpoint answers its errors with HTTP 200
 * and `{"stat":"Not_ok","emsg":…}`, and a checksum matching no fresh login (wrong secret, used or
 * stale authCode) is "Invalid auth code"; a dead session answers 401 `{"status":"Not_Ok",
 * "message":"EC087"}` (EC087 = "Session Expired") whether it expired or was logged out; the JWT's
 * own `exp` is ~60 days out (as in the documented sample) while the session dies at 03:00 IST.
 */
import { createHash } from 'node:crypto';
import { loginErrorPage, loginPage, redirectTo } from './login-page';
import type { SimState } from './state';
import { fakeJwt } from './tokens';
import { wrongBodyType, type SimBroker, type SimReply, type SimRequest } from './types';

/** The simulator's login base carries this prefix (SIMULATOR_LOGIN_PREFIX); the page is its root. */
export const ALICEBLUE_SIM_LOGIN = '/aliceblue/';
export const ALICEBLUE_SIM_SESSION = '/open-api/od/v1/vendor/getUserDetails';
export const ALICEBLUE_SIM_PROFILE = '/open-api/od/v1/profile/';

/** The documented sample JWT lives ~59.8 days (iat 1752550464, exp 1757727628). */
const JWT_LIFE_MS = 60 * 24 * 3_600_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** `{"stat":"Not_ok","emsg":…}` (documented error response). */
function vendorError(status: number, emsg: string): SimReply {
  return { status, json: { stat: 'Not_ok', emsg } };
}

/** `{"status":"Not_Ok","message":…}` (A3 API errors, OpenAlgo's reading). */
function apiError(status: number, message: string): SimReply {
  return { status, json: { status: 'Not_Ok', message, result: [] } };
}

export function aliceblueBroker(state: SimState): SimBroker {
  /** checkSum → authCode, for every login this simulator completed (sim.issueGrant ones excluded). */
  const byChecksum = new Map<string, string>();

  /** The documented login URL carries `appcode` and nothing else. */
  function loginUrlError(req: SimRequest): SimReply | undefined {
    const names = [...new URLSearchParams(req.rawQuery).keys()];
    if (names.length === 1 && names[0] === 'appcode') return undefined;
    return loginErrorPage(
      'Alice Blue',
      `simulator: the Alice Blue login URL takes exactly one parameter, appcode (brokers-more.md §2.5), but it had: ${names.join(', ') || 'none'}.`,
    );
  }

  function loginApp(req: SimRequest) {
    return state.app('aliceblue', req.query['appcode']);
  }

  /** The grant a request's checkSum stands for (undefined when it matches no login). */
  function grantOf(req: SimRequest): string | undefined {
    const body = req.json as { checkSum?: unknown } | undefined;
    return typeof body?.checkSum === 'string' ? byChecksum.get(body.checkSum) : undefined;
  }

  /** The body must be exactly {"checkSum": <64 hex>}: the docs say the checksum is all it carries. */
  function bodyError(req: SimRequest): SimReply | undefined {
    const wrongType = wrongBodyType(req, 'application/json');
    if (wrongType) return vendorError(400, wrongType);
    const body = req.json;
    const keys = typeof body === 'object' && body !== null ? Object.keys(body) : [];
    const checkSum = (body as { checkSum?: unknown } | undefined)?.checkSum;
    if (
      keys.length !== 1 ||
      keys[0] !== 'checkSum' ||
      typeof checkSum !== 'string' ||
      !/^[0-9a-f]{64}$/.test(checkSum)
    ) {
      return vendorError(
        400,
        `simulator: ${req.path} takes exactly {"checkSum": hex sha256(userId + authCode + apiSecret)} (brokers-more.md §2.5), but got keys: ${keys.join(', ') || 'none'}`,
      );
    }
    return undefined;
  }

  return {
    broker: 'aliceblue',
    // EC003 "An error occurred. Please try again later." (Alice Blue's error table).
    errorBody: () => ({ status: 'Not_Ok', message: 'EC003', result: [] }),
    // Guess: the words of Alice Blue's rate limit answer are not documented.
    rateLimitBody: () => ({ status: 'Not_Ok', message: 'Too many requests', result: [] }),
    routes: [
      {
        method: 'GET',
        path: ALICEBLUE_SIM_LOGIN,
        handle: (req) => {
          const bad = loginUrlError(req);
          if (bad) return bad;
          const app = loginApp(req);
          if (!app) return loginErrorPage('Alice Blue', 'Invalid app code.');
          return loginPage({
            brokerLabel: 'Alice Blue',
            apiKey: app.apiKey,
            userId: state.users.aliceblue.userId,
            action: `${req.path}?${req.rawQuery}`,
          });
        },
      },
      {
        method: 'POST',
        path: ALICEBLUE_SIM_LOGIN,
        handle: (req) => {
          const bad = loginUrlError(req);
          if (bad) return bad;
          const app = loginApp(req);
          if (!app) return loginErrorPage('Alice Blue', 'Invalid app code.');
          if (req.form?.['decision'] !== 'login') {
            // Guess: the real page's cancel is not documented.
            return redirectTo(app.redirectUri, [['error', 'access_denied']]);
          }
          const authCode = state.newGrant(app);
          const userId = state.users.aliceblue.userId;
          byChecksum.set(sha256(userId + authCode + app.apiSecret), authCode);
          // [Doc] "redirected to the Redirect URL … along with authCode, userId".
          return redirectTo(app.redirectUri, [
            ['authCode', authCode],
            ['userId', userId],
          ]);
        },
      },
      {
        method: 'POST',
        path: ALICEBLUE_SIM_SESSION,
        // A login the broker has seen is used up, even when the answer is lost.
        onFault: (req) => void state.takeGrant('aliceblue', grantOf(req)),
        handle: (req) => {
          const bad = bodyError(req);
          if (bad) return bad;
          const code = grantOf(req);
          const grant = state.takeGrant('aliceblue', code);
          // Guess: HTTP 200 with the documented sample error for every checksum that is no fresh
          // login — Alice Blue cannot tell a wrong secret from a used or stale authCode.
          if (!grant) return vendorError(200, 'Invalid auth code');
          const now = state.now();
          const user = state.users.aliceblue;
          const userSession = fakeJwt(
            {
              sub: `sim-${user.userId}`,
              typ: 'Bearer',
              azp: 'alice-kb',
              clientId: user.userId,
            },
            now,
            new Date(now.getTime() + JWT_LIFE_MS),
          );
          state.addToken(userSession, {
            broker: 'aliceblue',
            kind: 'access',
            apiKey: grant.apiKey,
            userId: user.userId,
            issuedAt: now,
            expiresAt: state.accessTokenExpiry('aliceblue', now),
          });
          return { status: 200, json: { stat: 'Ok', clientId: user.userId, userSession } };
        },
      },
      {
        method: 'GET',
        path: ALICEBLUE_SIM_PROFILE,
        handle: (req) => {
          const m = /^Bearer (\S+)$/.exec(req.headers['authorization'] ?? '');
          if (!m?.[1]) {
            return apiError(
              401,
              `simulator: ${req.path} needs Authorization: Bearer <userSession> (OpenAlgo broker/aliceblue), but the request sent ${req.headers['authorization'] === undefined ? 'none' : 'another form'}`,
            );
          }
          if (state.tokenStatus('aliceblue', m[1], 'access') !== 'valid') {
            return apiError(401, 'EC087');
          }
          const user = state.users.aliceblue;
          return {
            status: 200,
            json: {
              status: 'Ok',
              message: 'Success',
              result: [
                {
                  clientId: user.userId,
                  clientName: user.userName,
                  isTotpEnabled: 'Y',
                  isPoaProvided: 'N',
                  accountStatus: 'Activated',
                  exchanges: ['NSE', 'BSE', 'NFO'],
                  products: ['LONGTERM', 'INTRADAY', 'MTF'],
                  orderComplexity: ['REGULAR', 'AMO'],
                },
              ],
            },
          };
        },
      },
    ],
  };
}
