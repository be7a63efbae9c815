/**
 * App-wide settings: the morning reminder, warnings, the trading-holiday list, start at login and the
 * theme. Validated with the shared preferences schema before anything is sent to main.
 */
import '../zod-setup';
import { useEffect, useId, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { BROKERS } from '../../shared/brokers';
import { NSE_HOLIDAYS_2026 } from '../../shared/calendar';
import { preferencesSchema, type AccountView, type Preferences } from '../../shared/domain';
import type { CommandResult } from '../../shared/ipc-contract';
import { minutesText } from '../time-format';
import { ErrorIcon, Field, capitalise } from './field';

type Theme = Preferences['theme'];

export interface SettingsViewProps {
  readonly preferences: Preferences;
  readonly accounts: readonly AccountView[];
  readonly onSave: (next: Preferences) => Promise<CommandResult>;
  /** Shows a theme before it is saved; called with undefined to go back to the saved one. */
  readonly onPreviewTheme: (theme: Theme | undefined) => void;
  readonly onEditAccount: (id: string) => void;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** True for a real calendar date written YYYY-MM-DD (no 2026-02-30). */
export function isIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** "2026-12-25 (Fri)": ISO date, weekday beside it. */
function holidayText(iso: string): string {
  if (!isIsoDate(iso)) return iso;
  const [y, m, d] = iso.split('-').map(Number);
  const weekday = WEEKDAYS[new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1)).getUTCDay()];
  return `${iso} (${weekday})`;
}

