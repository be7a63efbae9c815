/**
 * Hex SHA-256 of a UTF-8 string: the checksum every broker that signs a login uses (Kite, FYERS,
 * Shoonya, Alice Blue, IIFL — each concatenates its own fields in its own documented order).
 */
import { createHash } from 'node:crypto';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
