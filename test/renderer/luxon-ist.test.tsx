/**
 * renderer/lib/luxon-ist.ts stands in for Luxon in the dashboard's bundle (vite.config.ts alias): every
 * operation shared/ uses must give exactly what real Luxon gives in Asia/Kolkata, for any instant.
 */
import fc from 'fast-check';
import { DateTime as Real } from 'luxon';
import { describe, expect, it } from 'vitest';
import { DateTime as Ist } from '../../renderer/lib/luxon-ist';

const ZONE = 'Asia/Kolkata';
// 1970 … 2100: any instant a token, a session or a holiday could have.
const instant = fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms));

describe('luxon-ist matches Luxon in Asia/Kolkata', () => {
  it('reads the same wall clock, ISO date and weekday', () => {
    fc.assert(
      fc.property(instant, (d) => {
        const a = Real.fromJSDate(d, { zone: ZONE });
        const b = Ist.fromJSDate(d, { zone: ZONE });
        expect([b.year, b.month, b.day, b.hour, b.minute, b.second, b.millisecond]).toEqual([
          a.year,
          a.month,
          a.day,
          a.hour,
          a.minute,
          a.second,
          a.millisecond,
        ]);
        expect(b.weekday).toBe(a.weekday);
        expect(b.toISODate()).toBe(a.toISODate());
        expect(b.toMillis()).toBe(a.toMillis());
        expect(b.offset).toBe(a.offset);
      }),
      { numRuns: 2000 },
    );
  });

  it('set, plus and startOf give the same instants (the cutoff and session arithmetic)', () => {
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: -400, max: 400 }),
        (d, hour, minute, days) => {
          const a = Real.fromJSDate(d, { zone: ZONE });
          const b = Ist.fromJSDate(d, { zone: ZONE });
          const units = { hour, minute, second: 0, millisecond: 0 };
          expect(b.set(units).toMillis()).toBe(a.set(units).toMillis());
          expect(b.set({ hour: 12 }).toJSDate()).toEqual(a.set({ hour: 12 }).toJSDate());
          expect(b.startOf('day').toMillis()).toBe(a.startOf('day').toMillis());
          expect(b.plus({ days }).toMillis()).toBe(a.plus({ days }).toMillis());
          expect(b.startOf('day').plus({ days }).toISODate()).toBe(
            a.startOf('day').plus({ days }).toISODate(),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses any other zone instead of computing a wrong time', () => {
    expect(() => Ist.fromJSDate(new Date(), { zone: 'Europe/London' })).toThrow(/Asia\/Kolkata/);
    expect(() => Ist.fromJSDate(new Date())).toThrow(/local zone/);
  });

  it('is invalid for an invalid date, as Luxon', () => {
    const b = Ist.fromJSDate(new Date(Number.NaN), { zone: ZONE });
    expect(b.isValid).toBe(false);
    expect(b.toISODate()).toBeNull();
  });
});
