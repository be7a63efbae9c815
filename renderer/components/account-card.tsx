/**
 * One account at a glance: who, whether its token carries the bots through the coming session (the
 * readiness badge and one sentence), how long the token has left (ticking), when it dies in IST and
 * local time, where it is exported, and the buttons that fix it. A pure view of the snapshot.
 */
import { Suspense, lazy, useId } from 'react';
import { BROKERS } from '../../shared/brokers';
import type { AccountView } from '../../shared/domain';
import { isUsable, type TokenStatus } from '../../shared/status';
import { ACTION_LABEL, BUSY_TEXT, STATUS_LABEL, errorFixedInSettings } from '../account-status';
import {
  readinessAction,
  readinessLabel,
  readinessLine,
  toneClass,
  type AccountReadiness,
} from '../readiness-view';
import { countdownText, instantText, relativeText } from '../time-format';
import { BrokerMark } from './broker-mark';
import { ErrorIcon } from './field';
import { StatusBadge } from './status-badge';

// The remote-target lines come with the target schemas (zod): loaded only for accounts that have
// remote targets, so the account list paints without zod (issue 11).
const RemoteDeliveries = lazy(() =>
  import('./remote-target-editor').then((m) => ({ default: m.RemoteDeliveries })),
);

/**
 * A delivery to a remote target failed: a failed export entry that is none of the account's files
 * (remote deliveries are recorded under the target's label, files under their path).
 */
function remoteDeliveryFailed(account: AccountView): boolean {
  if ((account.remoteTargets ?? []).length === 0) return false;
  return account.lastExport.some(
    (e) => !e.ok && !account.exportTargets.some((t) => t.path === e.path),
  );
}

export type CardCommand = 'login' | 'refresh' | 'validate' | 'open-folder' | 'retry-delivery';

export interface AccountCardProps {
  readonly item: AccountReadiness;
  readonly now: number;
  readonly timeZone: string;
  /** IST HH:MM of the morning reminder, named in "log in after …" lines. */
  readonly morningReminder: string;
  /** A command this window sent and main has not answered yet. */
  readonly pending: CardCommand | undefined;
  /** The answer to the last command, when it failed. */
  readonly commandError: string | undefined;
  /** The visible confirmation of the last command that succeeded. */
  readonly done: string | undefined;
  readonly onCommand: (command: CardCommand) => void;
  /** Closes the open login window; undefined when main offers no cancel. */
  readonly onCancelLogin: (() => void) | undefined;
  readonly onEdit: () => void;
}

function Countdown({
  account,
  status,
  now,
}: {
  account: AccountView;
  status: TokenStatus;
  now: number;
}) {
  let value: string;
  let unit = '';
  if (status === 'none') value = 'No token';
  else if (status === 'revoked') value = 'No usable token';
  else if (!account.expiresAt) value = '—';
  else {
    const left = new Date(account.expiresAt).getTime() - now;
    value = left > 0 ? countdownText(left) : 'Expired';
    unit = left > 0 ? 'left' : '';
  }
  return (
    <p className="countdown" role="timer" aria-atomic="true">
      <span className="countdown-value">{value}</span>
      {unit ? <span className="countdown-unit"> {unit}</span> : null}
    </p>
  );
}

function When({ iso, timeZone, now }: { iso: string; timeZone: string; now?: number }) {
  const text = instantText(iso, timeZone);
  if (!text) return <>unknown</>;
  return (
    <>
      <time dateTime={iso}>{text.ist}</time>
      {text.local ? <span className="local-time"> · {text.local}</span> : null}
      {now !== undefined ? (
        <span className="relative-time"> · {relativeText(iso, now)}</span>
      ) : null}
    </>
  );
}

function Spinner() {
  return <span className="spinner" aria-hidden="true" />;
}

