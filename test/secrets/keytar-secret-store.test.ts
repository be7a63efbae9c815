/**
 * The keytar SecretStore against a real, unlocked gnome-keyring (scripts/with-keyring.sh). Items are
 * checked with libsecret's own `secret-tool`, so the documented naming (docs/keychain.md) is what is
 * really in the keyring.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeytarSecretStore } from '../../electron/core/secrets/keytar-secret-store';
import { SECRET_KINDS } from '../../electron/core/secrets/secret-names';
import { isTokenTrayError } from '../../electron/core/errors';
import type { Logger } from '../../electron/core/ports';
import { keyringAvailable, requireKeyringInCi, testService } from './keyring';

requireKeyringInCi();

const service = testService();
const registered: string[] = [];
const logger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  registerSecret: (v) => registered.push(v),
};
const store = createKeytarSecretStore({ service, logger });

/** What libsecret itself has under service/account, or null. */
function secretTool(account: string): string | null {
  try {
    return execFileSync('secret-tool', ['lookup', 'service', service, 'account', account], {
      encoding: 'utf8',
    });
  } catch {
    return null; // secret-tool exits 1 when nothing matches
  }
}

describe.skipIf(!keyringAvailable)('keytar SecretStore on a real Secret Service', () => {
  afterAll(async () => {
    for (const id of ['main', 'second', 'unicode']) await store.deleteAll(id);
  });

  it('stores each kind under service + "<accountId>/<kind>", and reads it back', async () => {
    const values: Record<string, string> = {
      ...Object.fromEntries(SECRET_KINDS.map((kind) => [kind, `${kind}-value-1`])),
      'api-secret': 'api-secret-value-1',
      'access-token': 'eyJhbGciOiJIUzI1NiJ9.payload.sig',
      'refresh-token': 'refresh-token-value',
      pin: '4321',
    };
    for (const kind of SECRET_KINDS) await store.set('main', kind, values[kind]!);
    for (const kind of SECRET_KINDS) {
      expect(await store.get('main', kind)).toBe(values[kind]);
      expect(secretTool(`main/${kind}`)).toBe(values[kind]);
    }
    expect(registered).toEqual(expect.arrayContaining(Object.values(values)));
  });

  it('overwrites, keeps any text intact, and answers null for what is not there', async () => {
    await store.set('unicode', 'access-token', 'first');
    const odd = 'tök€n with spaces, "quotes" \'and\' \\backslash\\ 😀';
    await store.set('unicode', 'access-token', odd);
    expect(await store.get('unicode', 'access-token')).toBe(odd);
    expect(await store.get('unicode', 'refresh-token')).toBeNull();
    expect(await store.get('nobody-here', 'pin')).toBeNull();
    // Long (a 100 kB token) and non-Latin text round-trips exactly.
    for (const value of ['x'.repeat(100_000), 'नमस्ते-टोकन-ß-✓']) {
      await store.set('unicode', 'refresh-token', value);
      expect(await store.get('unicode', 'refresh-token')).toBe(value);
    }
  });

  it('refuses a value the keychain would silently cut short at a NUL, keeping the old one', async () => {
    await store.set('unicode', 'pin', 'before');
    let error: unknown;
    try {
      await store.set('unicode', 'pin', 'ab\0cd');
    } catch (e) {
      error = e;
    }
    expect(isTokenTrayError(error) && error.kind).toBe('keychain');
    expect((error as Error).message).toMatch(/NUL character/);
    expect(await store.get('unicode', 'pin')).toBe('before');
  });

  // Issue 9 item 13: a lone surrogate was stored as U+FFFD without a word (keytar converts to UTF-8).
  it('issue 9 item 13: refuses a secret holding a lone surrogate instead of storing it altered', async () => {
    await store.set('unicode', 'api-secret', 'api-secret-before');
    await store.set('unicode', 'pin', 'pin-before');
    const high = 'abc\uD83Ddef'; // the first half of 😀, alone
    const low = 'abc\uDE00'; // the second half, alone, at the end
    const cases = [
      [
        'api-secret',
        high,
        4,
        /Enter it again, copied afresh from where you keep it; nothing was stored/,
      ],
      ['pin', low, 4, /Enter it again/],
      ['access-token', `${'x'.repeat(20)}\uDFFF\uD800`, 21, /damaged on the way; log in again/],
    ] as const;
    for (const [kind, value, position, fix] of cases) {
      let error: unknown;
      try {
        await store.set('unicode', kind, value);
      } catch (e) {
        error = e;
      }
      expect(isTokenTrayError(error) && error.kind).toBe('keychain');
      const message = (error as Error).message;
      expect(message).toMatch(
        new RegExp(
          `did not save the .* of account "unicode": it contains an invalid character \\(half of a UTF-16 surrogate pair, at position ${position}\\)`,
        ),
      );
      expect(message).toMatch(fix);
      expect(message).not.toContain(value);
    }
    // Nothing was changed in the real keyring: the old values are there, exactly.
    expect(await store.get('unicode', 'api-secret')).toBe('api-secret-before');
    expect(secretTool('unicode/pin')).toBe('pin-before');
    expect(secretTool('unicode/access-token')).not.toMatch(/\uFFFD/);
    // A proper pair is fine and round-trips.
    await store.set('unicode', 'api-secret', 'abc\uD83D\uDE00def');
    expect(await store.get('unicode', 'api-secret')).toBe('abc😀def');
  });

  it('deletes one kind, or every secret of one account and nobody else’s', async () => {
    await store.set('main', 'pin', '1111');
    await store.set('second', 'access-token', 'second-token');
    await store.delete('main', 'pin');
    expect(await store.get('main', 'pin')).toBeNull();
    expect(secretTool('main/pin')).toBeNull();
    await store.delete('main', 'pin'); // deleting what is gone is fine

    await store.deleteAll('main');
    for (const kind of SECRET_KINDS) expect(secretTool(`main/${kind}`)).toBeNull();
    expect(await store.get('second', 'access-token')).toBe('second-token');
    // The probe item used to tell "locked" from "empty" never lingers.
    expect(secretTool('.tokentray-probe')).toBeNull();
  });

  it('refuses bad arguments with a keychain error, before touching the keyring', async () => {
    for (const call of [
      () => store.get('Not An Id', 'pin'),
      () => store.set('main', 'password' as never, 'x'),
      () => store.set('main', 'pin', ''),
    ]) {
      let error: unknown;
      try {
        await call();
      } catch (e) {
        error = e;
      }
      expect(isTokenTrayError(error) && error.kind).toBe('keychain');
    }
  });
});
