/**
 * The activity log: what happened to each account (logins, refreshes, exports, failures), newest
 * first. Main builds every message from fixed words and non-secret fields; this view only shows them.
 */
import { useEffect, useId, useState } from 'react';
import { BROKERS } from '../../shared/brokers';
import type { AccountView, ActivityEntry } from '../../shared/domain';
import type { TokenTrayApi } from '../../shared/ipc-contract';
import { unreachable, type Loadable } from '../bridge';
import { instantText } from '../time-format';

const LEVEL_LABEL: Readonly<Record<ActivityEntry['level'], string>> = {
  info: 'Info',
  warn: 'Warning',
  error: 'Error',
};

export function ActivityView({
  api,
  accounts,
  timeZone,
  /** Changes whenever main publishes: new events may have happened. */
  revision,
}: {
  api: TokenTrayApi;
  accounts: readonly AccountView[];
  timeZone: string;
  revision: string;
}) {
  const id = useId();
  const [filter, setFilter] = useState('');
  const [entries, setEntries] = useState<Loadable<readonly ActivityEntry[]>>({ state: 'loading' });

  useEffect(() => {
    let live = true;
    api.listActivity(filter ? { id: filter, limit: 200 } : { limit: 200 }).then(
      (value) => {
        if (live) setEntries({ state: 'ready', value: [...value].reverse() });
      },
      (e: unknown) => {
        if (live) setEntries({ state: 'failed', error: unreachable(e) });
      },
    );
    return () => {
      live = false;
    };
  }, [api, filter, revision]);

  const labelOf = (accountId: string | null) => {
    if (accountId === null) return 'TokenTray';
    const a = accounts.find((x) => x.id === accountId);
    return a ? `${a.label} (${BROKERS[a.broker].label})` : accountId;
  };

  return (
    <div className="activity">
      <div className="activity-filter">
        <label htmlFor={`${id}-filter`}>Show</label>
        <select id={`${id}-filter`} value={filter} onChange={(e) => setFilter(e.target.value)}>
          <option value="">All accounts</option>
          {accounts.map((a) => (
            <option key={a.id} value={a.id}>
              {a.label} ({BROKERS[a.broker].label})
            </option>
          ))}
        </select>
      </div>
      {entries.state === 'loading' ? (
        <p className="muted" role="status">
          Loading activity…
        </p>
      ) : entries.state === 'failed' ? (
        <p className="form-error" role="alert">
          {entries.error}
        </p>
      ) : entries.value.length === 0 ? (
        <p className="muted">Nothing has happened yet.</p>
      ) : (
        <ol className="activity-list" aria-label="Events, newest first">
          {entries.value.map((e, i) => {
            const when = instantText(e.at, timeZone);
            return (
              <li key={`${e.at}-${i}`} className={`activity-entry level-${e.level}`}>
                <span className={`level-badge level-${e.level}`}>{LEVEL_LABEL[e.level]}</span>
                <div className="activity-main">
                  <p className="activity-message">{e.message}</p>
                  <p className="activity-meta">
                    <span>{labelOf(e.accountId)}</span> ·{' '}
                    <time dateTime={e.at}>{when ? when.ist : e.at}</time>
                    {when?.local ? <span className="local-time"> · {when.local}</span> : null}
                  </p>
                </div>
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}
