/**
 * Simulated FYERS API v3 (brokers.md §1, §4). Errors are `{"s":"error","code":<negative>,"message"}`.
 * Codes brokers.md lists are used as documented; where it is silent (a bad auth_code, a wrong PIN)
 * the choice is marked as a guess.
 */
import { createHash } from 'node:crypto';
import { loginErrorPage, loginPage, redirectTo } from './login-page';
import type { SimState, TokenStatus } from './state';
import { fakeJwt } from './tokens';
import { wrongBodyType, type SimBroker, type SimReply, type SimRequest } from './types';

export function fyersError(status: number, code: number, message: string): SimReply {
  return { status, json: { s: 'error', code, message } };
}

/** -8 expired, -15 invalid, -16 cannot authenticate (brokers.md §1 [F1]); HTTP 401 = auth error. */
function tokenError(status: TokenStatus): SimReply {
  if (status === 'expired')
    return fyersError(401, -8, 'Your token has expired. Please generate a token');
  if (status === 'revoked') return fyersError(401, -16, 'Could not authenticate the user');
  return fyersError(401, -15, 'Provided an invalid token');
}

const appIdHash = (apiKey: string, apiSecret: string) =>
  createHash('sha256').update(`${apiKey}:${apiSecret}`).digest('hex');

function jsonBody(req: SimRequest): Record<string, unknown> {
  return typeof req.json === 'object' && req.json !== null
    ? (req.json as Record<string, unknown>)
    : {};
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

export function fyersBroker(state: SimState): SimBroker {
  const loginApp = (req: SimRequest) => {
    const app = state.app('fyers', req.query['client_id']);
    if (!app) return loginErrorPage('FYERS', 'Invalid app id');
    if (req.query['redirect_uri'] !== app.redirectUri) {
      return loginErrorPage('FYERS', 'redirectUrl mismatch');
    }
    if (req.query['response_type'] !== 'code') {
      return loginErrorPage('FYERS', 'response_type must be "code"');
    }
    return app;
  };
  const grantOf = (req: SimRequest) => state.takeGrant('fyers', str(jsonBody(req)['code']));

  /** The access token in `Authorization: app_id:access_token`, if it is valid for that app. */
  function authorised(req: SimRequest): { token: string } | SimReply {
    const header = req.headers['authorization'] ?? '';
    const colon = header.indexOf(':');
    if (colon < 1) return tokenError('unknown');
    const appId = header.slice(0, colon);
    const token = header.slice(colon + 1);
    const status = state.tokenStatus('fyers', token, 'access');
    if (status !== 'valid') return tokenError(status);
    if (state.token(token)?.apiKey !== appId) return tokenError('revoked');
    return { token };
  }

  return {
    broker: 'fyers',
    errorBody: (status) => fyersError(status, -500, 'Simulated internal server error').json,
    rateLimitBody: () => fyersError(429, -429, 'request limit reached').json,
    routes: [
      {
        method: 'GET',
        path: '/api/v3/generate-authcode',
        handle: (req) => {
          const app = loginApp(req);
          if ('status' in app) return app;
          return loginPage({
            brokerLabel: 'FYERS',
            apiKey: app.apiKey,
            userId: state.users.fyers.userId,
            action: `${req.path}?${req.rawQuery}`,
          });
        },
      },
      {
        method: 'POST',
        path: '/api/v3/generate-authcode',
        handle: (req) => {
          const app = loginApp(req);
          if ('status' in app) return app;
          const stateParam: [string, string][] =
            req.query['state'] !== undefined ? [['state', req.query['state']]] : [];
          if (req.form?.['decision'] !== 'login') {
            // Guess: brokers.md documents only the success redirect; a cancel is sent in FYERS'
            // error shape (s=error, negative code, message).
            return redirectTo(app.redirectUri, [
              ['s', 'error'],
              ['code', '-1'],
              ['message', 'User cancelled the login'],
              ...stateParam,
            ]);
          }
          const authCode = state.newGrant(app);
          // s=ok&code=200 (a status) &auth_code=…&state=… (brokers.md §1 [F1] O[F5]).
          return redirectTo(app.redirectUri, [
            ['s', 'ok'],
            ['code', '200'],
            ['auth_code', authCode],
            ...stateParam,
          ]);
        },
      },
      {
        method: 'POST',
        path: '/api/v3/validate-authcode',
        onFault: (req) => void grantOf(req),
        handle: (req) => {
          // JSON (brokers.md §1 [F1]). FYERS' answer to a form body is not documented (it would read
          // as a missing grant_type, -441); the simulator names the mistake instead. Code: a guess.
          const wrongType = wrongBodyType(req, 'application/json');
          if (wrongType) return fyersError(415, -415, wrongType);
          const body = jsonBody(req);
          const grant = grantOf(req); // single use, burnt even on failure
          if (body['grant_type'] !== 'authorization_code') {
            return fyersError(400, -441, 'invalid grant type'); // brokers.md §4 O[F4]
          }
          // Guess: the code for a bad/used auth_code is not in brokers.md; -17 "invalid or expired".
          if (!grant) return fyersError(400, -17, 'Invalid or expired auth code');
          const app = state.app('fyers', grant.apiKey);
          if (!app || body['appIdHash'] !== appIdHash(app.apiKey, app.apiSecret)) {
            // brokers.md §4 O[F4] (seen for a missing hash; used for a wrong one too — a guess).
            return fyersError(400, -371, 'Please provide sha256 hash of appId and app secret');
          }
          const now = state.now();
          const accessExpiry = state.accessTokenExpiry('fyers', now);
          const refreshExpiry = state.refreshTokenExpiry(now);
          const accessToken = fakeJwt(
            { sub: 'access_token', app_id: app.apiKey },
            now,
            accessExpiry,
          );
          const refreshToken = fakeJwt(
            { sub: 'refresh_token', app_id: app.apiKey },
            now,
            refreshExpiry,
          );
          const base = { broker: 'fyers' as const, apiKey: app.apiKey, userId: grant.userId };
          state.addToken(accessToken, {
            ...base,
            kind: 'access',
            issuedAt: now,
            expiresAt: accessExpiry,
          });
          state.addToken(refreshToken, {
            ...base,
            kind: 'refresh',
            issuedAt: now,
            expiresAt: refreshExpiry,
          });
          return {
            status: 200,
            json: {
              s: 'ok',
              code: 200,
              message: '',
              access_token: accessToken,
              refresh_token: refreshToken,
            },
          };
        },
      },
      {
        method: 'POST',
        path: '/api/v3/validate-refresh-token',
        handle: (req) => {
          const wrongType = wrongBodyType(req, 'application/json'); // brokers.md §4 [F1]
          if (wrongType) return fyersError(415, -415, wrongType);
          const body = jsonBody(req);
          if (body['grant_type'] !== 'refresh_token')
            return fyersError(400, -441, 'invalid grant type');
          const refreshToken = str(body['refresh_token']);
          const status = state.tokenStatus('fyers', refreshToken, 'refresh');
          if (status !== 'valid' || refreshToken === undefined) return tokenError(status);
          const record = state.token(refreshToken);
          const app = record ? state.app('fyers', record.apiKey) : undefined;
          if (!app || !record || body['appIdHash'] !== appIdHash(app.apiKey, app.apiSecret)) {
            return fyersError(400, -371, 'Please provide sha256 hash of appId and app secret');
          }
          // Guess: FYERS' wrong-PIN answer is not in brokers.md.
          if (body['pin'] !== state.users.fyers.pin)
            return fyersError(400, -1, 'Please provide a valid pin');
          const now = state.now();
          const expiresAt = state.accessTokenExpiry('fyers', now);
          const accessToken = fakeJwt({ sub: 'access_token', app_id: app.apiKey }, now, expiresAt);
          state.addToken(accessToken, {
            broker: 'fyers',
            kind: 'access',
            apiKey: app.apiKey,
            userId: record.userId,
            issuedAt: now,
            expiresAt,
          });
          // No new refresh_token in the answer (brokers.md §4 [F1] doc sample).
          return {
            status: 200,
            json: { s: 'ok', code: 200, message: '', access_token: accessToken },
          };
        },
      },
      {
        method: 'GET',
        path: '/api/v3/profile',
        handle: (req) => {
          const auth = authorised(req);
          if ('status' in auth) return auth;
          const user = state.users.fyers;
          return {
            status: 200,
            json: {
              s: 'ok',
              code: 200,
              message: '',
              data: {
                name: user.userName,
                display_name: user.userName,
                fy_id: user.userId,
                image: null,
                email_id: 'sim-user@example.invalid',
                pwd_change_date: null,
                pwd_to_expire: 90,
                PAN: 'XXXXX0000X',
                mobile_number: '0000000000',
                totp: false,
                pin_change_date: null,
                ddpi_enabled: false,
                mtf_enabled: false,
              },
            },
          };
        },
      },
      {
        method: 'POST',
        path: '/api/v3/logout',
        handle: (req) => {
          const auth = authorised(req);
          if ('status' in auth) return auth;
          state.revoke(auth.token); // this app's token only (brokers.md §4 [F1])
          return {
            status: 200,
            json: { s: 'ok', code: 200, message: 'you are successfully logged out' },
          };
        },
      },
    ],
  };
}
