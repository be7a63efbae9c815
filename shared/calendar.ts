/**
 * The NSE trading calendar, as far as TokenTray needs it: no reminders on weekends and holidays.
 * The shipped list is the NSE equity segment's 2026 trading holidays (15 days, as announced by NSE in
 * December 2025; re-check against the exchange's circular). Users can edit the list in Settings.
 */
import { DateTime } from 'luxon';
import { IST_ZONE } from './expiry';

export const NSE_HOLIDAYS_2026: readonly string[] = [
  '2026-01-26', // Republic Day
  '2026-03-03', // Holi
  '2026-03-26', // Shri Ram Navami
  '2026-03-31', // Shri Mahavir Jayanti
  '2026-04-03', // Good Friday
  '2026-04-14', // Dr. Baba Saheb Ambedkar Jayanti
  '2026-05-01', // Maharashtra Day
  '2026-05-28', // Bakri Id
  '2026-06-26', // Muharram
  '2026-09-14', // Ganesh Chaturthi
  '2026-10-02', // Mahatma Gandhi Jayanti
  '2026-10-20', // Dussehra
  '2026-11-10', // Diwali Balipratipada
  '2026-11-24', // Prakash Gurpurb Sri Guru Nanak Dev
  '2026-12-25', // Christmas
];

/** The IST calendar date (YYYY-MM-DD) of an instant. */
export function istDate(instant: Date): string {
  return DateTime.fromJSDate(instant, { zone: IST_ZONE }).toISODate() ?? '';
}

/** True on Monday–Friday IST dates that are not in `holidays`. */
export function isTradingDay(instant: Date, holidays: readonly string[]): boolean {
  const ist = DateTime.fromJSDate(instant, { zone: IST_ZONE });
  if (ist.weekday > 5) return false;
  return !holidays.includes(ist.toISODate() ?? '');
}

/** The instant at which the IST clock reads `hhmm` on the IST date of `instant`. */
export function istTimeOnDate(instant: Date, hhmm: string): Date {
  const [h, m] = hhmm.split(':').map(Number);
  return DateTime.fromJSDate(instant, { zone: IST_ZONE })
    .set({ hour: h ?? 0, minute: m ?? 0, second: 0, millisecond: 0 })
    .toJSDate();
}

/** NSE cash market hours, IST. */
export const MARKET_OPEN = '09:15';
export const MARKET_CLOSE = '15:30';
