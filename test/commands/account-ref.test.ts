/**
 * Naming accounts (CLI, HTTP bodies, IPC): exact id or label first, then a unique prefix (CLI only);
 * ambiguity and unknown names are refused with the candidates, never guessed.
 */
import { describe, expect, it } from 'vitest';
import {
  resolveAccount,
  resolveAccounts,
  accountRefSchema,
} from '../../electron/core/commands/account-ref';
import { CommandError } from '../../electron/core/commands/command-error';

const accounts = [
  { id: 'kite-main', label: 'Main' },
  { id: 'kite-2', label: 'Wife' },
  { id: 'fyers-main', label: 'Swing' },
  { id: 'kite', label: 'Old' },
];

function refused(fn: () => unknown): CommandError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CommandError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('account names', () => {
  it('an exact id or label wins over prefixes, case-insensitively', () => {
    expect(resolveAccount(accounts, 'kite').id).toBe('kite'); // exact id, though 3 ids start with it
    expect(resolveAccount(accounts, 'KITE-MAIN').id).toBe('kite-main');
    expect(resolveAccount(accounts, 'wife').id).toBe('kite-2');
    expect(resolveAccount(accounts, ' swing ').id).toBe('fyers-main');
  });

  it('a unique prefix of an id or label works in prefix mode only', () => {
    expect(resolveAccount(accounts, 'fy').id).toBe('fyers-main');
    expect(resolveAccount(accounts, 'sw').id).toBe('fyers-main');
    expect(refused(() => resolveAccount(accounts, 'fy', 'name')).code).toBe('not-found');
    const ambiguous = refused(() => resolveAccount(accounts, 'kite-'));
    expect(ambiguous.code).toBe('bad-request');
    expect(ambiguous.message).toBe(
      '"kite-" matches several accounts (kite-main, kite-2): use the full id.',
    );
  });

  it('id mode (IPC, URL paths) takes the exact id only, with the dashboard words', () => {
    expect(resolveAccount(accounts, 'kite-main', 'id').id).toBe('kite-main');
    const e = refused(() => resolveAccount(accounts, 'Main', 'id'));
    expect(e).toMatchObject({
      code: 'not-found',
      message: 'No account "Main": it may have been removed.',
    });
  });

  it('unknown names list the known ids; an empty list means every account; duplicates collapse', () => {
    expect(refused(() => resolveAccount(accounts, 'upstox')).message).toBe(
      'No account "upstox". Known accounts: kite-main, kite-2, fyers-main, kite.',
    );
    expect(refused(() => resolveAccount([], 'x')).message).toMatch(/No account is set up yet/);
    expect(resolveAccounts(accounts, []).map((a) => a.id)).toHaveLength(4);
    expect(resolveAccounts(accounts, ['fy', 'Swing', 'fyers-main']).map((a) => a.id)).toEqual([
      'fyers-main',
    ]);
  });

  it('refuses control characters and overlong names before matching', () => {
    expect(accountRefSchema.safeParse('kite\nmain').success).toBe(false);
    expect(accountRefSchema.safeParse('k'.repeat(81)).success).toBe(false);
    expect(accountRefSchema.safeParse('').success).toBe(false);
  });
});
