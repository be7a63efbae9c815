/** The JSON export target's merge rules (json-export.ts). */
import { describe, expect, it } from 'vitest';
import {
  JsonExportError,
  mergeJsonExport,
  type JsonExportEntry,
} from '../../electron/core/export/json-export';

const entry = (over: Partial<JsonExportEntry> = {}): JsonExportEntry => ({
  accountId: 'main',
  broker: 'upstox',
  accessToken: 'tok-main-1',
  expiresAt: '2026-03-04T22:00:00.000Z',
  apiKey: 'key-main',
  userId: 'AB1234',
  ...over,
});

describe('mergeJsonExport', () => {
  it('writes the broker key bots read, and the account under accounts.<id>', () => {
    expect(JSON.parse(mergeJsonExport(null, entry()))).toEqual({
      upstox: {
        access_token: 'tok-main-1',
        expires_at: '2026-03-04T22:00:00.000Z',
        api_key: 'key-main',
        user_id: 'AB1234',
        account_id: 'main',
      },
      accounts: {
        main: {
          broker: 'upstox',
          access_token: 'tok-main-1',
          expires_at: '2026-03-04T22:00:00.000Z',
          api_key: 'key-main',
          user_id: 'AB1234',
        },
      },
    });
  });

  it('keeps both accounts of one broker; the broker key says which exported last', () => {
    const one = mergeJsonExport(null, entry());
    const two = JSON.parse(
      mergeJsonExport(one, entry({ accountId: 'second', accessToken: 'tok-second' })),
    ) as Record<string, Record<string, Record<string, unknown>>>;
    expect(two.upstox!.access_token).toBe('tok-second');
    expect(two.upstox!.account_id).toBe('second');
    expect(two.accounts!.main!.access_token).toBe('tok-main-1');
    expect(two.accounts!.second!.access_token).toBe('tok-second');
  });

  it('keeps the user id an earlier export wrote when this one does not know it', () => {
    const one = mergeJsonExport(null, entry());
    const other = mergeJsonExport(one, entry({ accountId: 'other', userId: 'ZZ9999' }));
    const next = JSON.parse(
      mergeJsonExport(other, entry({ accessToken: 'tok-main-2', userId: null })),
    ) as Record<string, Record<string, Record<string, unknown>>>;
    expect(next.upstox!.access_token).toBe('tok-main-2');
    expect(next.upstox!.user_id).toBe('AB1234'); // main's, not the other account's
    expect(next.accounts!.main!.user_id).toBe('AB1234');
    expect(next.accounts!.other!.user_id).toBe('ZZ9999');
    const fresh = JSON.parse(mergeJsonExport(null, entry({ userId: null }))) as typeof next;
    expect(fresh.upstox!.user_id).toBeNull();
  });

  it('keeps everything else: other keys, fields users added to ours, indentation, CRLF', () => {
    const before =
      '{\r\n\t"bot": "alpha",\r\n\t"upstox": { "note": "mine", "access_token": "old" }\r\n}';
    const after = mergeJsonExport(before, entry({ broker: 'upstox' }));
    const parsed = JSON.parse(after) as Record<string, Record<string, unknown>>;
    expect(parsed.bot).toBe('alpha');
    expect(parsed.upstox!.note).toBe('mine');
    expect(parsed.upstox!.access_token).toBe('tok-main-1');
    expect(after).toContain('\r\n\t"bot": "alpha",\r\n');
    expect(after.endsWith('}')).toBe(true); // no final newline before, none after
    expect(mergeJsonExport('{"a":1}', entry())).not.toContain('\n'); // one-line stays one line
  });

  it('refuses files it would damage, saying where, never quoting them', () => {
    const cases: [string, RegExp][] = [
      ['{ "a": 1,, }', /not valid JSON \(near line 1, column \d+\)/],
      ['[1, 2]', /not hold a JSON object/],
      ['{ "upstox": "tok-secret-xyz" }', /"upstox" that is not an object/],
      ['{ "accounts": [] }', /"accounts" that is not an object/],
      ['{ "order_id": 123456789012345678901 }', /more digits than JSON tools keep exactly/],
    ];
    for (const [text, message] of cases) {
      let error: unknown;
      try {
        mergeJsonExport(text, entry());
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(JsonExportError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('tok-secret-xyz');
    }
    // Large but exact numbers are fine.
    expect(() => mergeJsonExport('{ "n": 9007199254740991, "f": 0.1 }', entry())).not.toThrow();
  });
});
