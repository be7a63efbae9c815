/**
 * Simulated Zerodha Kite Connect v3 (brokers.md §1, §3). Tokens are opaque; a new session for an
 * api_key ends the previous one (staff, §3 O[K9]) unless `oneSessionPerApp` is off.
 */
import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { IST_ZONE } from '../../shared/expiry';
import { loginErrorPage, loginPage, redirectTo } from './login-page';
import type { SimState } from './state';
import { randomAlnum } from './tokens';
import { wrongBodyType, type SimBroker, type SimReply, type SimRequest } from './types';

/** `{"status":"error","message":…,"error_type":…}` + HTTP code (brokers.md §3 [K5]). */
export function kiteError(status: number, errorType: string, message: string): SimReply {
  return { status, json: { status: 'error', message, data: null, error_type: errorType } };
}

const tokenException = () =>
  kiteError(403, 'TokenException', 'Incorrect `api_key` or `access_token`.');

/**
 * Every Kite Connect v3 API call carries `X-Kite-Version: 3` (brokers.md §1 [K1][KP]). What Kite
 * answers without it is not documented; the simulator refuses with words naming the header, so an
 * adapter that dropped it cannot pass a test.
 */
function versionError(req: SimRequest): SimReply | undefined {
  const got = req.headers['x-kite-version'];
  if (got === '3') return undefined;
  return kiteError(
    400,
    'InputException',
    `simulator: ${req.method} ${req.path} needs the header X-Kite-Version: 3 (brokers.md §1), but the request sent ${got === undefined ? 'none' : `X-Kite-Version: ${got}`}`,
  );
}

/** The login URL carries v=3 and api_key (brokers.md §1 [K1]). */
function loginUrlError(req: SimRequest): SimReply | undefined {
  if (req.query['v'] === '3') return undefined;
  const got = req.query['v'];
  return loginErrorPage(
    'Kite',
    `simulator: the Kite login URL must carry v=3 (brokers.md §1), but it had ${got === undefined ? 'no v' : `v=${got}`}.`,
  );
}

