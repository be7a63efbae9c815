/**
 * The add/edit dialog previews the .env lines TokenTray will write. The renderer may not import the
 * exporter, so it quotes on its own: this pins the preview to what the exporter really writes into a
 * new file (placeholders aside).
 */
import { describe, expect, it } from 'vitest';
import { rewriteEnv } from '../../electron/core/export/env-file';
import { newTarget, previewLines } from '../../renderer/account-form';

const EXPIRES = new Date('2026-11-25T22:00:00.000Z');

describe('.env preview', () => {
  it.each(['demo-key-0000', 'XB99999-100', "it's-a-key", 'say "hi"'])(
    'quotes like the exporter writes a new file (api key %s)',
    (apiKey) => {
      const target = {
        ...newTarget('kite', '/home/me/bot/.env'),
        apiKeyVar: 'KITE_API_KEY',
        userIdVar: 'KITE_USER_ID',
      };
      const written = rewriteEnv(null, [
        { key: target.tokenKey, value: '…' },
        { key: target.expiresAtKey, value: EXPIRES.toISOString() },
        { key: 'KITE_API_KEY', value: apiKey },
        { key: 'KITE_USER_ID', value: '…' },
      ]).text;
      expect(previewLines(target, apiKey, EXPIRES).join('\n') + '\n').toBe(written);
    },
  );
});
