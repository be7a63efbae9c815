/**
 * 5paisa Xstream OpenAPI, OAuth (web) login (brokers-more.md §2.3):
 *
 * - Login page `{login}/WebVendorLogin/VLogin/Index?VendorKey=<User Key>&ResponseURL=<redirect>&State=<state>`
 *   [Doc oauth-login]; individuals use their own User Key as VendorKey [Doc; 5paisa-js README].
 * - Redirect `<redirect>?RequestToken=<JWT>&state=<state>` (the doc's sample redirection spells
 *   `RequestToken` and a lower-case `state`) [Doc]. The RequestToken is "valid for 60 min" [Doc];
 *   single use is a Guess, so it is never resent once 5paisa may have seen it.
 * - Exchange `POST {api}/VendorsAPI/Service1.svc/GetAccessToken`, JSON
 *   `{"head":{"Key":<User Key>},"body":{"RequestToken","EncryKey":<Encryption Key>,"UserId":<app User ID>}}`
 *   → `body.AccessToken` (a JWT) and `body.ClientCode` [Doc access-token; SDKs py5paisa/5paisa-js].
 *   5paisa answers errors with HTTP 200 and its `head`/`body` envelope: the SDK treats only
 *   `body.Message == "Success"` as a login [SDK py5paisa get_access_token].
 * - Expiry: "Token expires every day at 11:59 PM" [Doc] → the catalogue's 23:59 IST cutoff; the
 *   JWT `exp` wins when earlier (shared/expiry.ts).
 * - Validation: 5paisa documents no profile endpoint. Guess (OpenAlgo funds.py and the official
 *   SDKs' getMargin [Code]): `POST {api}/VendorsAPI/Service1.svc/V4/Margin` with
 *   `Authorization: Bearer <token>` and `{"head":{"key":<User Key>},"body":{"ClientCode":…}}`.
 * - Logout: none found (brokers-more.md §2.3) → not offered.
 *
 * Guesses, where 5paisa's own texts are silent (README "Broker facts the docs do not settle"):
 * a rejected token answers `body.Status` 9 "Invalid Session" (py5paisa issue #10, old API) or HTTP
 * 401; an unknown User Key answers `head.status` "2" "Invalid head parameters." (py5paisa issue
 * #274, 5paisa-js issue #5); a cancelled login, if 5paisa redirects at all, carries an OAuth-style
 * `error`; the ClientCode for validation comes from the exchange (TokenContext.userId), else from the
 * token's `unique_name` claim (the RequestToken sample in the docs carries the client code there).
 */
import { z } from 'zod';
import { BROKERS } from '../../../shared/brokers';
import { accessTokenExpiry } from '../../../shared/expiry';
import { TokenTrayError } from '../errors';
import {
  parseBody,
  rejectedTokenKind,
  scrubText,
  unexpectedBrokerError,
  type Operation,
} from './broker-errors';
import {
  brokerCode,
  brokerMessage,
  isReadable,
  profileName,
  profileUserId,
  type RequestSecrets,
} from './broker-text';
import type { AdapterContext } from './call';
import type { HttpResponse } from './http';
import {
  checkOutgoingState,
  isRedirectTo,
  loginCancelled,
  loginFailed,
  parseGrantRedirect,
} from './redirect';
import type { BrokerAdapter, Profile, TokenContext, TokenSet } from './types';

export const FIVEPAISA_LOGIN_PATH = '/WebVendorLogin/VLogin/Index';
export const FIVEPAISA_TOKEN_PATH = '/VendorsAPI/Service1.svc/GetAccessToken';
export const FIVEPAISA_MARGIN_PATH = '/VendorsAPI/Service1.svc/V4/Margin';

/** 5paisa's envelope: `{head:{responseCode,status,statusDescription}, body:{…, Message, Status}}`. */
const envelopeSchema = z.object({
  head: z
    .object({
      status: z.unknown().optional(),
      statusDescription: z.unknown().optional(),
    })
    .nullish(),
  body: z
    .object({
      Status: z.unknown().optional(),
      Message: z.unknown().optional(),
    })
    .nullish(),
});

type Envelope = z.infer<typeof envelopeSchema>;

