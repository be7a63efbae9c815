/**
 * Settings → Local API (issue 15): the loopback HTTP API bots poll (off by default), its port, and
 * its keys. A new key is shown once, with a copy button, and never again: main keeps it in the
 * keychain and this view only learns which scopes have one. The same configure as `tokentray api`.
 */
import { useCallback, useEffect, useId, useState } from 'react';
import type { LocalApiResult, LocalApiStateView, TokenTrayApi } from '../../shared/ipc-contract';
import { unreachable } from '../bridge';
import { CopyButton } from './copy-button';

type Scope = 'status' | 'token';

const SCOPE_TEXT: Readonly<Record<Scope, string>> = {
  status: 'Status key — sees readiness and expiry, never a token',
  token: 'Token key — may read access tokens',
};

export function LocalApiSettings({ api }: { readonly api: TokenTrayApi }) {
  const id = useId();
  const [state, setState] = useState<LocalApiStateView | null>(null);
  const [port, setPort] = useState('');
  const [fresh, setFresh] = useState<{ scope: Scope; key: string } | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const apply = useCallback(
    async (input: { enabled?: boolean; port?: number; new_key?: Scope }, done?: string) => {
      if (!api.configureLocalApi) return;
      setBusy(true);
      try {
        const r: LocalApiResult = await api.configureLocalApi(input);
        if (!r.ok) {
          setMessage({ ok: false, text: r.error });
          return;
        }
        setState(r.state);
        setPort(String(r.state.port));
        if (r.state.new_key && input.new_key)
          setFresh({ scope: input.new_key, key: r.state.new_key });
        if (done) setMessage({ ok: true, text: done });
      } catch (e) {
        setMessage({ ok: false, text: unreachable(e) });
      } finally {
        setBusy(false);
      }
    },
    [api],
  );

  useEffect(() => {
    // The first read, after mount: the state arrives asynchronously, never within the effect itself.
    const t = setTimeout(() => void apply({}), 0);
    return () => clearTimeout(t);
  }, [apply]);

  if (!api.configureLocalApi) return null;

  const savePort = () => {
    const n = Number(port);
    if (!/^\d{4,5}$/.test(port) || n < 1024 || n > 65535) {
      setMessage({ ok: false, text: 'Use a port from 1024 to 65535.' });
      return;
    }
    void apply({ port: n }, `Port set to ${n}.`);
  };

  return (
    <section className="panel" aria-labelledby={`${id}-api`}>
      <h3 id={`${id}-api`}>Local API (for bots on this computer)</h3>
      <p className="field-hint">
        A loopback HTTP API on 127.0.0.1 only: bots poll <code>GET /api/token/status</code> and
        listen to <code>/api/v1/events</code>. Every request needs a key. Off by default. A
        container reaches it only with host networking — see docs/bots.md.
      </p>
      {state ? (
        <>
          <div className="checkbox">
            <input
              id={`${id}-enabled`}
              type="checkbox"
              checked={state.enabled}
              disabled={busy}
              onChange={(e) =>
                void apply(
                  { enabled: e.target.checked },
                  e.target.checked ? 'Local API turned on.' : 'Local API turned off.',
                )
              }
            />
            <label htmlFor={`${id}-enabled`}>Turn on the local API</label>
          </div>
          <div className="field field-narrow">
            <label htmlFor={`${id}-port`}>Port</label>
            <input
              id={`${id}-port`}
              inputMode="numeric"
              value={port}
              onChange={(e) => setPort(e.target.value.trim())}
              disabled={busy}
            />
            <button
              type="button"
              className="button button-small"
              onClick={savePort}
              disabled={busy}
            >
              Save port
            </button>
          </div>
          <p className="field-hint" data-testid="local-api-listening">
            {state.enabled
              ? state.listening.length > 0
                ? `Listening on ${state.listening.join(', ')}`
                : 'Turned on, but not listening: the port may be in use (see the log).'
              : 'Not listening.'}
          </p>
          <ul className="api-keys" aria-label="API keys">
            {(['status', 'token'] as const).map((scope) => (
              <li key={scope}>
                <span>
                  {SCOPE_TEXT[scope]}: {state.keys.includes(scope) ? 'set' : 'none'}
                </span>{' '}
                <button
                  type="button"
                  className="button button-small"
                  disabled={busy}
                  onClick={() =>
                    void apply(
                      { new_key: scope },
                      state.keys.includes(scope)
                        ? `New ${scope} key made; the old one no longer works.`
                        : `${scope === 'status' ? 'Status' : 'Token'} key made.`,
                    )
                  }
                >
                  {state.keys.includes(scope) ? 'Regenerate' : 'Create key'}
                </button>
              </li>
            ))}
          </ul>
          {fresh ? (
            <div className="new-key" role="group" aria-label="New API key">
              <p>
                Your new {fresh.scope} key — copy it now, it is not shown again:{' '}
                <code data-testid="new-api-key">{fresh.key}</code>
              </p>
              <CopyButton text={fresh.key} label="Copy key" />
              <button type="button" className="button button-small" onClick={() => setFresh(null)}>
                Done
              </button>
            </div>
          ) : null}
        </>
      ) : null}
      <span role="status" className="save-status">
        {message?.ok ? message.text : ''}
      </span>
      {message && !message.ok ? (
        <p className="form-error" role="alert">
          {message.text}
        </p>
      ) : null}
    </section>
  );
}

/**
 * What this desktop cannot do (no tray icon, notifications that cannot arrive, a start-at-login that
 * waits for approval): said in the dashboard, not only in a dialog at start (issue 12).
 */
export function DesktopNotices({ api }: { readonly api: TokenTrayApi }) {
  const [notices, setNotices] = useState<readonly string[]>([]);
  const [hidden, setHidden] = useState(false);
  useEffect(() => {
    let live = true;
    api
      .getDesktopNotices?.()
      .then((r) => {
        if (live) setNotices(r.notices);
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [api]);
  if (hidden || notices.length === 0) return null;
  return (
    <aside className="desktop-notices" role="note" aria-label="About this desktop">
      <ul>
        {notices.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
      <button type="button" className="button button-small" onClick={() => setHidden(true)}>
        Hide
      </button>
    </aside>
  );
}
