/**
 * Simulated Dhan (DhanHQ v2) API key & secret consent flow (brokers-more.md §2.2; official SDK
 * dhan-oss/DhanHQ-py `auth.py` DhanLogin):
 *
 *   POST /app/generate-consent?client_id=…   headers app_id, app_secret → {status, consentAppId}
 *   GET/POST /login/consentApp-login?consentAppId=…   the login page → 302 ?tokenId=… (no state)
 *   GET  /app/consumeApp-consent?tokenId=…   headers app_id, app_secret → accessToken, dhanClientId,
 *        dhanClientName, dhanClientUcc, givenPowerOfAttorney, expiryTime
 *   GET  /v2/profile                          header access-token (dhanClientId optional)
 *   GET  /v2/RenewToken                       headers access-token, dhanClientId → a new 24 h token
 *
 * Tokens are JWTs (`dhanClientId` claim, `exp` = issue + 24 h, as real Dhan tokens carry). Errors
 * use the documented `{errorType, errorCode, errorMessage}` shape with DH-9xx codes.
 *
 * Guesses, marked where used: the auth host errs in the API's shape; a wrong key/secret is DH-901
 * and is checked before the tokenId (which is then not used up); a used/expired tokenId is DH-905
 * "Invalid or expired tokenId"; a consent is single-use and lives 10 minutes; Cancel on the page
 * redirects with `error=access_denied`; `expiryTime` is a naive IST date-time (dhan-rs says IST);
 * a rejected token answers 401; RenewToken ends the old token (the DhanHQ Ruby gem: "expires the
 * current token and returns a new one") and answers in the consume shape.
 */
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { IST_ZONE } from '../../shared/expiry';
import { loginErrorPage, loginPage, redirectTo } from './login-page';
import type { SimState } from './state';
import { fakeJwt } from './tokens';
import type { SimApp, SimBroker, SimReply, SimRequest } from './types';

export const DHAN_SIM_CONSENT = '/app/generate-consent';
export const DHAN_SIM_LOGIN = '/login/consentApp-login';
export const DHAN_SIM_CONSUME = '/app/consumeApp-consent';
export const DHAN_SIM_PROFILE = '/v2/profile';
export const DHAN_SIM_RENEW = '/v2/RenewToken';

/** Guess: how long a consentAppId may wait for its login. */
const CONSENT_TTL_MS = 10 * 60_000;

function dhanError(
  status: number,
  errorType: string,
  errorCode: string,
  errorMessage: string,
): SimReply {
  return { status, json: { errorType, errorCode, errorMessage } };
}

const invalidAuth = () =>
  dhanError(
    401,
    'Invalid_Authentication',
    'DH-901',
    'Client ID or user generated access token is invalid or expired.',
  );

const inputError = (message: string) => dhanError(400, 'Input_Exception', 'DH-905', message);

/** Naive IST date-time, as `expiryTime` is assumed to be sent (Guess). */
const naiveIst = (d: Date) =>
  DateTime.fromJSDate(d, { zone: IST_ZONE }).toFormat("yyyy-MM-dd'T'HH:mm:ss");

interface Consent {
  readonly app: SimApp;
  readonly clientId: string;
  readonly expiresAt: Date;
  used: boolean;
}

