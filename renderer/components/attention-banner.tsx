/**
 * The banner over the account list: every account that needs the user now (readiness needs-login or
 * broken — the same list the header and the nav badge count), one line each in words, with the button
 * that fixes it; and "Log in all" when more than one needs a login, which opens the login windows one
 * after another and shows its progress here.
 */
import { BROKERS } from '../../shared/brokers';
import type { AccountView } from '../../shared/domain';
import { ACTION_LABEL, type AccountAction } from '../account-status';
import { readinessAction, readinessLine, type AccountReadiness } from '../readiness-view';

export interface LoginAllProgress {
  /** 0-based index of the login now open; equals total when done. */
  readonly index: number;
  readonly total: number;
  readonly label: string;
  readonly done: boolean;
  /** How many logins succeeded so far. */
  readonly ok: number;
  /** The account whose login window is open now. */
  readonly current: string | null;
}

export function AttentionBanner({
  items,
  now,
  morningReminder,
  busyIds,
  loginAll,
  onAction,
  onLogInAll,
  onStopLogInAll,
  onDismissLogInAll,
}: {
  items: readonly AccountReadiness[];
  now: number;
  morningReminder: string;
  busyIds: ReadonlySet<string>;
  loginAll: LoginAllProgress | null;
  onAction: (account: AccountView, action: AccountAction) => void;
  onLogInAll: (queue: readonly AccountView[]) => void;
  onStopLogInAll: () => void;
  onDismissLogInAll: () => void;
}) {
  if (items.length === 0 && !loginAll) return null;
  const loginQueue = items.filter((i) => readinessAction(i) === 'login').map((i) => i.account);
  const running = loginAll !== null && !loginAll.done;
  const heading =
    items.length === 0
      ? 'Every account is taken care of'
      : items.length === 1
        ? '1 account needs you'
        : `${items.length} accounts need you`;
  return (
    <section
      className={`attention-banner${items.length === 0 ? ' is-clear' : ''}`}
      aria-labelledby="attention-heading"
    >
      <div className="attention-top">
        <h3 id="attention-heading" className="attention-heading">
          <svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true" focusable="false">
            <path d="M9 1.5 17 16H1z" fill="currentColor" />
            <path className="attention-icon-mark" d="M9 7v4.2M9 13v.8" strokeWidth="1.8" />
          </svg>
          {heading}
        </h3>
        {running ? (
          <button type="button" className="button" onClick={onStopLogInAll}>
            Stop after this login
          </button>
        ) : loginQueue.length > 1 ? (
          <button
            type="button"
            className="button button-primary"
            onClick={() => onLogInAll(loginQueue)}
          >
            Log in all ({loginQueue.length})
          </button>
        ) : null}
      </div>
      {loginAll ? (
        <p className="login-all-progress" role="status">
          {loginAll.done
            ? `Log in all finished: ${loginAll.ok} of ${loginAll.total} logged in.`
            : `Logging in ${loginAll.index + 1} of ${loginAll.total}: ${loginAll.label} — finish or cancel it in the login window; the next opens after.`}
          {loginAll.done ? (
            <>
              {' '}
              <button type="button" className="button button-small" onClick={onDismissLogInAll}>
                OK
              </button>
            </>
          ) : null}
        </p>
      ) : null}
      <ul className="attention-list" role="list">
        {items.map((item) => {
          const { account } = item;
          const action = readinessAction(item);
          const busy = busyIds.has(account.id) || account.busy !== null || running;
          return (
            <li key={account.id} data-account-id={account.id}>
              <p>
                <strong>
                  {account.label} ({BROKERS[account.broker].label})
                </strong>
                : {readinessLine(item, { now, morningReminder })}
              </p>
              {action ? (
                <button
                  type="button"
                  className="button button-primary"
                  aria-disabled={busy || undefined}
                  onClick={() => {
                    if (!busy) onAction(account, action);
                  }}
                >
                  {ACTION_LABEL[action]} <span className="sr-only">({account.label})</span>
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
