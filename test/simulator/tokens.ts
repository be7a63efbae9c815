/**
 * Fake credentials in the shapes brokers.md describes: Upstox and FYERS tokens are JWTs with `exp`
 * (§1 "Token format", O[F6]), Kite's are opaque 32-character strings. All random, unsigned (the
 * signature is random bytes) and marked as simulator output in their claims: obviously fake.
 */
import { randomBytes, randomInt } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomAlnum(length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += ALNUM[randomInt(ALNUM.length)];
  return out;
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned JWT with the given claims plus `iat`, `exp`, a random `jti` and a "fake" marker. */
export function fakeJwt(claims: Record<string, unknown>, issuedAt: Date, expiresAt: Date): string {
  const payload = {
    iss: 'tokentray-broker-simulator',
    ...claims,
    iat: Math.floor(issuedAt.getTime() / 1000),
    exp: Math.floor(expiresAt.getTime() / 1000),
    jti: randomBytes(12).toString('hex'),
    note: 'FAKE token from the TokenTray broker simulator',
  };
  return `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(payload)}.${randomBytes(32).toString('base64url')}`;
}