export function AccountCard({
  item,
  now,
  timeZone,
  morningReminder,
  pending,
  commandError,
  done,
  onCommand,
  onCancelLogin,
  onEdit,
}: AccountCardProps) {
  const { account, status, readiness } = item;
  const titleId = useId();
  const broker = BROKERS[account.broker];
  const busyKind =
    account.busy ??
    (pending === 'open-folder' || pending === 'retry-delivery' ? undefined : pending);
  const busy = busyKind !== undefined || pending !== undefined;
  const primary = readinessAction(item);
  // main's words say what went wrong and what to do; a failed command's answer is shown too
  // unless it is the same message. The readiness line above says it in a few words, not again.
  // A cancelled login is the user's own choice, not a failure to alarm about.
  const lastError = account.lastError?.kind === 'cancelled' ? null : account.lastError;
  const errors = [
    lastError?.message,
    commandError !== lastError?.message ? commandError : undefined,
  ].filter((e): e is string => e !== undefined);
  const renewed = account.lastRefreshAt ?? account.issuedAt;
  const canValidate = isUsable(status);
  const revoked = status === 'revoked';
  // Visible "Log in", heard "Log in (Personal)": every card has the same buttons. The space sits
  // outside the hidden span so every accessible-name algorithm keeps it.
  const sr = (
    <>
      {' '}
      <span className="sr-only">({account.label})</span>
    </>
  );

  const button = (command: CardCommand, label: string) => (
    <button
      type="button"
      className={primary === command ? 'button button-primary' : 'button'}
      aria-disabled={busy || undefined}
      onClick={() => {
        if (!busy) onCommand(command);
      }}
    >
      {label}
      {sr}
    </button>
  );

  return (
    <article
      className={`account-card ${toneClass(readiness.tone)} status-${status}`}
      aria-labelledby={titleId}
      aria-busy={busy || undefined}
      data-account-id={account.id}
      data-readiness={readiness.state}
    >
      <header className="card-head">
        <BrokerMark broker={account.broker} />
        <div className="card-title">
          <h3 id={titleId}>{account.label}</h3>
          <p className="card-sub">
            {broker.label}
            {account.userName ? ` · ${account.userName}` : ''}
          </p>
        </div>
        <StatusBadge tone={readiness.tone} state={readiness.state}>
          {readinessLabel(readiness, status)}
        </StatusBadge>
        <button type="button" className="button button-small button-quiet" onClick={onEdit}>
          Edit{sr}
        </button>
      </header>

      <div className="card-time">
        <Countdown account={account} status={status} now={now} />
        <p className="readiness-line">{readinessLine(item, { now, morningReminder })}</p>
      </div>

      <dl className="card-facts">
        {revoked ? (
          <div>
            <dt>Rejected</dt>
            <dd>
              {account.lastError ? (
                <When iso={account.lastError.at} timeZone={timeZone} now={now} />
              ) : (
                'by the broker'
              )}
            </dd>
          </div>
        ) : account.expiresAt ? (
          <div>
            <dt>{status === 'expired' ? 'Expired' : 'Expires'}</dt>
            <dd>
              <When iso={account.expiresAt} timeZone={timeZone} />
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Last renewed</dt>
          <dd>{renewed ? <When iso={renewed} timeZone={timeZone} now={now} /> : 'never'}</dd>
        </div>
        {account.lastValidatedAt ? (
          <div>
            <dt>Last checked</dt>
            <dd>
              <When iso={account.lastValidatedAt} timeZone={timeZone} now={now} />
            </dd>
          </div>
        ) : null}
        {broker.renewal.kind === 'refresh-token' ? (
          <div>
            <dt>Refresh token</dt>
            <dd>
              {account.refreshExpiresAt && new Date(account.refreshExpiresAt).getTime() > now ? (
                <>
                  valid until <When iso={account.refreshExpiresAt} timeZone={timeZone} />
                </>
              ) : (
                'none: log in to start a new 15-day refresh token'
              )}
              {account.autoRefresh ? ' · auto-refresh on' : ''}
            </dd>
          </div>
        ) : null}
        {account.tokenMasked || status !== 'none' ? (
          <div>
            <dt>Token</dt>
            <dd>
              {account.tokenMasked ? (
                <code className="token-mask">{account.tokenMasked}</code>
              ) : null}{' '}
              <span className="token-status">
                {revoked ? 'rejected by the broker' : STATUS_LABEL[status].toLowerCase()}
              </span>
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Exported to</dt>
          <dd>
            {account.exportTargets.length === 0 ? (
              <span className="muted">nowhere yet: edit the account to add a .env file</span>
            ) : (
              <ul className="export-list">
                {account.exportTargets.map((t) => {
                  const last = account.lastExport.find((e) => e.path === t.path);
                  return (
                    <li key={t.path}>
                      <code className="path">{t.path}</code>
                      {t.kind === 'env' ? <span className="muted"> as {t.tokenKey}</span> : null}
                      {last ? (
                        last.ok ? (
                          <span className="export-ok"> · written {relativeText(last.at, now)}</span>
                        ) : (
                          <span className="export-failed">
                            {' '}
                            · not written
                            {last.message && !errors.some((e) => e.includes(last.message ?? ''))
                              ? `: ${last.message}`
                              : ''}
                          </span>
                        )
                      ) : null}
                    </li>
                  );
                })}
              </ul>
            )}
            {(account.remoteTargets ?? []).length > 0 ? (
              <Suspense fallback={null}>
                <RemoteDeliveries account={account} now={now} />
              </Suspense>
            ) : null}
          </dd>
        </div>
      </dl>

      {busy ? (
        <div className="card-busy" role="status">
          <p>
            <Spinner />
            {busyKind
              ? BUSY_TEXT[busyKind](broker.label)
              : pending === 'retry-delivery'
                ? 'Delivering…'
                : 'Opening the folder…'}
          </p>
          {account.busy === 'login' && onCancelLogin ? (
            <button type="button" className="button button-small" onClick={onCancelLogin}>
              Cancel login{sr}
            </button>
          ) : null}
        </div>
      ) : null}

      {errors.map((e, i) => (
        <div className="card-error" role="alert" key={e}>
          <p>
            <ErrorIcon /> {e}
          </p>
          {i === 0 && errorFixedInSettings(account) ? (
            <button type="button" className="button button-small" onClick={onEdit}>
              {ACTION_LABEL.edit}
              {sr}
            </button>
          ) : null}
        </div>
      ))}

      {done && !busy && errors.length === 0 ? (
        <p className="card-done" role="status">
          <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
            <path d="M2 6.5 4.8 9 10 3" fill="none" strokeWidth="2" stroke="currentColor" />
          </svg>{' '}
          {done}
        </p>
      ) : null}

      <div className="card-actions" role="group" aria-label={`Actions for ${account.label}`}>
        {button('login', ACTION_LABEL.login)}
        {account.canRefresh ? button('refresh', ACTION_LABEL.refresh) : null}
        {canValidate ? button('validate', ACTION_LABEL.validate) : null}
        {account.exportTargets.length > 0 ? button('open-folder', 'Open .env folder') : null}
        {remoteDeliveryFailed(account) ? button('retry-delivery', 'Retry delivery') : null}
      </div>
    </article>
  );
}
