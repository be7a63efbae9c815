/**
 * Simulated 5paisa Xstream OpenAPI OAuth login (brokers-more.md §2.3):
 *
 * - GET/POST /WebVendorLogin/VLogin/Index?VendorKey=&ResponseURL=&State= → the login form, then a
 *   302 to ResponseURL with `RequestToken` (a JWT naming the client code in `unique_name` and the
 *   User Key in `role`, like the doc's sample) and a lower-case `state` [Doc oauth-login sample].
 * - POST /VendorsAPI/Service1.svc/GetAccessToken, JSON {head:{Key}, body:{RequestToken, EncryKey,
 *   UserId}} → {head, body:{AccessToken (JWT), ClientCode, ClientName, Message:"Success", Status:0}}
 *   [Doc access-token]. The RequestToken lives 60 min [Doc] and is burnt on first use (Guess).
 * - POST /VendorsAPI/Service1.svc/V4/Margin, `Authorization: Bearer`, JSON {head:{key}, body:
 *   {ClientCode}} → {head, body:{ClientCode, EquityMargin:[…], Message:"Success", Status:0}}
 *   [Code: OpenAlgo funds.py, SDKs]. Tokens die at 23:59 IST [Doc] (the JWT `exp` says so too).
 *
 * Guesses, marked where used: 5paisa answers errors with HTTP 200 in its envelope; an unknown User
 * Key → head.status "2" "Invalid head parameters." with body null (issues #274, #5); a dead token on
 * Margin → body.Status 9 "Invalid Session" (issue #10); the exchange's refusals (Status 1 "Invalid
 * Request Token", Status 2 "Invalid Encryption Key or User Id") are invented wording; the cancel
 * button redirects with `error=access_denied` (5paisa documents no cancel redirect); ResponseURL is
 * not registered with 5paisa (users pass any URL), so the simulator redirects to whatever was given.
 */
import { loginErrorPage, loginPage, redirectTo } from './login-page';
import type { SimState } from './state';
import { fakeJwt } from './tokens';
import { wrongBodyType, type SimBroker, type SimReply, type SimRequest } from './types';

export const FIVEPAISA_SIM_LOGIN = '/WebVendorLogin/VLogin/Index';
export const FIVEPAISA_SIM_TOKEN = '/VendorsAPI/Service1.svc/GetAccessToken';
export const FIVEPAISA_SIM_MARGIN = '/VendorsAPI/Service1.svc/V4/Margin';

type Head = { responseCode: string; status: string; statusDescription: string };

const head = (responseCode: string, status = '0', statusDescription = 'Success'): Head => ({
  responseCode,
  status,
  statusDescription,
});

/** Guess: a head-level refusal (unknown key, malformed head): HTTP 200, body null. */
function headError(responseCode: string, status: string, description: string): SimReply {
  return { status: 200, json: { head: head(responseCode, status, description), body: null } };
}

/** A body-level refusal of GetAccessToken (HTTP 200, no token). */
function tokenRefusal(status: number, message: string): SimReply {
  return {
    status: 200,
    json: {
      head: head('5PGetAccessToken'),
      body: { AccessToken: '', ClientCode: '', ClientName: '', Message: message, Status: status },
    },
  };
}

