/**
 * Accounts are named by id or label, case-insensitively, or by a unique prefix of either
 * (`tokentray token kite` finds "kite-main" when it is the only account starting with "kite").
 * An exact id or label always wins over prefixes, so adding "kite-2" never breaks a script that
 * names "kite-main" in full.
 */
import { z } from 'zod';
import { CommandError } from './command-error';

export interface NamedAccount {
  readonly id: string;
  readonly label: string;
}

/** What a caller may send as an account name: one line, bounded. */
export const accountRefSchema = z
  .string()
  .trim()
  .min(1, 'name an account (its id or label)')
  .max(80, 'an account name is at most 80 characters')
  .refine((s) => ![...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f), {
    message: 'an account name is a single line of text',
  });

function quoted(ref: string): string {
  return JSON.stringify(ref);
}

/**
 * How a caller names accounts:
 * - `id`: the exact id only (the dashboard and the URL path `/api/v1/accounts/{id}` use ids; a
 *   prefix there could act on a different account after the named one was removed).
 * - `name`: id or label, case-insensitive (HTTP bodies).
 * - `prefix`: `name`, or a unique prefix of an id or label (the CLI, typed by people).
 */
export type AccountMatch = 'id' | 'name' | 'prefix';

export function resolveAccount<A extends NamedAccount>(
  accounts: readonly A[],
  ref: string,
  match: AccountMatch = 'prefix',
): A {
  if (match === 'id') {
    const found = accounts.find((a) => a.id === ref);
    if (found) return found;
    throw new CommandError('not-found', `No account ${quoted(ref)}: it may have been removed.`);
  }
  const wanted = ref.trim().toLowerCase();
  const exact = accounts.filter(
    (a) => a.id.toLowerCase() === wanted || a.label.toLowerCase() === wanted,
  );
  if (exact.length === 1 && exact[0]) return exact[0];
  const candidates =
    exact.length > 1 || match === 'name'
      ? exact
      : accounts.filter(
          (a) => a.id.toLowerCase().startsWith(wanted) || a.label.toLowerCase().startsWith(wanted),
        );
  if (candidates.length === 1 && candidates[0]) return candidates[0];
  if (candidates.length === 0) {
    const known = accounts.map((a) => a.id).join(', ');
    throw new CommandError(
      'not-found',
      `No account ${quoted(ref)}. ${known ? `Known accounts: ${known}.` : 'No account is set up yet: add one in the TokenTray dashboard.'}`,
    );
  }
  throw new CommandError(
    'bad-request',
    `${quoted(ref)} matches several accounts (${candidates.map((a) => a.id).join(', ')}): use the full id.`,
  );
}

/** Resolves each name once; an empty list means every account. Duplicates are dropped. */
export function resolveAccounts<A extends NamedAccount>(
  accounts: readonly A[],
  refs: readonly string[],
  match: AccountMatch = 'prefix',
): A[] {
  if (refs.length === 0) return [...accounts];
  const out: A[] = [];
  for (const ref of refs) {
    const a = resolveAccount(accounts, ref, match);
    if (!out.includes(a)) out.push(a);
  }
  return out;
}
