/**
 * The part of Luxon's `DateTime` that shared/ uses for broker rules, for the dashboard's bundle only
 * (vite.config.ts aliases `luxon` to this file when building the renderer). The rules themselves stay
 * written against Luxon and run on real Luxon in main, the CLI and every Node test; the page needs
 * them in one zone, Asia/Kolkata, which has had a fixed +05:30 offset and no daylight saving since
 * 1945, so a few lines of arithmetic replace ~23 KB (gzip) of Luxon and its zone database.
 *
 * Supported: `DateTime.fromJSDate(date, { zone: 'Asia/Kolkata' })`, `fromMillis`, `set`, `plus`
 * (days/hours/minutes), `startOf('day')`, `toISODate`, `toJSDate`, `toMillis`, `weekday`, `year`…
 * `millisecond`, `isValid`. Any other zone throws, so a use this file does not cover fails loudly
 * in the browser tests instead of computing a wrong time. test/renderer/luxon-ist.test.ts checks
 * every operation against real Luxon.
 */

const IST_OFFSET_MS = 330 * 60_000;
const SUPPORTED_ZONE = 'Asia/Kolkata';

interface Units {
  year?: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  millisecond?: number;
}

interface Duration {
  days?: number;
  hours?: number;
  minutes?: number;
}

function checkZone(zone: string | undefined): void {
  if (zone !== SUPPORTED_ZONE) {
    throw new Error(
      `renderer/lib/luxon-ist.ts supports only ${SUPPORTED_ZONE} (asked for ${zone ?? 'the local zone'})`,
    );
  }
}

export class DateTime {
  /** Epoch milliseconds; NaN when invalid. */
  private readonly ms: number;
  /** The IST wall clock as a UTC date (so getUTC* read IST fields). */
  private readonly wall: Date;

  private constructor(ms: number) {
    this.ms = ms;
    this.wall = new Date(ms + IST_OFFSET_MS);
  }

  static fromJSDate(date: Date, options: { zone?: string } = {}): DateTime {
    checkZone(options.zone);
    return new DateTime(date.getTime());
  }

  static fromMillis(ms: number, options: { zone?: string } = {}): DateTime {
    checkZone(options.zone);
    return new DateTime(ms);
  }

  get isValid(): boolean {
    return Number.isFinite(this.ms);
  }

  get zoneName(): string {
    return SUPPORTED_ZONE;
  }

  /** Minutes east of UTC, as Luxon's `offset`. */
  get offset(): number {
    return 330;
  }

  get year(): number {
    return this.wall.getUTCFullYear();
  }
  get month(): number {
    return this.wall.getUTCMonth() + 1;
  }
  get day(): number {
    return this.wall.getUTCDate();
  }
  get hour(): number {
    return this.wall.getUTCHours();
  }
  get minute(): number {
    return this.wall.getUTCMinutes();
  }
  get second(): number {
    return this.wall.getUTCSeconds();
  }
  get millisecond(): number {
    return this.wall.getUTCMilliseconds();
  }
  /** 1 = Monday … 7 = Sunday (ISO), as Luxon. */
  get weekday(): number {
    return ((this.wall.getUTCDay() + 6) % 7) + 1;
  }

  /** Luxon's `set`: the named wall-clock fields replaced, the others kept. */
  set(units: Units): DateTime {
    if (!this.isValid) return this;
    const wallMs = Date.UTC(
      units.year ?? this.year,
      (units.month ?? this.month) - 1,
      units.day ?? this.day,
      units.hour ?? this.hour,
      units.minute ?? this.minute,
      units.second ?? this.second,
      units.millisecond ?? this.millisecond,
    );
    return new DateTime(wallMs - IST_OFFSET_MS);
  }

  /** Calendar days, hours and minutes (a fixed-offset zone: a day is always 24 h). */
  plus(duration: Duration): DateTime {
    const ms =
      (duration.days ?? 0) * 86_400_000 +
      (duration.hours ?? 0) * 3_600_000 +
      (duration.minutes ?? 0) * 60_000;
    return new DateTime(this.ms + ms);
  }

  startOf(unit: 'day'): DateTime {
    if (unit !== 'day') throw new Error(`luxon-ist: startOf('${String(unit)}') is not supported`);
    return this.set({ hour: 0, minute: 0, second: 0, millisecond: 0 });
  }

  toMillis(): number {
    return this.ms;
  }

  toJSDate(): Date {
    return new Date(this.ms);
  }

  /** "2026-11-25", or null when invalid (as Luxon). */
  toISODate(): string | null {
    if (!this.isValid) return null;
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    return `${pad(this.year, 4)}-${pad(this.month)}-${pad(this.day)}`;
  }
}