/** A malformed request the real 5paisa would answer with something unrelated: named plainly. */
function simulatorMistake(responseCode: string, message: string): SimReply {
  return { status: 400, json: { head: head(responseCode, '-1', message), body: null } };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{head:{…}, body:{…}}` with exactly the named string fields present and non-empty. */
function envelopeFields(
  req: SimRequest,
  headFields: readonly string[],
  bodyFields: readonly string[],
): { head: Record<string, string>; body: Record<string, string> } | string {
  const json = req.json;
  if (!isObject(json) || !isObject(json['head']) || !isObject(json['body'])) {
    return `simulator: ${req.path} takes a JSON {"head":{…},"body":{…}} object (brokers-more.md §2.3)`;
  }
  const out = { head: {} as Record<string, string>, body: {} as Record<string, string> };
  for (const [part, names] of [
    ['head', headFields],
    ['body', bodyFields],
  ] as const) {
    const obj = json[part] as Record<string, unknown>;
    for (const name of names) {
      const value = obj[name];
      if (typeof value !== 'string' || value === '') {
        return `simulator: ${req.path} needs ${part}.${name} as a non-empty string (field names are case-sensitive: ${names.join(', ')})`;
      }
      out[part][name] = value;
    }
  }
  return out;
}

export function fivepaisaBroker(state: SimState): SimBroker {
  const loginApp = (req: SimRequest) => state.app('fivepaisa', req.query['VendorKey']);

  /** The login URL's own checks: a known VendorKey and a ResponseURL that is an http(s) URL. */
  function checkLogin(req: SimRequest): SimReply | { responseUrl: string } {
    // Real 5paisa: "Vendor Record not found" for an unknown key (py5paisa issue #219).
    if (!loginApp(req)) return loginErrorPage('5paisa', 'Vendor Record not found.');
    const responseUrl = req.query['ResponseURL'];
    let url: URL | undefined;
    try {
      url = responseUrl ? new URL(responseUrl) : undefined;
    } catch {
      url = undefined;
    }
    if (!responseUrl || !url || !/^https?:$/.test(url.protocol)) {
      // Real 5paisa: a 404 page for a ResponseURL that is not a URL (py5paisa issue #140).
      return loginErrorPage('5paisa', 'simulator: ResponseURL must be an absolute http(s) URL.');
    }
    return { responseUrl };
  }

  return {
    broker: 'fivepaisa',
    errorBody: (status) => ({
      head: head('5PSimulated', '-1', `Simulated server error ${status}`),
      body: null,
    }),
    rateLimitBody: () => ({
      head: head('5PSimulated', '-1', 'Too many requests'),
      body: null,
    }),
    routes: [
      {
        method: 'GET',
        path: FIVEPAISA_SIM_LOGIN,
        handle: (req) => {
          const checked = checkLogin(req);
          if ('status' in checked) return checked;
          return loginPage({
            brokerLabel: '5paisa',
            apiKey: req.query['VendorKey'] ?? '',
            userId: state.users.fivepaisa.userId,
            action: `${req.path}?${req.rawQuery}`,
          });
        },
      },
      {
        method: 'POST',
        path: FIVEPAISA_SIM_LOGIN,
        handle: (req) => {
          const checked = checkLogin(req);
          if ('status' in checked) return checked;
          const app = loginApp(req)!;
          // [Doc] "State … is passed to the response URL"; the sample spells it `state`.
          const echo: [string, string][] =
            req.query['State'] !== undefined ? [['state', req.query['State']]] : [];
          if (req.form?.['decision'] !== 'login') {
            // Guess: no cancel redirect is documented.
            return redirectTo(checked.responseUrl, [['error', 'access_denied'], ...echo]);
          }
          // A JWT naming the client code and the User Key, like the doc's sample (state.ts).
          const requestToken = state.newGrant(app);
          return redirectTo(checked.responseUrl, [['RequestToken', requestToken], ...echo]);
        },
      },
      {
        method: 'POST',
        path: FIVEPAISA_SIM_TOKEN,
        onFault: (req) => {
          const rt = (req.json as { body?: { RequestToken?: unknown } } | undefined)?.body
            ?.RequestToken;
          state.takeGrant('fivepaisa', typeof rt === 'string' ? rt : undefined);
        },
        handle: (req) => {
          const wrongType = wrongBodyType(req, 'application/json');
          if (wrongType) return simulatorMistake('5PGetAccessToken', wrongType);
          const fields = envelopeFields(req, ['Key'], ['RequestToken', 'EncryKey', 'UserId']);
          if (typeof fields === 'string') return simulatorMistake('5PGetAccessToken', fields);
          // Guess: the RequestToken is burnt on first use, whatever happens next.
          const grant = state.takeGrant('fivepaisa', fields.body['RequestToken']);
          const app = state.app('fivepaisa', fields.head['Key']);
          if (!app) return headError('5PGetAccessToken', '2', 'Invalid head parameters.');
          if (fields.body['EncryKey'] !== app.apiSecret || fields.body['UserId'] !== app.clientId) {
            return tokenRefusal(2, 'Invalid Encryption Key or User Id');
          }
          if (!grant || grant.apiKey !== app.apiKey) {
            return tokenRefusal(1, 'Invalid Request Token');
          }
          const now = state.now();
          const user = state.users.fivepaisa;
          const expiresAt = state.accessTokenExpiry('fivepaisa', now);
          const accessToken = fakeJwt(
            { unique_name: user.userId, role: app.apiKey, RedirectServer: 'C' },
            now,
            expiresAt,
          );
          state.addToken(accessToken, {
            broker: 'fivepaisa',
            kind: 'access',
            apiKey: app.apiKey,
            userId: user.userId,
            issuedAt: now,
            expiresAt,
          });
          return {
            status: 200,
            json: {
              head: head('5PGetAccessToken'),
              body: {
                AccessToken: accessToken,
                ClientCode: user.userId,
                ClientName: user.userName,
                Message: 'Success',
                Status: 0,
              },
            },
          };
        },
      },
      {
        method: 'POST',
        path: FIVEPAISA_SIM_MARGIN,
        handle: (req) => {
          const wrongType = wrongBodyType(req, 'application/json');
          if (wrongType) return simulatorMistake('5PMarginV4', wrongType);
          const fields = envelopeFields(req, ['key'], ['ClientCode']);
          if (typeof fields === 'string') return simulatorMistake('5PMarginV4', fields);
          // The SDKs send "Bearer", OpenAlgo "bearer": the scheme is case-insensitive (RFC 9110).
          const m = /^bearer (\S+)$/i.exec(req.headers['authorization'] ?? '');
          const token = m?.[1];
          const record = token === undefined ? undefined : state.token(token);
          if (!state.app('fivepaisa', fields.head['key'])) {
            return headError('5PMarginV4', '2', 'Invalid head parameters.');
          }
          if (state.tokenStatus('fivepaisa', token, 'access') !== 'valid') {
            // Guess (issue #10): a dead session answers HTTP 200, Status 9.
            return {
              status: 200,
              json: {
                head: head('5PMarginV4'),
                body: {
                  ClientCode: fields.body['ClientCode'],
                  EquityMargin: [],
                  Message: 'Invalid Session',
                  Status: 9,
                  TimeStamp: `/Date(${state.now().getTime()}+0530)/`,
                },
              },
            };
          }
          if (
            !record ||
            record.apiKey !== fields.head['key'] ||
            record.userId !== fields.body['ClientCode']
          ) {
            return simulatorMistake(
              '5PMarginV4',
              "simulator: head.key and body.ClientCode must be the token's User Key and client code",
            );
          }
          return {
            status: 200,
            json: {
              head: head('5PMarginV4'),
              body: {
                ClientCode: record.userId,
                EquityMargin: [
                  {
                    ALB: 0,
                    Adhoc: 0,
                    CollateralValueAfterHairCut: 0,
                    GrossMargin: 100000,
                    MarginUtilized: 0,
                    NetAvailableMargin: 100000,
                    TotalCollateralValue: 0,
                  },
                ],
                Message: 'Success',
                Status: 0,
                TimeStamp: `/Date(${state.now().getTime()}+0530)/`,
              },
            },
          };
        },
      },
    ],
  };
}
