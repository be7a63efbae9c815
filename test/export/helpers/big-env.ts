/**
 * A large, realistic .env (comments, blank lines, export, quoted and multi-line values, CRLF-free)
 * with one of our keys in the middle: the bench times rewrites of it, a test checks them.
 */
export function bigEnv(lines: number, ownedKey = 'UPSTOX_ACCESS_TOKEN'): string {
  const out: string[] = [];
  for (let i = 0; out.length < lines; i++) {
    if (i === Math.floor(lines / 2)) out.push(`${ownedKey}='previous-token'`);
    else if (i % 50 === 0) out.push(`# ---- section ${i / 50} ----`, '');
    else if (i % 37 === 0) out.push(`CERT_${i}="-----BEGIN-----`, `line ${i}`, `-----END-----"`);
    else if (i % 11 === 0) out.push(`export FLAG_${i}=true`);
    else if (i % 7 === 0) out.push(`NAME_${i}='value with spaces ${i}' # note`);
    else out.push(`KEY_${i}=value-${i}`);
  }
  return out.slice(0, lines).join('\n') + '\n';
}
