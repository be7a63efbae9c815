/**
 * Replaces secrets with a mask before text leaves the process (log files, error reports). Two nets:
 * every secret TokenTray has handled is registered by value, and fields whose names say "secret" are
 * masked whatever their value, so a secret we never saw (a broker echoing one back) is caught too.
 */

const SECRET_FIELD =
  /token|secret|pin|password|checksum|auth_?code|request_?token|apphash|appidhash|authorization|cookie/i;
const MASK = '[redacted]';
/** Shorter values are not registered: masking "1" everywhere would shred the log and protect nothing. */
const MIN_SECRET_LENGTH = 4;

/**
 * The URL-encoded form of a secret, or null. encodeURIComponent throws on a lone surrogate (such a
 * secret is refused by the SecretStore, but it may be registered before that refusal): computed
 * once here, so one odd value can never make every later log line throw.
 */
function urlEncoded(secret: string): string | null {
  try {
    const encoded = encodeURIComponent(secret);
    return encoded === secret ? null : encoded;
  } catch {
    return null;
  }
}

export class Redactor {
  private readonly secrets = new Set<string>();
  /** Each secret and its URL-encoded form (secrets also travel in query strings and form bodies). */
  private sorted: { readonly plain: string; readonly encoded: string | null }[] = [];

  register(value: string): void {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || this.secrets.has(value))
      return;
    this.secrets.add(value);
    // Longest first, so a secret that contains another is masked whole.
    this.sorted = [...this.secrets]
      .sort((a, b) => b.length - a.length)
      .map((plain) => ({ plain, encoded: urlEncoded(plain) }));
  }

  redactText(text: string): string {
    let out = text;
    for (const { plain, encoded } of this.sorted) {
      if (out.includes(plain)) out = out.split(plain).join(MASK);
      if (encoded !== null && out.includes(encoded)) out = out.split(encoded).join(MASK);
    }
    return out;
  }

  /** Redacts any value into something safe to serialise. */
  redact(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.redactText(value);
    if (value === null || typeof value !== 'object') return value;
    if (depth > 6) return '[…]';
    if (value instanceof Error) {
      return { name: value.name, message: this.redactText(value.message) };
    }
    if (Array.isArray(value)) return value.map((v) => this.redact(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] =
        SECRET_FIELD.test(k) && v !== null && v !== undefined && v !== ''
          ? MASK
          : this.redact(v, depth + 1);
    }
    return out;
  }
}
