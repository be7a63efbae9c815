/**
 * The banner over the account list when any token is dead or any command failed: one line per
 * account, saying what is wrong in words, with the button that fixes it.
 */
import { BROKERS } from '../../shared/brokers';
import type { AccountView } from '../../shared/domain';
import type { TokenStatus } from '../../shared/status';
import { ACTION_LABEL, primaryAction, type AccountAction } from '../account-status';
import { instantText } from '../time-format';

export interface AttentionItem {
  readonly account: AccountView;
  readonly status: TokenStatus;
}

function problem(account: AccountView, status: TokenStatus, timeZone: string): string {
  const broker = BROKERS[account.broker].label;
  if (account.lastError) return account.lastError.message;
  if (status === 'revoked') {
    return `${broker} rejected the token: it was revoked or you logged in elsewhere. Bots using it are failing.`;
  }
  const when = account.expiresAt ? instantText(account.expiresAt, timeZone) : undefined;
  return `The token expired${when ? ` at ${when.ist}` : ''}. Bots using it cannot trade until you renew it.`;
}

export function AttentionBanner({
  items,
  timeZone,
  busyIds,
  onAction,
}: {
  items: readonly AttentionItem[];
  timeZone: string;
  busyIds: ReadonlySet<string>;
  onAction: (account: AccountView, action: AccountAction) => void;
}) {
  if (items.length === 0) return null;
  const heading = items.length === 1 ? '1 account needs you' : `${items.length} accounts need you`;
  return (
    <section className="attention-banner" aria-labelledby="attention-heading">
      <h3 id="attention-heading" className="attention-heading">
        <svg width="18" height="18" viewBox="0 0 18 18" aria-hidden="true" focusable="false">
          <path d="M9 1.5 17 16H1z" fill="currentColor" />
          <path className="attention-icon-mark" d="M9 7v4.2M9 13v.8" strokeWidth="1.8" />
        </svg>
        {heading}
      </h3>
      <ul className="attention-list" role="list">
        {items.map(({ account, status }) => {
          const action = primaryAction(account, status);
          const busy = busyIds.has(account.id) || account.busy !== null;
          return (
            <li key={account.id}>
              <p>
                <strong>
                  {account.label} ({BROKERS[account.broker].label})
                </strong>
                : {problem(account, status, timeZone)}
              </p>
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
            </li>
          );
        })}
      </ul>
    </section>
  );
}