function envelope(json: unknown): Envelope | undefined {
  const parsed = envelopeSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** "0"/0 (or absent) is 5paisa's success status, in the head (a string) and the body (a number). */
function isOk(value: unknown): boolean {
  return value === undefined || value === null || value === 0 || value === '0';
}

/** The raw error code of an answer: a failing `body.Status`, else a failing `head.status`. */
function rawCode(json: unknown): unknown {
  const e = envelope(json);
  if (!e) return undefined;
  if (e.body && !isOk(e.body.Status)) return e.body.Status;
  if (e.head && !isOk(e.head.status)) return e.head.status;
  return undefined;
}

/** The raw error code of an answer (call.ts makes it safe before use). */
export function fivepaisaBrokerCode(json: unknown): unknown {
  return rawCode(json);
}

/** An answer that is not a success, whatever its HTTP status (5paisa errs with HTTP 200). */
function isFailure(res: HttpResponse): boolean {
  if (res.status !== 200) return true;
  const e = envelope(res.json);
  if (!e) return false; // not the envelope at all: parseBody names what is missing
  return !isOk(e.head?.status) || !isOk(e.body?.Status) || e.body === null;
}

/**
 * A GetAccessToken answer with no AccessToken and a Message other than "Success": a refusal even
 * when its statuses say 0 (the SDK's only test of a login is `body.Message == "Success"`).
 */
function refusedWithoutToken(json: unknown): boolean {
  const parsed = z
    .object({ body: z.object({ AccessToken: z.unknown().optional(), Message: z.string().min(1) }) })
    .safeParse(json);
  if (!parsed.success) return false;
  const { AccessToken, Message } = parsed.data.body;
  return (typeof AccessToken !== 'string' || AccessToken === '') && Message !== 'Success';
}

/** ClientCode is documented as a string ("50012322"); a number would be the same code. */
const clientCodeSchema = z.union([z.string().min(1), z.number().int().nonnegative()]);

const tokenResponseSchema = z.object({
  body: z.object({
    AccessToken: z.string().min(1),
    ClientCode: z.unknown().optional(),
    ClientName: z.unknown().optional(),
  }),
});

const marginResponseSchema = z.object({
  body: z.object({ ClientCode: clientCodeSchema }),
});

/** A JWT's alphabet (base64url segments and dots): anything else is not a 5paisa RequestToken. */
const TOKEN_PATTERN = /^[A-Za-z0-9_\-.]{1,4096}$/;

/** The app's User ID: an identifier, never free text (it goes into the exchange body). */
const CLIENT_ID_PATTERN = /^[A-Za-z0-9_.@-]{1,64}$/;

/**
 * The client code a 5paisa JWT names in `unique_name` (Guess, from the RequestToken sample in the
 * oauth-login doc), unverified; undefined for anything else.
 */
function jwtClientCode(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (token.split('.').length !== 3 || !payload || !/^[A-Za-z0-9_-]+$/.test(payload)) {
    return undefined;
  }
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const parsed = z.object({ unique_name: z.string() }).safeParse(claims);
    return parsed.success ? profileUserId(parsed.data.unique_name, [token]) : undefined;
  } catch {
    return undefined;
  }
}

const asCode = (value: unknown): unknown => (typeof value === 'number' ? String(value) : value);

