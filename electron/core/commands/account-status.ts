/**
 * The status of one account as bots see it (HTTP API, CLI `--json`, socket): snake_case, stable,
 * documented in docs/openapi.json. Readiness comes from shared/readiness.ts, the same function the
 * tray and dashboard use, so every view agrees on "will my bot trade in the next session".
 * Never holds a token (not even masked: a bot has no use for it).
 */
import { describeInstant } from '../../../shared/countdown';
import type { AccountView } from '../../../shared/domain';
import {
  readinessOfView,
  type ReadinessAction,
  type ReadinessState,
} from '../../../shared/readiness';
import type { BrokerId } from '../../../shared/brokers';
import type { TokenStatus } from '../../../shared/status';

export interface AccountStatus {
  readonly account: string;
  readonly label: string;
  readonly broker: BrokerId;
  readonly status: TokenStatus;
  /** ISO 8601 UTC, null without a token. */
  readonly expires_at: string | null;
  /** e.g. "06:00 IST, Wed 2 Dec". */
  readonly expires_at_ist: string | null;
  /** In the machine's zone; equals the IST text when the machine is in IST. */
  readonly expires_at_local: string | null;
  /** Whole seconds until expiry, 0 when expired/revoked/none. */
  readonly seconds_left: number;
  /** True when a login (by a person) is what it takes to trade the next session. */
  readonly needs_login: boolean;
  /** True when the token lasts through the close of the current or next NSE session. */
  readonly ready_for_session: boolean;
  readonly readiness: ReadinessState;
  readonly action: ReadinessAction;
  /** IST date (YYYY-MM-DD) of the session readiness refers to. */
  readonly session_date: string;
  /** When a login or renewal starts to help (readiness `wait`/`renewing`), ISO; else null. */
  readonly helps_from: string | null;
  readonly auto_refresh: boolean;
  readonly busy: AccountView['busy'];
  /** The last failed command, in words (never a secret), while it stands. */
  readonly last_error: { readonly kind: string; readonly message: string } | null;
}

export function accountStatus(
  view: AccountView,
  now: Date,
  holidays: readonly string[],
  localZone: string,
): AccountStatus {
  const readiness = readinessOfView(view, now, holidays);
  const expires = view.expiresAt ? new Date(view.expiresAt) : null;
  const labels = expires ? describeInstant(expires, localZone) : null;
  const usable = view.status !== 'revoked' && view.status !== 'none' && expires !== null;
  return {
    account: view.id,
    label: view.label,
    broker: view.broker,
    status: view.status,
    expires_at: view.expiresAt,
    expires_at_ist: labels?.ist ?? null,
    expires_at_local: labels ? (labels.local ?? labels.ist) : null,
    seconds_left: usable ? Math.max(0, Math.floor((expires.getTime() - now.getTime()) / 1000)) : 0,
    needs_login: readiness.action === 'log-in',
    ready_for_session: readiness.readyForSession,
    readiness: readiness.state,
    action: readiness.action,
    session_date: readiness.session.date,
    helps_from: readiness.helpsFrom ? readiness.helpsFrom.toISOString() : null,
    auto_refresh: view.autoRefresh,
    busy: view.busy,
    last_error: view.lastError
      ? { kind: view.lastError.kind, message: view.lastError.message }
      : null,
  };
}
