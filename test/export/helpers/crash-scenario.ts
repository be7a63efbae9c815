/**
 * The files and payloads of the crash test, shared by the parent (which computes the only contents
 * the files may ever have) and the child processes (which rewrite them until killed).
 */
import { join } from 'node:path';
import type { ExportTarget } from '../../../shared/domain';
import type { ExportPayload } from '../../../electron/core/ports';

/** A bot's .env as people write them: comments, CRLF, export, quotes, no final newline. */
export const INITIAL_ENV = [
  '# trading bot settings',
  'export BROKER=upstox',
  'DB_URL="postgres://bot@localhost/bot"',
  '',
  "NOTES='line one",
  "line two'",
  'UPSTOX_ACCESS_TOKEN=old-token # set by hand',
  'RISK_PCT=0.5',
].join('\r\n');

export const INITIAL_JSON = '{\n    "bot": "alpha",\n    "limits": { "max_orders": 20 }\n}\n';

export function targets(dir: string): { env: ExportTarget; json: ExportTarget } {
  return {
    env: {
      kind: 'env',
      path: join(dir, 'bot.env'),
      tokenKey: 'UPSTOX_ACCESS_TOKEN',
      expiresAtKey: 'UPSTOX_ACCESS_TOKEN_EXPIRES_AT',
      extra: { UPSTOX_API_KEY: 'api_key' },
    },
    json: { kind: 'json', path: join(dir, 'tokens.json') },
  };
}

/** Two payloads with tokens of different lengths, so a torn file cannot look like a whole one. */
export function payload(which: 'A' | 'B'): ExportPayload {
  return {
    accountId: 'crash',
    broker: 'upstox',
    accessToken:
      which === 'A' ? `eyJ.${'a'.repeat(900)}.sigA` : `eyJ.${'b'.repeat(40)}.sigB-longer-suffix`,
    // One issue instant for both: a tie writes (newest-wins ordering never blocks the A/B/A cycle
    // this test needs to catch a write mid-flight).
    issuedAt: new Date('2026-03-03T03:00:00.000Z'),
    expiresAt: new Date(which === 'A' ? '2026-03-03T22:00:00.000Z' : '2026-03-04T22:00:00.000Z'),
    apiKey: 'demo-api-key',
    userId: 'AB1234',
  };
}
