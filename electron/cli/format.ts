/** Output of the CLI: human lines for people, stable JSON/dotenv/shell for scripts. */
import { formatCountdown } from '../../shared/countdown';
import type { AccountStatus } from '../core/commands/account-status';
import type { StatusAnswer } from '../core/commands/commands';

const READINESS_TEXT: Readonly<Record<AccountStatus['readiness'], string>> = {
  ready: 'ready for the next session',
  renewing: 'TokenTray renews it in time',
  wait: 'not ready: a login helps only later',
  'needs-login': 'not ready: log in',
  broken: 'not ready',
};

export function statusLine(a: AccountStatus): string {
  const expiry = a.expires_at_ist
    ? `expires ${a.expires_at_ist}${a.expires_at_local && a.expires_at_local !== a.expires_at_ist ? ` (${a.expires_at_local})` : ''}`
    : 'no token';
  const left = a.expires_at ? `, ${formatCountdown(a.seconds_left * 1000)} left` : '';
  let readiness = READINESS_TEXT[a.readiness];
  if (a.readiness === 'wait' && a.helps_from) readiness += ` (from ${a.helps_from})`;
  if (a.readiness === 'broken' && a.last_error) readiness += ` (${a.last_error.message})`;
  else if (a.readiness === 'broken') readiness += ` (${a.action})`;
  return `${a.account} [${a.broker}, "${a.label}"]: ${a.status}; ${expiry}${left}; ${readiness}`;
}

export function statusText(answer: StatusAnswer): string {
  if (answer.accounts.length === 0) return 'No accounts yet: add one in the TokenTray dashboard.';
  const lines = answer.accounts.map(statusLine);
  lines.push(
    answer.ready_for_session
      ? `All good for the session of ${answer.session_date}.`
      : `Not every account is good for the session of ${answer.session_date}.`,
  );
  return lines.join('\n');
}

/** KEY="value" with the escapes both dotenv readers agree on; tokens need none. */
function dotenvValue(v: string): string {
  return /^[A-Za-z0-9_.:/+=@-]*$/.test(v) ? v : JSON.stringify(v);
}

function shellQuote(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

export function formatEnv(
  variables: Readonly<Record<string, string>>,
  format: 'dotenv' | 'json' | 'shell',
): string {
  const entries = Object.entries(variables);
  switch (format) {
    case 'json':
      return JSON.stringify(variables, null, 2);
    case 'shell':
      return entries.map(([k, v]) => `export ${k}=${shellQuote(v)}`).join('\n');
    case 'dotenv':
      return entries.map(([k, v]) => `${k}=${dotenvValue(v)}`).join('\n');
  }
}

/** "30m", "90s", "1h", "500ms", "45" (seconds) → milliseconds; null when not a duration. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const ms = n * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000);
  return Number.isFinite(ms) && ms <= 7 * 86_400_000 ? Math.round(ms) : null;
}
