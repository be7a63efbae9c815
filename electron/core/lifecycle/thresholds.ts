import type { Thresholds } from '../../../shared/domain';
import type { StatusThresholds } from '../../../shared/status';

/** An account's thresholds (minutes, as the user sets them) as the status math wants them. */
export function thresholdsMs(t: Thresholds): StatusThresholds {
  return { expiringMs: t.expiringMinutes * 60_000, criticalMs: t.criticalMinutes * 60_000 };
}