export function createFivePaisaAdapter(ctx: AdapterContext): BrokerAdapter {
  const { label } = ctx;
  const clientIdLabel = BROKERS.fivepaisa.clientIdLabel ?? 'User ID';

  function classify(
    res: HttpResponse,
    op: Operation,
    secrets: RequestSecrets,
    token?: string,
  ): TokenTrayError {
    const e = envelope(res.json);
    const codeSaid = brokerCode(rawCode(res.json), secrets);
    const code = isReadable(codeSaid) && codeSaid !== '' ? codeSaid : undefined;
    const rawMessage =
      e?.body?.Message !== undefined && e.body.Message !== '' && e.body.Message !== null
        ? e.body.Message
        : e?.head?.statusDescription;
    // Safe to show; also what the checks below read, so nothing is matched in text never shown.
    const said = brokerMessage(rawMessage, secrets);
    const message = isReadable(said) ? said : '';
    const details = { status: res.status, ...(code !== undefined ? { brokerCode: code } : {}) };

    // Guess: an unknown User Key → head.status "2" "Invalid head parameters." (issues #274, #5).
    const headStatus = e?.head?.status;
    if (headStatus === '2' || headStatus === 2 || /invalid head param/i.test(message)) {
      return new TokenTrayError(
        'bad-credentials',
        `${label} rejected the User Key ("Invalid head parameters"). Copy the User Key again from 5paisa's API keys page into the account settings, then log in.`,
        details,
      );
    }
    if (op === 'exchange') {
      // Guess: the words of a wrong Encryption Key / User ID answer are not published.
      if (/encry|user\s?id/i.test(message)) {
        return new TokenTrayError(
          'bad-credentials',
          `${label} rejected the Encryption Key or the app's ${clientIdLabel}. Copy both again from 5paisa's API keys page into the account settings, then log in.`,
          details,
        );
      }
      // Guess: "Invalid Request Token" for a used, expired or foreign RequestToken.
      if (/request\s?token|invalid\s+token|expired/i.test(message)) {
        return new TokenTrayError(
          'login-failed',
          `${label} refused the RequestToken from the login page (it works once and only for a short time). Log in again.`,
          details,
        );
      }
      return unexpectedBrokerError(label, op, {
        status: res.status,
        brokerCode: codeSaid,
        brokerMessage: said,
      });
    }
    // Guess: body.Status 9 "Invalid Session" (issue #10), or a JSON 401, for a dead token.
    const rejected =
      code === '9' ||
      /invalid session/i.test(message) ||
      (code === undefined && res.status === 401);
    if (rejected && token !== undefined) {
      if (rejectedTokenKind(token, ctx.now()) === 'expired') {
        return new TokenTrayError(
          'expired',
          `${label} says the access token has expired (they die every day at 23:59 IST). Click Log in to get a new one.`,
          details,
        );
      }
      return new TokenTrayError(
        'revoked',
        `${label} rejected the access token before its expiry (logged out, or replaced by a newer login). Click Log in to get a new one.`,
        details,
      );
    }
    return unexpectedBrokerError(label, op, {
      status: res.status,
      brokerCode: codeSaid,
      brokerMessage: said,
    });
  }

  function requireClientId(clientId: string | undefined): string {
    const value = clientId?.trim() ?? '';
    if (value === '') {
      throw new TokenTrayError(
        'config',
        `${label} needs the app's ${clientIdLabel} for the token request. Copy it from 5paisa's API keys page (next to User Key and Encryption Key) into the account settings, then log in.`,
      );
    }
    if (!CLIENT_ID_PATTERN.test(value)) {
      throw new TokenTrayError(
        'config',
        `The ${label} ${clientIdLabel} in the account settings is not a valid ID (letters, digits, . _ @ - only, at most 64). Copy it again from 5paisa's API keys page.`,
      );
    }
    return value;
  }

  async function margin(apiKey: string, accessToken: string, context?: TokenContext) {
    ctx.registerSecrets(accessToken);
    const secrets = [accessToken];
    const clientCode = context?.userId ?? jwtClientCode(accessToken);
    if (clientCode === undefined || !CLIENT_ID_PATTERN.test(clientCode)) {
      throw new TokenTrayError(
        'config',
        `${label} checks a token with the client code it was issued to, and TokenTray does not know it for this token. Click Log in to get a new one.`,
      );
    }
    return ctx.call<Profile>({
      op: 'validate',
      secrets,
      request: {
        method: 'POST',
        url: ctx.apiUrl(FIVEPAISA_MARGIN_PATH),
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          Authorization: `Bearer ${accessToken}`,
        },
        body: JSON.stringify({ head: { key: apiKey }, body: { ClientCode: clientCode } }),
      },
      interpret: (res) => {
        if (isFailure(res)) throw classify(res, 'validate', secrets, accessToken);
        const p = parseBody(marginResponseSchema, res, label, 'validate');
        // The margin answer carries no name (Guess: none of 5paisa's documented calls returns one).
        return { userId: profileUserId(asCode(p.body.ClientCode), secrets) };
      },
    });
  }

  return {
    broker: 'fivepaisa',

    authorizeUrl({ apiKey, redirectUri, state }) {
      checkOutgoingState(state, label);
      // [Doc] VendorKey, ResponseURL, State; individuals pass their own User Key as VendorKey.
      const url = ctx.loginUrl(FIVEPAISA_LOGIN_PATH);
      url.search = new URLSearchParams({
        VendorKey: apiKey,
        ResponseURL: redirectUri,
        State: state,
      }).toString();
      return url.toString();
    },

    isRedirect: isRedirectTo,

    parseRedirect(url, expected) {
      const grant = parseGrantRedirect({
        url,
        expected,
        label,
        grantName: 'RequestToken',
        registerSecrets: (...values) => ctx.registerSecrets(...values),
        checkStatus: (params, hide) => {
          // Guess: 5paisa documents no error redirect. An OAuth-style `error` is read as the user
          // backing out when it says so, as a failed login otherwise.
          const error = params.get('error');
          if (error === undefined) return;
          const words = scrubText(params.get('error_description') ?? error, hide);
          if (/denied|cancel/i.test(error)) throw loginCancelled(label, words);
          throw loginFailed(label, `${label} said "${words ?? 'error'}"`);
        },
      });
      if (!TOKEN_PATTERN.test(grant.code)) {
        throw loginFailed(label, 'the RequestToken in the return address is malformed');
      }
      return { code: grant.code };
    },

    async exchange(credentials, grant) {
      ctx.registerSecrets(credentials.apiSecret, grant.code);
      const userId = requireClientId(credentials.clientId);
      const issuedAt = ctx.now(); // before sending: see upstox.ts
      const secrets = [credentials.apiSecret, grant.code];
      return ctx.call<TokenSet>({
        op: 'exchange',
        singleUseGrant: true,
        secrets,
        request: {
          method: 'POST',
          url: ctx.apiUrl(FIVEPAISA_TOKEN_PATH),
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({
            head: { Key: credentials.apiKey },
            body: { RequestToken: grant.code, EncryKey: credentials.apiSecret, UserId: userId },
          }),
        },
        interpret: (res) => {
          if (isFailure(res) || refusedWithoutToken(res.json)) {
            throw classify(res, 'exchange', secrets);
          }
          const s = parseBody(tokenResponseSchema, res, label, 'exchange');
          const accessToken = s.body.AccessToken;
          ctx.registerSecrets(accessToken);
          const all = [...secrets, accessToken];
          return {
            accessToken,
            issuedAt,
            expiresAt: accessTokenExpiry('fivepaisa', issuedAt, accessToken),
            userId: profileUserId(asCode(s.body.ClientCode), all) ?? jwtClientCode(accessToken),
            userName: profileName(s.body.ClientName, all),
          };
        },
      });
    },

    validate(apiKey, accessToken, context) {
      return margin(apiKey, accessToken, context);
    },
  };
}
