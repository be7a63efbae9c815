/** Builds an unsigned, obviously fake JWT with the given claims (tests only; never a real token). */
export function fakeJwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ sub: 'access_token', ...claims })}.ZmFrZS1zaWduYXR1cmU`;
}
