/**
 * Which secret values the keychain can keep exactly. keytar hands a value to the OS as a C string of
 * UTF-8 (libsecret, Keychain) or UTF-16 (Windows):
 * - a NUL ends a C string: everything after it would be dropped, silently;
 * - a lone UTF-16 surrogate (half of an emoji, left by a bad copy/paste or a broken decoder) has no
 *   UTF-8 form: Node converts it to U+FFFD "�", so a different secret would be stored, silently.
 * Such a value is refused at the SecretStore boundary, before anything is stored. No real secret
 * holds either; the message says where, never what.
 */

export interface SecretValueProblem {
  /** 'bug': TokenTray itself passed something that is not a secret at all. */
  readonly kind: 'bug' | 'unstorable';
  /** What is wrong, naming the position (1-based) but never a character of the value. */
  readonly what: string;
}

/** Index of the first unpaired surrogate, or -1. */
export function loneSurrogateIndex(value: string): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1); // NaN past the end
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++; // a proper pair
        continue;
      }
      return i;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return i;
  }
  return -1;
}

export function secretValueProblem(value: unknown): SecretValueProblem | null {
  if (typeof value !== 'string' || value.length === 0) {
    return { kind: 'bug', what: 'the value is empty' };
  }
  const nul = value.indexOf('\0');
  if (nul >= 0) {
    return {
      kind: 'unstorable',
      what: `it contains a NUL character (at position ${nul + 1}), which the system keychain would cut off there`,
    };
  }
  const lone = loneSurrogateIndex(value);
  if (lone >= 0) {
    return {
      kind: 'unstorable',
      what: `it contains an invalid character (half of a UTF-16 surrogate pair, at position ${lone + 1}), which the system keychain would silently store as "\uFFFD" — a different secret`,
    };
  }
  return null;
}