const THEMES: readonly { value: Theme; label: string }[] = [
  { value: 'system', label: 'Follow the system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

export function SettingsView({
  preferences,
  accounts,
  onSave,
  onPreviewTheme,
  onEditAccount,
}: SettingsViewProps) {
  const id = useId();
  const [reminder, setReminder] = useState(preferences.morningReminder);
  const [warnDays, setWarnDays] = useState(String(preferences.refreshTokenWarningDays));
  const [holidays, setHolidays] = useState<readonly string[]>(preferences.holidays);
  const [newHoliday, setNewHoliday] = useState('');
  const [startAtLogin, setStartAtLogin] = useState(preferences.startAtLogin);
  const [theme, setTheme] = useState<Theme>(preferences.theme);
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});
  const [status, setStatus] = useState<
    { kind: 'saved' } | { kind: 'failed'; error: string } | null
  >(null);
  const [saving, setSaving] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const [focusErrors, setFocusErrors] = useState(0);

  // Leaving Settings without saving puts the saved theme back.
  useEffect(() => () => onPreviewTheme(undefined), [onPreviewTheme]);

  // Layout effect: focus reaches the first problem in the commit that shows it (see app.tsx).
  useLayoutEffect(() => {
    if (focusErrors === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], .form-error')?.focus();
  }, [focusErrors]);

  const clear = (field: string) => {
    setStatus(null);
    if (errors[field]) setErrors(({ [field]: _, ...rest }) => rest);
  };

  const addHoliday = () => {
    const d = newHoliday.trim();
    if (!isIsoDate(d)) {
      setErrors((e) => ({ ...e, newHoliday: 'write the date as YYYY-MM-DD, e.g. 2026-10-20' }));
      return;
    }
    if (holidays.includes(d)) {
      setErrors((e) => ({ ...e, newHoliday: `${holidayText(d)} is already in the list` }));
      return;
    }
    setHolidays([...holidays, d].sort());
    setNewHoliday('');
    clear('newHoliday');
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (saving) return;
    const days = /^\d{1,2}$/.test(warnDays.trim()) ? Number(warnDays) : Number.NaN;
    const parsed = preferencesSchema.safeParse({
      ...preferences, // sections edited elsewhere (Local API, alert channels) are kept
      morningReminder: reminder,
      holidays,
      startAtLogin,
      theme,
      refreshTokenWarningDays: days,
    });
    if (!parsed.success) {
      const next: Record<string, string> = {};
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0] ?? 'form');
        if (next[field]) continue;
        next[field] =
          field === 'refreshTokenWarningDays' ? 'enter whole days from 0 to 14' : issue.message;
      }
      setErrors(next);
      setFocusErrors((n) => n + 1);
      return;
    }
    setErrors({});
    setSaving(true);
    const result = await onSave(parsed.data);
    setSaving(false);
    setStatus(result.ok ? { kind: 'saved' } : { kind: 'failed', error: result.error });
    if (!result.ok) setFocusErrors((n) => n + 1);
  };

  return (
    <form ref={formRef} className="settings" onSubmit={(e) => void submit(e)} noValidate>
      <section className="panel" aria-labelledby={`${id}-reminders`}>
        <h3 id={`${id}-reminders`}>Reminders</h3>
        <Field
          id={`${id}-reminder`}
          label="Morning reminder (IST)"
          inputMode="numeric"
          placeholder="HH:MM"
          maxLength={5}
          value={reminder}
          onValue={(v) => {
            setReminder(v);
            clear('morningReminder');
          }}
          error={errors.morningReminder}
          hint="24-hour HH:MM. On trading days, one notification at this time names every account whose token would not last through the 09:15–15:30 session; click it to log in to each in turn."
          className="field-narrow"
        />
        <Field
          id={`${id}-warn-days`}
          label="Warn before a FYERS refresh token runs out (days)"
          value={warnDays}
          inputMode="numeric"
          onValue={(v) => {
            setWarnDays(v);
            clear('refreshTokenWarningDays');
          }}
          error={errors.refreshTokenWarningDays}
          hint="The refresh token lasts 15 days; after that FYERS needs a full login. 0 turns the warning off."
          className="field-narrow"
        />
      </section>

      <section className="panel" aria-labelledby={`${id}-thresholds`}>
        <h3 id={`${id}-thresholds`}>Countdown and warnings</h3>
        <p className="field-hint">
          A card&rsquo;s colour says whether its token carries your bots through the next session:
          green ready, blue log in later (a login now would die at the broker&rsquo;s cutoff), amber
          log in now, red the market opens within an hour or something failed. Each account also
          names its token&rsquo;s own state and may warn before expiry, but only when a login then
          would outlast the token (Upstox and Kite tokens die at a fixed time, so for them the
          morning reminder speaks instead).
        </p>
        {accounts.length === 0 ? (
          <p className="muted">No accounts yet.</p>
        ) : (
          <ul className="threshold-list">
            {accounts.map((a) => (
              <li key={a.id}>
                <span>
                  <strong>{a.label}</strong>{' '}
                  <span className="muted">({BROKERS[a.broker].label})</span>
                  <br />
                  “expiring soon” from {minutesText(a.thresholds.expiringMinutes)} left, “about to
                  expire” below {minutesText(a.thresholds.criticalMinutes)}
                  {a.thresholds.notifyMinutes.length > 0
                    ? `; warned ${a.thresholds.notifyMinutes.map(minutesText).join(' and ')} before expiry only when a login then would outlast the token`
                    : '; no warnings before expiry'}
                </span>
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => onEditAccount(a.id)}
                >
                  Change <span className="sr-only">thresholds for {a.label}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="panel" aria-labelledby={`${id}-holidays`}>
        <h3 id={`${id}-holidays`}>Trading holidays</h3>
        <p className="field-hint" id={`${id}-holidays-hint`}>
          No morning reminder on these days (IST) or on weekends. Preloaded with the NSE 2026 list;
          check it against the exchange&rsquo;s circular.
        </p>
        {errors.holidays ? (
          <p className="field-error">
            <ErrorIcon /> {capitalise(errors.holidays)}
          </p>
        ) : null}
        {holidays.length === 0 ? <p className="muted">No holidays in the list.</p> : null}
        <ul className="holiday-list" aria-labelledby={`${id}-holidays`}>
          {holidays.map((d) => (
            <li key={d}>
              <time dateTime={d}>{holidayText(d)}</time>
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove ${holidayText(d)}`}
                onClick={() => {
                  setHolidays(holidays.filter((h) => h !== d));
                  setStatus(null);
                }}
              >
                <svg
                  width="10"
                  height="10"
                  viewBox="0 0 10 10"
                  aria-hidden="true"
                  focusable="false"
                >
                  <path d="m1.5 1.5 7 7m0-7-7 7" stroke="currentColor" strokeWidth="1.6" />
                </svg>
              </button>
            </li>
          ))}
        </ul>
        <div className="holiday-add">
          <Field
            id={`${id}-new-holiday`}
            label="Add a holiday"
            placeholder="YYYY-MM-DD"
            inputMode="numeric"
            maxLength={10}
            value={newHoliday}
            onValue={(v) => {
              setNewHoliday(v);
              clear('newHoliday');
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                addHoliday();
              }
            }}
            error={errors.newHoliday}
            className="field-narrow"
            after={
              <button type="button" className="button" onClick={addHoliday}>
                Add
              </button>
            }
          />
          <button
            type="button"
            className="button button-quiet button-small"
            onClick={() => {
              setHolidays([...NSE_HOLIDAYS_2026]);
              setStatus(null);
            }}
          >
            Reset to the NSE 2026 list
          </button>
        </div>
      </section>

      <section className="panel" aria-labelledby={`${id}-app`}>
        <h3 id={`${id}-app`}>App</h3>
        <div className="checkbox">
          <input
            id={`${id}-login`}
            type="checkbox"
            checked={startAtLogin}
            onChange={(e) => {
              setStartAtLogin(e.target.checked);
              setStatus(null);
            }}
          />
          <label htmlFor={`${id}-login`}>Start TokenTray when I log in to this computer</label>
        </div>
        <fieldset className="theme-choice">
          <legend>Theme</legend>
          {THEMES.map((t) => (
            <label key={t.value} className="radio">
              <input
                type="radio"
                name={`${id}-theme`}
                value={t.value}
                checked={theme === t.value}
                onChange={() => {
                  setTheme(t.value);
                  onPreviewTheme(t.value);
                  setStatus(null);
                }}
              />
              {t.label}
            </label>
          ))}
        </fieldset>
      </section>

      <div className="settings-actions">
        <span role="status" className="save-status">
          {status?.kind === 'saved' ? 'Settings saved.' : ''}
        </span>
        {status?.kind === 'failed' ? (
          <p className="form-error" role="alert" tabIndex={-1}>
            <ErrorIcon /> {status.error}
          </p>
        ) : null}
        <button type="submit" className="button button-primary" aria-disabled={saving || undefined}>
          {saving ? 'Saving…' : 'Save settings'}
        </button>
      </div>
    </form>
  );
}
