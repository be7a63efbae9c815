/**
 * Removes every secret from a settings document before TokenTray writes any copy of it (the v0
 * backup, a copy of an invalid file, the copy kept by reset). Two nets, like the log redactor:
 * - by place: the value of any key that names a secret in a layout TokenTray ever wrote (v0's
 *   `apiSecret`, `accessToken`, `refreshToken`) or a hand edit might add (`pin`, `password`, …),
 *   at any depth, whatever the account it belongs to (v0 kept tokens of removed accounts too);
 * - by value: every such value, and every secret the caller knows (those moved to the keychain),
 *   is also cut out wherever else it appears (pasted into a label, a path, a key).
 * The result holds no secret at all; it is what a copy may contain.
 */

/** Keys whose values are secrets (camelCase as v0 wrote them, snake_case as brokers spell them). */
const SECRET_KEY =
  /^(api_?secret|app_?secret|secret(_?(id|key))?|client_?secret|access_?token|refresh_?token|pin|password|passphrase|auth_?code|request_?token)$/i;

export const SCRUBBED = '[removed: secrets are kept only in the system keychain]';

/** Values shorter than this are replaced only where they are the whole value, never inside text. */
const MIN_EMBEDDED = 8;
/** Settings are a few levels deep; anything deeper is not ours and is dropped, not walked. */
const MAX_DEPTH = 32;

export interface Scrubbed {
  readonly value: unknown;
  /** How many values or fragments were replaced. */
  readonly removed: number;
}

function collect(node: unknown, into: Set<string>, depth: number): void {
  if (depth > MAX_DEPTH || typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const v of node) collect(v, into, depth + 1);
    return;
  }
  for (const [k, v] of Object.entries(node)) {
    if (SECRET_KEY.test(k) && typeof v === 'string' && v.length > 0) into.add(v);
    collect(v, into, depth + 1);
  }
}

export function scrubSecrets(document: unknown, known: Iterable<string> = []): Scrubbed {
  const secrets = new Set<string>();
  for (const s of known) if (s.length > 0) secrets.add(s);
  collect(document, secrets, 0);
  // Longest first, so a secret that contains another is cut whole.
  const embedded = [...secrets]
    .filter((s) => s.length >= MIN_EMBEDDED)
    .sort((a, b) => b.length - a.length);
  let removed = 0;

  const text = (s: string): string => {
    if (secrets.has(s)) {
      removed++;
      return SCRUBBED;
    }
    let out = s;
    for (const secret of embedded) {
      if (out.includes(secret)) {
        removed++;
        out = out.split(secret).join(SCRUBBED);
      }
    }
    return out;
  };

  const walk = (node: unknown, depth: number): unknown => {
    if (typeof node === 'string') return text(node);
    if (typeof node !== 'object' || node === null) return node;
    if (depth > MAX_DEPTH) {
      removed++;
      return '[removed: nested too deeply]';
    }
    if (Array.isArray(node)) return node.map((v) => walk(v, depth + 1));
    // Entries, not assignments: a key such as "__proto__" stays a plain key.
    const entries: [string, unknown][] = [];
    const keys = new Set<string>();
    for (const [k, v] of Object.entries(node)) {
      let key = text(k);
      while (keys.has(key)) key += '~';
      keys.add(key);
      if (SECRET_KEY.test(k) && v !== null && v !== undefined && v !== '') {
        removed++;
        entries.push([key, SCRUBBED]);
      } else {
        entries.push([key, walk(v, depth + 1)]);
      }
    }
    return Object.fromEntries(entries);
  };

  return { value: walk(document, 0), removed };
}
