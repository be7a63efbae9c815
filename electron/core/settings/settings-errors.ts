/**
 * Words for a settings file TokenTray cannot use: which file, which field, what is wrong, where the
 * safety copy is, what to do. Messages never quote values (the file holds no secrets, but a hand-edit
 * might have pasted one in).
 */
import type { z } from 'zod';
import { TokenTrayError } from '../errors';

/** `accounts[1] ("upstox-main").redirectUri`: the path of a zod issue, with the account's id. */
export function fieldName(path: readonly PropertyKey[], raw: unknown): string {
  let out = '';
  let node: unknown = raw;
  for (const part of path) {
    if (typeof part === 'number') {
      out += `[${part}]`;
      node = Array.isArray(node) ? node[part] : undefined;
      const id = typeof node === 'object' && node !== null && 'id' in node ? node.id : undefined;
      if (typeof id === 'string' && /^[a-z0-9-]{1,63}$/.test(id)) out += ` ("${id}")`;
    } else {
      const key = String(part);
      out += out ? `.${key}` : key;
      node =
        typeof node === 'object' && node !== null
          ? (node as Record<string, unknown>)[key]
          : undefined;
    }
  }
  return out || '(the whole file)';
}

export function describeIssues(error: z.ZodError, raw: unknown): string {
  const [first, ...rest] = error.issues;
  if (!first) return 'the content is invalid';
  const more = rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
  return `${fieldName(first.path, raw)}: ${first.message}${more}`;
}

export function invalidSettingsError(
  path: string,
  problem: string,
  backupPath: string | null,
): TokenTrayError {
  const kept = backupPath ? ` A copy of the file was kept at ${backupPath}.` : '';
  return new TokenTrayError(
    'config',
    `The settings file ${path} cannot be used: ${problem}.${kept} Correct the file (or delete it to start over) and restart TokenTray; until then TokenTray will not overwrite it.`,
  );
}