export function kiteBroker(state: SimState, options: { oneSessionPerApp: boolean }): SimBroker {
  const loginApp = (req: SimRequest) => state.app('kite', req.query['api_key']);
  const grantOf = (req: SimRequest) => state.takeGrant('kite', req.form?.['request_token']);

  return {
    broker: 'kite',
    // Guess: the error_type Kite uses for 429/5xx is not in brokers.md.
    errorBody: (status) => kiteError(status, 'NetworkException', 'Simulated gateway error').json,
    rateLimitBody: () => kiteError(429, 'NetworkException', 'Too many requests').json,
    routes: [
      {
        method: 'GET',
        path: '/connect/login',
        handle: (req) => {
          const bad = loginUrlError(req);
          if (bad) return bad;
          const app = loginApp(req);
          if (!app) return loginErrorPage('Kite', 'Invalid `api_key`.');
          return loginPage({
            brokerLabel: 'Kite',
            apiKey: app.apiKey,
            userId: state.users.kite.userId,
            action: `${req.path}?${req.rawQuery}`,
          });
        },
      },
      {
        method: 'POST',
        path: '/connect/login',
        handle: (req) => {
          const bad = loginUrlError(req);
          if (bad) return bad;
          const app = loginApp(req);
          if (!app) return loginErrorPage('Kite', 'Invalid `api_key`.');
          // redirect_params come back appended to the redirect (brokers.md §1 [K1]).
          const extra = [...new URLSearchParams(req.query['redirect_params'] ?? '')];
          const base: [string, string][] = [
            ['action', 'login'],
            ['type', 'login'],
          ];
          if (req.form?.['decision'] !== 'login') {
            // Guess: brokers.md shows only status=success; a cancel comes back as status=cancelled.
            return redirectTo(app.redirectUri, [...base, ['status', 'cancelled'], ...extra]);
          }
          const requestToken = state.newGrant(app);
          // Seen: action=login&type=login&status=success&request_token=… (brokers.md §1 O[K3]).
          return redirectTo(app.redirectUri, [
            ...base,
            ['status', 'success'],
            ['request_token', requestToken],
            ...extra,
          ]);
        },
      },
      {
        method: 'POST',
        path: '/session/token',
        onFault: (req) => void grantOf(req),
        handle: (req) => {
          const badVersion = versionError(req);
          if (badVersion) return badVersion;
          // Form-encoded (brokers.md §1 [K1]); another type would otherwise read as "no api_key".
          const wrongType = wrongBodyType(req, 'application/x-www-form-urlencoded');
          if (wrongType) return kiteError(400, 'InputException', wrongType);
          const form = req.form ?? {};
          const grant = grantOf(req); // single use, burnt even on failure (brokers.md §3 O[K4])
          const app = state.app('kite', form['api_key']);
          // Guess: the exact answer for an unknown api_key is not in brokers.md.
          if (!app) return kiteError(400, 'InputException', 'Invalid `api_key`.');
          const expected = createHash('sha256')
            .update(app.apiKey + (form['request_token'] ?? '') + app.apiSecret)
            .digest('hex');
          // Bad checksum → 403 TokenException "Invalid `checksum`" (brokers.md §3 O[K6]).
          if (form['checksum'] !== expected) {
            return kiteError(403, 'TokenException', 'Invalid `checksum`.');
          }
          // Stale/reused request_token → 403 "Token is invalid or has expired." (§3 O[K7]).
          if (!grant || grant.apiKey !== app.apiKey) {
            return kiteError(403, 'TokenException', 'Token is invalid or has expired.');
          }
          if (options.oneSessionPerApp) {
            state.revokeWhere((t) => t.broker === 'kite' && t.apiKey === app.apiKey);
          }
          const now = state.now();
          const user = state.users.kite;
          const accessToken = randomAlnum(32);
          state.addToken(accessToken, {
            broker: 'kite',
            kind: 'access',
            apiKey: app.apiKey,
            userId: user.userId,
            issuedAt: now,
            expiresAt: state.accessTokenExpiry('kite', now),
          });
          return {
            status: 200,
            json: {
              status: 'success',
              data: {
                user_type: 'individual',
                email: 'sim-user@example.invalid',
                user_name: user.userName,
                user_shortname: 'Sim',
                broker: 'ZERODHA',
                exchanges: ['NSE', 'BSE'],
                products: ['CNC', 'MIS'],
                order_types: ['MARKET', 'LIMIT'],
                avatar_url: null,
                user_id: user.userId,
                api_key: app.apiKey,
                access_token: accessToken,
                public_token: randomAlnum(32),
                refresh_token: '',
                enctoken: '',
                login_time: DateTime.fromJSDate(now, { zone: IST_ZONE }).toFormat(
                  'yyyy-MM-dd HH:mm:ss',
                ),
                meta: { demat_consent: 'empty' },
              },
            },
          };
        },
      },
      {
        method: 'GET',
        path: '/user/profile',
        handle: (req) => {
          const badVersion = versionError(req);
          if (badVersion) return badVersion;
          const m = /^token ([^:\s]+):(\S+)$/.exec(req.headers['authorization'] ?? '');
          const record = m?.[2] !== undefined ? state.token(m[2]) : undefined;
          if (
            !m ||
            state.tokenStatus('kite', m[2], 'access') !== 'valid' ||
            record?.apiKey !== m[1]
          ) {
            return tokenException();
          }
          const user = state.users.kite;
          return {
            status: 200,
            json: {
              status: 'success',
              data: {
                user_id: user.userId,
                user_type: 'individual',
                email: 'sim-user@example.invalid',
                user_name: user.userName,
                user_shortname: 'Sim',
                broker: 'ZERODHA',
                exchanges: ['NSE', 'BSE'],
                products: ['CNC', 'MIS'],
                order_types: ['MARKET', 'LIMIT'],
                avatar_url: null,
                meta: { demat_consent: 'empty' },
              },
            },
          };
        },
      },
      {
        method: 'DELETE',
        path: '/session/token',
        handle: (req) => {
          const badVersion = versionError(req);
          if (badVersion) return badVersion;
          // api_key and access_token as query parameters (brokers.md §1 [K1][KP]).
          const token = req.query['access_token'];
          const record = token !== undefined ? state.token(token) : undefined;
          // The official clients also send `Authorization: token api_key:access_token` (issue 9
          // item 17); when present it must name the same session as the query.
          const auth = req.headers['authorization'];
          const authMatches =
            auth === undefined || auth === `token ${req.query['api_key'] ?? ''}:${token ?? ''}`;
          if (
            token === undefined ||
            !authMatches ||
            state.tokenStatus('kite', token, 'access') !== 'valid' ||
            record?.apiKey !== req.query['api_key']
          ) {
            return tokenException();
          }
          state.revoke(token);
          return { status: 200, json: { status: 'success', data: true } };
        },
      },
    ],
  };
}
