/**
 * Error building blocks every adapter shares: the broker-independent classes (rate limit, broker
 * down, unexpected answer), Retry-After parsing, and scrubbing of text that came from a broker or a
 * redirect before it goes into a message. Messages say what happened and what to do, never a secret.
 */
import type { z } from 'zod';
import type { ErrorKind } from '../../../shared/domain';
import { jwtExpiry } from '../../../shared/expiry';
import { TokenTrayError } from '../errors';
import { brokerMessage, isReadable } from './broker-text';
import type { HttpResponse } from './http';

export type Operation = 'exchange' | 'refresh' | 'validate' | 'logout';

const OPERATION_WORDS: Readonly<Record<Operation, string>> = {
  exchange: 'the token request',
  refresh: 'the token refresh',
  validate: 'the token check',
  logout: 'the logout',
};

export function operationWords(op: Operation): string {
  return OPERATION_WORDS[op];
}

/**
 * Text from a broker body or a redirect parameter, made safe to show (broker-text.ts): the given
 * secrets and anything long enough to be a token masked (a broker may echo a code or token back, e.g.
 * Upstox's `invalidValue`, brokers.md §2), one line, bounded; "(unreadable broker message)" when
 * nothing readable is left.
 */
export function scrubText(
  value: unknown,
  secrets: readonly (string | undefined)[] = [],
): string | undefined {
  return brokerMessage(value, secrets);
}

/**
 * The three HTTP-date forms (RFC 9110 §5.6.7): IMF-fixdate, obsolete RFC 850, asctime. Date.parse
 * alone is far too lenient ("1.5", "-1" and "1,2" all parse as dates in the past, i.e. "retry now").
 */
const IMF_FIXDATE = /^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC850_DATE = /^[A-Za-z]{6,9}, \d{2}-[A-Za-z]{3}-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME_DATE = /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * Retry-After as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). Anything else is
 * not a hint at all (undefined), so the caller's own rules apply instead of an immediate retry.
 */
export function retryAfterMs(headers: Headers, now: Date): number | undefined {
  const raw = headers.get('retry-after')?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  let at: number;
  if (IMF_FIXDATE.test(raw) || RFC850_DATE.test(raw)) at = Date.parse(raw);
  // asctime carries no zone but means GMT; Date.parse would read it as local time.
  else if (ASCTIME_DATE.test(raw)) at = Date.parse(`${raw} GMT`);
  else return undefined;
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

function inWords(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return s < 120 ? `${s} s` : `${Math.ceil(s / 60)} minutes`;
}

export function rateLimitedError(
  label: string,
  input: { status?: number; brokerCode?: string; retryAfterMs?: number; advice?: string },
): TokenTrayError {
  const wait =
    input.retryAfterMs !== undefined ? `wait ${inWords(input.retryAfterMs)}` : 'wait a minute';
  const code = input.brokerCode ? ` (${input.brokerCode})` : '';
  return new TokenTrayError(
    'rate-limited',
    `${label} is limiting how often TokenTray may call it${code}: ${wait} and try again.${input.advice ? ` ${input.advice}` : ''}`,
    {
      ...(input.status !== undefined ? { status: input.status } : {}),
      ...(isReadable(input.brokerCode) ? { brokerCode: input.brokerCode } : {}),
      ...(input.retryAfterMs !== undefined ? { retryAfterMs: input.retryAfterMs } : {}),
    },
  );
}

export function brokerDownError(
  label: string,
  op: Operation,
  input: { status: number; brokerCode?: string },
): TokenTrayError {
  const code = input.brokerCode ? `, ${input.brokerCode}` : '';
  return new TokenTrayError(
    'broker-down',
    `${label} failed to answer ${operationWords(op)} (HTTP ${input.status}${code}): its servers seem to be having trouble. Try again in a few minutes; your current token is kept.`,
    {
      status: input.status,
      ...(isReadable(input.brokerCode) ? { brokerCode: input.brokerCode } : {}),
    },
  );
}

export function badResponseError(
  label: string,
  op: Operation,
  what: string,
  status?: number,
): TokenTrayError {
  return new TokenTrayError(
    'bad-response',
    `${label} answered ${operationWords(op)} with something TokenTray does not understand (${what}). Try again; if it keeps happening, ${label} may have changed its API: look for a TokenTray update.`,
    status !== undefined ? { status } : {},
  );
}

/**
 * A broker error we have no special words for. In the exchange it means the login did not work
 * (log in again); elsewhere it is an answer we did not expect.
 */
export function unexpectedBrokerError(
  label: string,
  op: Operation,
  input: {
    status: number;
    /** Absent, undefined and '' all mean "the broker named no code" (likewise the message). */
    brokerCode?: string | undefined;
    brokerMessage?: string | undefined;
  },
): TokenTrayError {
  // Both were made safe by the adapter (broker-text.ts); an unreadable code is said, not kept.
  const code = input.brokerCode === '' ? undefined : input.brokerCode;
  const said = [code, input.brokerMessage].filter(Boolean).join(': ');
  const details = { status: input.status, ...(isReadable(code) ? { brokerCode: code } : {}) };
  const kind: ErrorKind = op === 'exchange' ? 'login-failed' : 'bad-response';
  const tail =
    op === 'exchange'
      ? 'Log in again; if it keeps failing, check the API key, secret and redirect URI in the account settings.'
      : 'Try again; if it keeps happening, look for a TokenTray update.';
  return new TokenTrayError(
    kind,
    `${label} refused ${operationWords(op)} (HTTP ${input.status}${said ? `, ${said}` : ''}). ${tail}`,
    details,
  );
}

/**
 * The broker said "this token is no good". If the token is a JWT whose `exp` has passed, it simply
 * expired; otherwise it was revoked early (logout, a newer login, a master logout — brokers.md §3).
 */
export function rejectedTokenKind(token: string, now: Date): 'expired' | 'revoked' {
  const exp = jwtExpiry(token);
  return exp !== undefined && exp.getTime() <= now.getTime() ? 'expired' : 'revoked';
}

/** Validates a broker body with zod; on failure names the fields (never their values). */
export function parseBody<S extends z.ZodType>(
  schema: S,
  res: HttpResponse,
  label: string,
  op: Operation,
): z.infer<S> {
  if (res.json === undefined) {
    throw badResponseError(label, op, `HTTP ${res.status}, not JSON`, res.status);
  }
  const parsed = schema.safeParse(res.json);
  if (!parsed.success) {
    const fields = [
      ...new Set(
        parsed.error.issues.map(
          (i) => brokerMessage(i.path.map(String).join('.'), [], 40) ?? 'body',
        ),
      ),
    ]
      .slice(0, 3)
      .join(', ');
    throw badResponseError(label, op, `HTTP ${res.status}, unexpected ${fields}`, res.status);
  }
  return parsed.data;
}
