/** Dates as the dashboard shows them: IST first (brokers speak IST), the user's zone beside it. */
import { describeInstant } from '../shared/countdown';

export interface InstantText {
  readonly ist: string;
  readonly local: string | undefined;
}

export function instantText(iso: string, timeZone: string): InstantText | undefined {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return undefined;
  return describeInstant(d, timeZone);
}

/** "just now", "12 min ago", "3 h ago", "2 days ago"; "in 5 min" for the future. */
export function relativeText(iso: string, now: number): string {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return '';
  const diff = now - t;
  const abs = Math.abs(diff);
  const future = diff < 0;
  const fmt = (n: number, unit: string) => (future ? `in ${n} ${unit}` : `${n} ${unit} ago`);
  if (abs < 60_000) return future ? 'in under a minute' : 'just now';
  if (abs < 3_600_000) return fmt(Math.floor(abs / 60_000), 'min');
  if (abs < 48 * 3_600_000) return fmt(Math.floor(abs / 3_600_000), 'h');
  return fmt(Math.floor(abs / 86_400_000), 'days');
}
