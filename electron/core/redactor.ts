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

export class Redactor {
  private readonly secrets = new Set<string>();
  private sorted: string[] = [];

  register(value: string): void {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || this.secrets.has(value))
      return;
    this.secrets.add(value);
    // Longest first, so a secret that contains another is masked whole.
    this.sorted = [...this.secrets].sort((a, b) => b.length - a.length);
  }

  redactText(text: string): string {
    let out = text;
    for (const secret of this.sorted) {
      if (out.includes(secret)) out = out.split(secret).join(MASK);
      // Secrets also travel URL-encoded (query strings, form bodies).
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret && out.includes(encoded)) out = out.split(encoded).join(MASK);
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
