/**
 * Settings → Alert channels (issue 13): Telegram and a signed webhook beside desktop notifications,
 * the kinds each one receives, the morning summary time, "Send test message", and each channel's last
 * success and last error. Secrets (bot token, webhook secret) are write-only: sent once to main, which
 * keeps them in the keychain; this view only learns whether one is stored.
 */
import '../zod-setup';
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import {
  ALERT_KIND_LABELS,
  ALERT_KINDS,
  DEFAULT_MORNING_SUMMARY,
  alertSettingsSchema,
  type AlertChannelId,
  type AlertChannelStatus,
  type AlertKind,
} from '../../shared/alert-settings';
import type { Preferences } from '../../shared/domain';
import type { CommandResult, TokenTrayApi } from '../../shared/ipc-contract';
import { unreachable } from '../bridge';
import { Field } from './field';

export interface AlertChannelsSettingsProps {
  readonly api: TokenTrayApi;
  readonly preferences: Preferences;
  readonly onSave: (next: Preferences) => Promise<CommandResult>;
}

interface ChannelForm {
  enabled: boolean;
  target: string;
  kinds: readonly AlertKind[];
  secret: string;
}

const LABEL: Readonly<Record<AlertChannelId, string>> = {
  telegram: 'Telegram',
  webhook: 'Webhook',
};

function when(iso: string | null): string {
  if (!iso) return 'never';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { hour12: false });
}