export function dhanBroker(state: SimState): SimBroker {
  const consents = new Map<string, Consent>();

  /** The app named by app_id, when app_secret matches (else undefined). */
  function appOf(req: SimRequest): SimApp | undefined {
    const app = state.app('dhan', req.headers['app_id']);
    return app !== undefined && req.headers['app_secret'] === app.apiSecret ? app : undefined;
  }

  const badApp = () =>
    dhanError(401, 'Invalid_Authentication', 'DH-901', 'Invalid app_id or app_secret.');

  /** A consent the login page may use: known, unused, unexpired. */
  function liveConsent(req: SimRequest): Consent | undefined {
    const id = req.query['consentAppId'];
    const consent = id === undefined ? undefined : consents.get(id);
    if (!consent || consent.used) return undefined;
    return state.now().getTime() < consent.expiresAt.getTime() ? consent : undefined;
  }

  /** Issues an access token for the broker's user, as the consume and renew calls do. */
  function issueToken(apiKey: string): { jwt: string; expiresAt: Date } {
    const now = state.now();
    const user = state.users.dhan;
    const expiresAt = state.accessTokenExpiry('dhan', now);
    const jwt = fakeJwt(
      { dhanClientId: user.userId, tokenConsumerType: 'SELF', partnerId: '' },
      now,
      expiresAt,
    );
    state.addToken(jwt, {
      broker: 'dhan',
      kind: 'access',
      apiKey,
      userId: user.userId,
      issuedAt: now,
      expiresAt,
    });
    return { jwt, expiresAt };
  }

  /** The token of an API call, if valid and (when named) for that client. */
  function authorised(req: SimRequest, needClientId: boolean): { token: string } | SimReply {
    const token = req.headers['access-token'] ?? '';
    if (token === '') return invalidAuth();
    const named = req.headers['dhanclientid'] ?? req.headers['client-id'];
    if (needClientId && (named === undefined || named === '')) {
      return inputError(
        `simulator: ${req.method} ${req.path} needs the dhanClientId header (SDK renew_token)`,
      );
    }
    if (state.tokenStatus('dhan', token, 'access') !== 'valid') return invalidAuth();
    if (named !== undefined && named !== state.token(token)?.userId) return invalidAuth();
    return { token };
  }

  const tokenIdOf = (req: SimRequest) => req.query['tokenId'];

  return {
    broker: 'dhan',
    errorBody: () => ({
      errorType: 'Internal_Server_Error',
      errorCode: 'DH-908',
      errorMessage: 'Simulated server error',
    }),
    rateLimitBody: () => ({
      errorType: 'Rate_Limit',
      errorCode: 'DH-904',
      errorMessage: 'Too many requests on server from single user breaching rate limits.',
    }),
    routes: [
      {
        method: 'POST',
        path: DHAN_SIM_CONSENT,
        handle: (req) => {
          const clientId = req.query['client_id'];
          if (clientId === undefined || clientId === '') {
            return inputError(
              'simulator: generate-consent needs ?client_id=<Dhan client ID> (SDK generate_login_session)',
            );
          }
          const app = appOf(req);
          if (!app) return badApp();
          // Guess: the key belongs to one Dhan client; another client_id is refused.
          if (clientId !== app.clientId) return inputError('Invalid client_id for this app.');
          const consentAppId = randomUUID();
          consents.set(consentAppId, {
            app,
            clientId,
            expiresAt: new Date(state.now().getTime() + CONSENT_TTL_MS),
            used: false,
          });
          return { status: 200, json: { status: 'success', consentAppId } };
        },
      },
      {
        method: 'GET',
        path: DHAN_SIM_LOGIN,
        handle: (req) => {
          const consent = liveConsent(req);
          if (!consent) return loginErrorPage('Dhan', 'Invalid or expired consent.');
          return loginPage({
            brokerLabel: 'Dhan',
            apiKey: consent.app.apiKey,
            userId: consent.clientId,
            action: `${req.path}?${req.rawQuery}`,
          });
        },
      },
      {
        method: 'POST',
        path: DHAN_SIM_LOGIN,
        handle: (req) => {
          const consent = liveConsent(req);
          if (!consent) return loginErrorPage('Dhan', 'Invalid or expired consent.');
          consent.used = true;
          // Guess: the page's way back when the user gives up; Dhan documents none.
          if (req.form?.['decision'] !== 'login') {
            return redirectTo(consent.app.redirectUri, [['error', 'access_denied']]);
          }
          // Dhan sends only the tokenId (no state).
          return redirectTo(consent.app.redirectUri, [['tokenId', state.newGrant(consent.app)]]);
        },
      },
      {
        // GET per the official SDK (OpenAlgo's POST gets the simulator's 405).
        method: 'GET',
        path: DHAN_SIM_CONSUME,
        onFault: (req) => void state.takeGrant('dhan', tokenIdOf(req)),
        handle: (req) => {
          const tokenId = tokenIdOf(req);
          if (tokenId === undefined || tokenId === '') {
            return inputError('simulator: consumeApp-consent needs ?tokenId=<from the redirect>');
          }
          // Guess: the app is checked first; a refused key/secret leaves the tokenId unused.
          const app = appOf(req);
          if (!app) return badApp();
          const grant = state.takeGrant('dhan', tokenId);
          if (!grant || grant.apiKey !== app.apiKey) {
            return inputError('Invalid or expired tokenId.');
          }
          const user = state.users.dhan;
          const { jwt, expiresAt } = issueToken(app.apiKey);
          return {
            status: 200,
            json: {
              dhanClientId: user.userId,
              dhanClientName: user.userName,
              dhanClientUcc: 'SIMUCC01',
              givenPowerOfAttorney: false,
              accessToken: jwt,
              expiryTime: naiveIst(expiresAt),
            },
          };
        },
      },
      {
        method: 'GET',
        path: DHAN_SIM_PROFILE,
        handle: (req) => {
          const auth = authorised(req, false);
          if (!('token' in auth)) return auth;
          const record = state.token(auth.token)!;
          return {
            status: 200,
            json: {
              dhanClientId: record.userId,
              tokenValidity: DateTime.fromJSDate(record.expiresAt, { zone: IST_ZONE }).toFormat(
                'dd/MM/yyyy HH:mm',
              ),
              activeSegment: 'Equity, Derivative',
              ddpi: 'Active',
              mtf: 'Active',
              dataPlan: 'Deactive',
              dataValidity: '',
            },
          };
        },
      },
      {
        method: 'GET',
        path: DHAN_SIM_RENEW,
        handle: (req) => {
          const auth = authorised(req, true);
          if (!('token' in auth)) return auth;
          const old = state.token(auth.token)!;
          // Guess: renewal ends the old token (DhanHQ Ruby gem); the new one lives 24 h from now.
          state.revoke(auth.token);
          const { jwt, expiresAt } = issueToken(old.apiKey);
          return {
            status: 200,
            json: {
              dhanClientId: old.userId,
              accessToken: jwt,
              expiryTime: naiveIst(expiresAt),
            },
          };
        },
      },
    ],
  };
}
