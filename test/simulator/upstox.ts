/**
 * Simulated Upstox API v2 (brokers.md §1, §2). Where brokers.md is silent the simulator says so:
 * error codes it had to invent start with "SIM-".
 */
import { loginErrorPage, loginPage, redirectTo } from './login-page';
import type { SimState } from './state';
import { fakeJwt } from './tokens';
import {
  wrongBodyType,
  type SimApp,
  type SimBroker,
  type SimReply,
  type SimRequest,
} from './types';

/** `{"status":"error","errors":[{errorCode, message, propertyPath, invalidValue, + snake twins}]}`. */
export function upstoxError(
  status: number,
  errorCode: string,
  message: string,
  invalidValue: string | null = null,
  propertyPath: string | null = null,
): SimReply {
  const error = {
    errorCode,
    message,
    propertyPath,
    invalidValue,
    error_code: errorCode,
    property_path: propertyPath,
    invalid_value: invalidValue,
  };
  return { status, json: { status: 'error', errors: [error] } };
}

const invalidToken = () => upstoxError(401, 'UDAPI100050', 'Invalid token used to access API');

function bearer(req: SimRequest): string | undefined {
  const m = /^Bearer (\S+)$/.exec(req.headers['authorization'] ?? '');
  return m?.[1];
}

export function upstoxBroker(state: SimState): SimBroker {
  const dialog = (req: SimRequest): SimReply | { app: SimApp } => {
    const app = state.app('upstox', req.query['client_id']);
    // UDAPI100068: bad client_id/redirect_uri at authorize (brokers.md §2 [U1]).
    if (!app || req.query['redirect_uri'] !== app.redirectUri) {
      return loginErrorPage(
        'Upstox',
        "UDAPI100068: Check your 'client_id' and 'redirect_uri'; one or both are incorrect.",
      );
    }
    if (req.query['response_type'] !== 'code') {
      return loginErrorPage('Upstox', 'SIM-BAD-RESPONSE-TYPE: response_type must be "code".');
    }
    return { app };
  };

  const grantOf = (req: SimRequest) => state.takeGrant('upstox', req.form?.['code']);

  return {
    broker: 'upstox',
    errorBody: (status) =>
      upstoxError(status, 'SIM-SERVER-ERROR', 'Something went wrong (simulated)').json,
    rateLimitBody: () => upstoxError(429, 'UDAPI10005', 'Too Many Request Sent').json,
    routes: [
      {
        method: 'GET',
        path: '/v2/login/authorization/dialog',
        handle: (req) => {
          const checked = dialog(req);
          if ('status' in checked) return checked;
          return loginPage({
            brokerLabel: 'Upstox',
            apiKey: checked.app.apiKey,
            userId: state.users.upstox.userId,
            action: `${req.path}?${req.rawQuery}`,
          });
        },
      },
      {
        method: 'POST',
        path: '/v2/login/authorization/dialog',
        handle: (req) => {
          const checked = dialog(req);
          if ('status' in checked) return checked;
          const { app } = checked;
          const state_ = req.query['state'];
          const withState = (params: [string, string][]) =>
            state_ !== undefined ? [...params, ['state', state_] as [string, string]] : params;
          if (req.form?.['decision'] !== 'login') {
            // Guess: brokers.md does not show Upstox's cancel redirect; OAuth 2.0's error redirect
            // (RFC 6749 §4.1.2.1) is used.
            return redirectTo(
              app.redirectUri,
              withState([
                ['error', 'access_denied'],
                ['error_description', 'The user cancelled the login'],
              ]),
            );
          }
          const code = state.newGrant(app);
          return redirectTo(app.redirectUri, withState([['code', code]]));
        },
      },
      {
        method: 'POST',
        path: '/v2/login/authorization/token',
        onFault: (req) => void grantOf(req),
        handle: (req) => {
          // Form-encoded (brokers.md §1 [U2]). Upstox's own answer to another type is not known;
          // the simulator names the mistake instead of failing on a missing field.
          const wrongType = wrongBodyType(req, 'application/x-www-form-urlencoded');
          if (wrongType) return upstoxError(415, 'SIM-UNSUPPORTED-CONTENT-TYPE', wrongType);
          const form = req.form ?? {};
          const before = state.grantStatus('upstox', form['code']);
          // The code dies here whatever happens next (brokers.md §2 [U2]).
          const grant = grantOf(req);
          const app = state.app('upstox', form['client_id']);
          if (!app || form['client_secret'] !== app.apiSecret) {
            return upstoxError(401, 'UDAPI100016', 'Invalid Credentials');
          }
          if (form['grant_type'] !== 'authorization_code') {
            return upstoxError(
              400,
              'SIM-INVALID-GRANT-TYPE',
              'grant_type must be authorization_code',
            );
          }
          if (grant === undefined && (before === 'used' || before === 'expired')) {
            // Issue 9 item 16: a used or expired code is answered 401 UDAPI100016 "Invalid
            // Credentials" with property_path "code" (not the key/secret) and the code echoed.
            return upstoxError(
              401,
              'UDAPI100016',
              'Invalid Credentials',
              form['code'] ?? null,
              'code',
            );
          }
          if (!grant || grant.apiKey !== app.apiKey) {
            // UDAPI100057 "Invalid Auth code" (brokers.md §2, O) for a code Upstox never issued;
            // it echoes the code as invalidValue, like real ones do.
            return upstoxError(400, 'UDAPI100057', 'Invalid Auth code', form['code'] ?? null);
          }
          if (form['redirect_uri'] !== grant.redirectUri) {
            return upstoxError(
              400,
              'UDAPI100068',
              "Check your 'client_id' and 'redirect_uri'; one or both are incorrect.",
            );
          }
          const now = state.now();
          const user = state.users.upstox;
          const accessToken = fakeJwt(
            { sub: user.userId, aud: app.apiKey },
            now,
            state.accessTokenExpiry('upstox', now),
          );
          state.addToken(accessToken, {
            broker: 'upstox',
            kind: 'access',
            apiKey: app.apiKey,
            userId: user.userId,
            issuedAt: now,
            expiresAt: state.accessTokenExpiry('upstox', now),
          });
          // Flat object, no status/data wrapper, as in the doc sample (brokers.md §2 [U2]).
          return {
            status: 200,
            json: {
              email: 'sim-user@example.invalid',
              exchanges: ['NSE', 'BSE'],
              products: ['D', 'I'],
              broker: 'UPSTOX',
              user_id: user.userId,
              user_name: user.userName,
              order_types: ['MARKET', 'LIMIT'],
              user_type: 'individual',
              poa: false,
              is_active: true,
              access_token: accessToken,
              extended_token: null,
            },
          };
        },
      },
      {
        method: 'GET',
        path: '/v2/user/profile',
        handle: (req) => {
          const token = bearer(req);
          if (state.tokenStatus('upstox', token, 'access') !== 'valid') return invalidToken();
          const user = state.users.upstox;
          return {
            status: 200,
            json: {
              status: 'success',
              data: {
                email: 'sim-user@example.invalid',
                exchanges: ['NSE', 'BSE'],
                products: ['D', 'I'],
                broker: 'UPSTOX',
                user_id: user.userId,
                user_name: user.userName,
                order_types: ['MARKET', 'LIMIT'],
                user_type: 'individual',
                poa: false,
                ddpi: false,
                is_active: true,
              },
            },
          };
        },
      },
      {
        method: 'DELETE',
        path: '/v2/logout',
        handle: (req) => {
          const token = bearer(req);
          if (token === undefined || state.tokenStatus('upstox', token, 'access') !== 'valid') {
            return invalidToken();
          }
          state.revoke(token);
          return { status: 200, json: { status: 'success', data: true } };
        },
      },
    ],
  };
}