export function AlertChannelsSettings({ api, preferences, onSave }: AlertChannelsSettingsProps) {
  const id = useId();
  const saved = preferences.alerts;
  const [summaryAt, setSummaryAt] = useState(saved?.morningSummary ?? DEFAULT_MORNING_SUMMARY);
  const [forms, setForms] = useState<Record<AlertChannelId, ChannelForm>>({
    telegram: {
      enabled: saved?.telegram?.enabled ?? false,
      target: saved?.telegram?.chatId ?? '',
      kinds: saved?.telegram?.kinds ?? ALERT_KINDS,
      secret: '',
    },
    webhook: {
      enabled: saved?.webhook?.enabled ?? false,
      target: saved?.webhook?.url ?? '',
      kinds: saved?.webhook?.kinds ?? ALERT_KINDS,
      secret: '',
    },
  });
  const [status, setStatus] = useState<readonly AlertChannelStatus[]>([]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const reload = useCallback(async () => {
    if (!api.getAlertChannels) return;
    try {
      setStatus(await api.getAlertChannels());
    } catch (e) {
      setMessage({ ok: false, text: unreachable(e) });
    }
  }, [api]);

  useEffect(() => {
    let live = true;
    api.getAlertChannels?.().then(
      (list) => {
        if (live) setStatus(list);
      },
      (e: unknown) => {
        if (live) setMessage({ ok: false, text: unreachable(e) });
      },
    );
    return () => {
      live = false;
    };
  }, [api]);

  const edit = (channel: AlertChannelId, patch: Partial<ChannelForm>) =>
    setForms((f) => ({ ...f, [channel]: { ...f[channel], ...patch } }));

  const toggleKind = (channel: AlertChannelId, kind: AlertKind, on: boolean) => {
    const kinds = forms[channel].kinds.filter((k) => k !== kind);
    edit(channel, { kinds: on ? [...kinds, kind] : kinds });
  };

  /** The settings as they would be saved; an error names the field to fix. */
  function build(): { ok: true; prefs: Preferences } | { ok: false; error: string } {
    const t = forms.telegram;
    const w = forms.webhook;
    const parsed = alertSettingsSchema.safeParse({
      morningSummary: summaryAt,
      ...(t.enabled || t.target
        ? { telegram: { enabled: t.enabled, chatId: t.target, kinds: t.kinds } }
        : {}),
      ...(w.enabled || w.target
        ? { webhook: { enabled: w.enabled, url: w.target, kinds: w.kinds } }
        : {}),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join(' ') ?? '';
      const field = where.startsWith('telegram')
        ? 'Telegram chat id'
        : where.startsWith('webhook')
          ? 'Webhook URL'
          : 'Morning summary';
      return { ok: false, error: `${field}: ${issue?.message ?? 'check the value'}` };
    }
    return { ok: true, prefs: { ...preferences, alerts: parsed.data } };
  }

  async function storeSecrets(): Promise<string | null> {
    for (const channel of ['telegram', 'webhook'] as const) {
      const secret = forms[channel].secret;
      if (!secret || !api.setAlertSecret) continue;
      let r: CommandResult;
      try {
        r = await api.setAlertSecret({ channel, value: secret });
      } catch (e) {
        return unreachable(e);
      }
      if (!r.ok) return `${LABEL[channel]}: ${r.error}`;
      edit(channel, { secret: '' });
    }
    return null;
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const built = build();
    if (!built.ok) return setMessage({ ok: false, text: built.error });
    setBusy(true);
    const secretError = await storeSecrets();
    const result = secretError ? null : await onSave(built.prefs);
    setBusy(false);
    if (secretError) setMessage({ ok: false, text: secretError });
    else if (result && !result.ok) setMessage({ ok: false, text: result.error });
    else setMessage({ ok: true, text: 'Alert channels saved' });
    await reload();
  }

  async function sendTest(channel: AlertChannelId) {
    if (!api.sendTestAlert || busy) return;
    setBusy(true);
    try {
      const s = await api.sendTestAlert({ channel });
      setStatus((list) => [...list.filter((x) => x.channel !== channel), s]);
      setMessage(
        s.lastError && s.lastErrorAt && (!s.lastSuccessAt || s.lastErrorAt >= s.lastSuccessAt)
          ? { ok: false, text: `${LABEL[channel]}: ${s.lastError}` }
          : { ok: true, text: `${LABEL[channel]}: test message sent` },
      );
    } catch (e) {
      setMessage({ ok: false, text: unreachable(e) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="settings" onSubmit={(e) => void submit(e)} noValidate>
      <section className="panel" aria-labelledby={`${id}-alerts`}>
        <h3 id={`${id}-alerts`}>Alert channels</h3>
        <p className="field-hint">
          Alerts that reach you away from the desk. Messages never contain a token or a secret. Save
          your changes before sending a test message.
        </p>
        <Field
          id={`${id}-summary`}
          label="Morning summary (IST)"
          placeholder="HH:MM"
          inputMode="numeric"
          value={summaryAt}
          onValue={setSummaryAt}
          hint="Sent on trading days, also when all is well: silence means something is wrong."
          className="field-narrow"
        />
        {(['telegram', 'webhook'] as const).map((channel) => {
          const f = forms[channel];
          const s = status.find((x) => x.channel === channel);
          return (
            <fieldset key={channel} className="alert-channel">
              <legend>{LABEL[channel]}</legend>
              <div className="checkbox">
                <input
                  id={`${id}-${channel}-on`}
                  type="checkbox"
                  checked={f.enabled}
                  onChange={(e) => edit(channel, { enabled: e.target.checked })}
                />
                <label htmlFor={`${id}-${channel}-on`}>Send alerts by {LABEL[channel]}</label>
              </div>
              <Field
                id={`${id}-${channel}-target`}
                label={channel === 'telegram' ? 'Chat id' : 'URL (https)'}
                value={f.target}
                onValue={(v) => edit(channel, { target: v })}
                spellCheck={false}
                autoComplete="off"
                hint={
                  channel === 'telegram'
                    ? 'Your numeric chat id (e.g. 123456789) or a channel such as @my_alerts.'
                    : 'POSTed as JSON, signed with X-TokenTray-Signature (HMAC-SHA256), like the export webhook.'
                }
              />
              <Field
                id={`${id}-${channel}-secret`}
                label={channel === 'telegram' ? 'Bot token' : 'Signing secret'}
                type="password"
                value={f.secret}
                onValue={(v) => edit(channel, { secret: v })}
                autoComplete="off"
                placeholder={s?.hasSecret ? 'Stored in the keychain — type to replace' : ''}
                hint={
                  channel === 'telegram'
                    ? 'From @BotFather; kept in the keychain, never shown again.'
                    : 'At least 16 characters; kept in the keychain.'
                }
              />
              <fieldset className="alert-kinds">
                <legend>Send</legend>
                {ALERT_KINDS.map((kind) => (
                  <label key={kind} className="checkbox">
                    <input
                      type="checkbox"
                      checked={f.kinds.includes(kind)}
                      onChange={(e) => toggleKind(channel, kind, e.target.checked)}
                    />{' '}
                    {ALERT_KIND_LABELS[kind]}
                  </label>
                ))}
              </fieldset>
              <p className="field-hint" data-testid={`${channel}-status`}>
                Last sent: {when(s?.lastSuccessAt ?? null)}
                {s?.lastError ? ` · last error (${when(s.lastErrorAt)}): ${s.lastError}` : ''}
                {s && s.pending > 0 ? ` · ${s.pending} waiting to retry` : ''}
              </p>
              <button
                type="button"
                className="button button-small"
                aria-disabled={busy || undefined}
                onClick={() => void sendTest(channel)}
              >
                Send test message <span className="sr-only">by {LABEL[channel]}</span>
              </button>
            </fieldset>
          );
        })}
        <div className="settings-actions">
          <span role="status" className="save-status">
            {message?.ok ? message.text : ''}
          </span>
          {message && !message.ok ? (
            <p className="form-error" role="alert">
              {message.text}
            </p>
          ) : null}
          <button type="submit" className="button button-primary" aria-disabled={busy || undefined}>
            Save alert channels
          </button>
        </div>
      </section>
    </form>
  );
}
