/**
 * The sanitiser behind issue 9 items 3 and 9 (shared/untrusted-text.ts + core redaction in
 * electron/core/brokers/broker-text.ts), over arbitrary input: whatever a broker sends, what comes
 * out is one bounded line without control or invisible characters, codes have a code's shape, and a
 * secret of the request never survives.
 */
import fc from 'fast-check';
fc.configureGlobal({ numRuns: Number(process.env.FC_RUNS ?? 100) });
import { describe, expect, it } from 'vitest';
import { UNREADABLE_BROKER_TEXT, untrustedCode, untrustedText } from '../../shared/untrusted-text';
import {
  brokerCode,
  brokerMessage,
  profileName,
  profileUserId,
} from '../../electron/core/brokers/broker-text';

const UNSAFE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Zl}\p{Zp}]/u;
const anyText = fc.string({ unit: 'binary', maxLength: 400 });
const secretArb = fc.string({ unit: 'grapheme-ascii', minLength: 4, maxLength: 40 });

describe('untrusted broker text (issue 9 items 3, 9)', () => {
  it('any input becomes undefined or one bounded line without control/invisible characters', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.anything()), fc.integer({ min: 1, max: 200 }), (v, max) => {
        const out = untrustedText(v, { maxChars: max });
        if (out === undefined) return;
        expect(out).not.toMatch(UNSAFE);
        expect(Array.from(out).length).toBeLessThanOrEqual(
          Math.max(max, UNREADABLE_BROKER_TEXT.length),
        );
        expect(out).toBe(out.trim());
      }),
    );
  });

  it('a secret in the text never survives, however it is surrounded', () => {
    fc.assert(
      fc.property(anyText, secretArb, anyText, (before, secret, after) => {
        fc.pre(secret.trim() === secret && !/\s/.test(secret));
        const out = brokerMessage(`${before}${secret}${after}`, [secret], 10_000) ?? '';
        expect(out.toLowerCase().includes(secret.toLowerCase())).toBe(false);
      }),
    );
  });

  it('codes are shown only with the shape ^[A-Za-z0-9_.-]{1,64}$ and when they are no secret', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.integer(), fc.anything()), (v) => {
        const out = untrustedCode(v);
        if (out === undefined || out === UNREADABLE_BROKER_TEXT) return;
        expect(out).toMatch(/^[A-Za-z0-9_.-]{1,64}$/);
      }),
    );
    expect(brokerCode('UDAPI100016', [])).toBe('UDAPI100016');
    expect(brokerCode(-16, [])).toBe('-16');
    expect(brokerCode('abc123', ['abc123'])).toBe(UNREADABLE_BROKER_TEXT);
    expect(brokerCode('A'.repeat(65), [])).toBe(UNREADABLE_BROKER_TEXT);
    expect(brokerCode('TokenException\n', [])).toBe(UNREADABLE_BROKER_TEXT);
    expect(brokerCode(null, [])).toBeUndefined();
  });

  it('profile names: bounded to 100, dropped when they hold a secret; ids only id-shaped', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, fc.anything()), secretArb, (v, secret) => {
        const name = profileName(v, [secret]);
        if (name !== undefined) {
          expect(Array.from(name).length).toBeLessThanOrEqual(100);
          expect(name).not.toMatch(UNSAFE);
          expect(name.toLowerCase().includes(secret.toLowerCase())).toBe(false);
        }
        const id = profileUserId(v, [secret]);
        if (id !== undefined) expect(id).toMatch(/^[A-Za-z0-9_.@-]{1,64}$/);
      }),
    );
    expect(profileName('Ravi Kumar', ['tok-123456'])).toBe('Ravi Kumar');
    expect(profileName('tok-123456', ['tok-123456'])).toBeUndefined();
    expect(profileUserId('AB1234', [])).toBe('AB1234');
  });
});
