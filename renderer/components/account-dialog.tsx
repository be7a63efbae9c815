/**
 * Add or edit an account: choose the broker, follow a three-line guide (where to register the app and
 * the exact redirect URI), then fill in the app's key and secret, where to export the token and when
 * to warn. The secret goes straight to main (and on into the keychain) and is never shown again.
 */
import { useId, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import {
  BROKER_IDS,
  BROKERS,
  SETUP_WARNINGS,
  renewalNeedsPin,
  type BrokerId,
} from '../../shared/brokers';
import type { AccountView } from '../../shared/domain';
import type { TokenTrayApi } from '../../shared/ipc-contract';
import {
  buildAccountInput,
  defaultVarPrefix,
  draftFromAccount,
  errorsWithoutTarget,
  exampleExpiry,
  MAX_EXPORT_TARGETS,
  newDraft,
  newTarget,
  previewLines,
  withTokenKey,
  type AccountDraft,
  type FieldErrors,
  type TargetDraft,
} from '../account-form';
import { runCommand, unreachable } from '../bridge';
import { IST, instantText } from '../time-format';
import { BrokerMark } from './broker-mark';
import { CopyButton } from './copy-button';
import { Checkbox, ErrorIcon, Field, capitalise } from './field';
import {
  buildRemoteTargets,
  RemoteTargetEditor,
  remoteDraftFrom,
  saveRemoteSecrets,
  type RemoteDraft,
} from './remote-target-editor';
import { Modal } from './modal';

export type AccountDialogMode =
  { readonly kind: 'add' } | { readonly kind: 'edit'; readonly account: AccountView };

export interface AccountDialogProps {
  readonly api: TokenTrayApi;
  readonly mode: AccountDialogMode;
  readonly takenIds: readonly string[];
  /** For the example expiry in the preview. */
  readonly now: number;
  readonly onClose: () => void;
  readonly onSaved: (label: string, isNew: boolean) => void;
  readonly onRemoved: (label: string) => void;
  readonly fallbackFocus: () => HTMLElement | null;
}

/** "an Upstox", "a Zerodha Kite", "a FYERS" (said "fyers"). */
export function articleFor(word: string): 'a' | 'an' {
  return /^[aeiou]/i.test(word) && !/^(eu|uni|use|usu)/i.test(word) ? 'an' : 'a';
}

/** "03:30 IST"; for a broker with only a rolling life (Dhan) "24 hours after the login". */
function cutoffText(broker: BrokerId): string {
  const c = BROKERS[broker].accessTokenCutoff;
  if (c === null) return `${BROKERS[broker].accessTokenLifeHours ?? 24} hours after the login`;
  return `${String(c.hour).padStart(2, '0')}:${String(c.minute).padStart(2, '0')} IST`;
}

const BROKER_HINT: Readonly<Record<BrokerId, string>> = {
  upstox: `One login a day; the token lasts until ${cutoffText('upstox')} the next morning.`,
  kite: `One login a day; the token lasts until ${cutoffText('kite')} the next morning.`,
  fyers: `One login, then a refresh with your PIN for 15 days (automatic after the ${cutoffText('fyers')} cutoff if you let it). Tokens last until ${cutoffText('fyers')}.`,
  angelone: `One login a day (a Publisher app, https redirect URL); the token lasts until ${cutoffText('angelone')} the next morning.`,
  dhan: 'One login (a consent on Dhan), then TokenTray can renew the token every day before its 24 hours run out, without a login.',
  fivepaisa: `One login a day; the token lasts until ${cutoffText('fivepaisa')} the same day.`,
  shoonya: `One login a day; the token lasts until about ${cutoffText('shoonya')} (Guess: Shoonya does not say; set the daily cutoff below if yours differs).`,
  aliceblue: `One login a day; the session lasts until about ${cutoffText('aliceblue')} (Guess: Alice Blue does not say; set the daily cutoff below if yours differs).`,
  breeze: 'One login a day; the session lasts until midnight IST (at most 24 hours).',
  iifl: `One login a day; the session lasts until about ${cutoffText('iifl')} (Guess: IIFL does not say; set the daily cutoff below if yours differs).`,
};

export function AccountDialog(props: AccountDialogProps) {
  const { mode, onClose, fallbackFocus } = props;
  const [broker, setBroker] = useState<BrokerId | null>(
    mode.kind === 'edit' ? mode.account.broker : null,
  );
  const title =
    mode.kind === 'edit'
      ? `Edit ${mode.account.label}`
      : broker
        ? `Add ${articleFor(BROKERS[broker].label)} ${BROKERS[broker].label} account`
        : 'Add an account';
  return (
    <Modal title={title} onClose={onClose} wide fallbackFocus={fallbackFocus}>
      {broker === null ? (
        <BrokerStep onCancel={onClose} onChosen={setBroker} />
      ) : (
        <DetailsStep
          {...props}
          broker={broker}
          onBack={mode.kind === 'add' ? () => setBroker(null) : undefined}
        />
      )}
    </Modal>
  );
}

function BrokerStep({
  onCancel,
  onChosen,
}: {
  onCancel: () => void;
  onChosen: (broker: BrokerId) => void;
}) {
  const [choice, setChoice] = useState<BrokerId | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (choice) onChosen(choice);
    else setError('choose the broker your trading account is with');
  };
  return (
    <form className="dialog-form" onSubmit={submit} noValidate>
      <fieldset
        className="broker-choices"
        aria-describedby={error ? `${id}-error` : undefined}
        aria-invalid={error ? true : undefined}
      >
        <legend>Which broker is this account with?</legend>
        {BROKER_IDS.map((b, i) => (
          <label key={b} className={`broker-choice${choice === b ? ' is-checked' : ''}`}>
            <input
              type="radio"
              name="broker"
              value={b}
              checked={choice === b}
              onChange={() => {
                setChoice(b);
                setError(null);
              }}
              data-autofocus={i === 0 ? '' : undefined}
              aria-describedby={`${id}-${b}-hint`}
            />
            <BrokerMark broker={b} size={32} />
            <span className="broker-choice-text">
              <span className="broker-choice-name">{BROKERS[b].label}</span>
              <span className="broker-choice-hint" id={`${id}-${b}-hint`}>
                {BROKER_HINT[b]}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      {error ? (
        <p id={`${id}-error`} className="field-error">
          <ErrorIcon /> {capitalise(error)}
        </p>
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button-primary">
          Continue
        </button>
      </div>
    </form>
  );
}

function DetailsStep({
  api,
  mode,
  takenIds,
  now,
  broker,
  onBack,
  onClose,
  onSaved,
  onRemoved,
}: AccountDialogProps & { broker: BrokerId; onBack: (() => void) | undefined }) {
  const editing = mode.kind === 'edit' ? mode.account : undefined;
  const [draft, setDraft] = useState<AccountDraft>(() =>
    editing ? draftFromAccount(editing) : newDraft(broker),
  );
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  // Remote targets (issue 10): their own editor and state (remote-target-editor.tsx).
  const [remote, setRemote] = useState<RemoteDraft>(() =>
    remoteDraftFrom(editing?.remoteTargets, broker),
  );
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [focusErrors, setFocusErrors] = useState(0);
  const [focusHeading, setFocusHeading] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const uid = useId();
  const fid = (path: string) => `${uid}-${path.replace(/\./g, '-')}`;
  const info = BROKERS[broker];
  const usesPin = renewalNeedsPin(broker);
  const expiry = exampleExpiry(broker, now);
  // What is saved (trimmed), so the URI registered with the broker matches it byte for byte.
  const guideRedirect = draft.redirectUri.trim() || info.suggestedRedirectUri;

  // New accounts arrive here from the broker step, and "Keep account" leaves the removal question:
  // either way the old focus is gone, so start the reader at the guide.
  useLayoutEffect(() => {
    if (!editing || focusHeading > 0) headingRef.current?.focus();
  }, [editing, focusHeading]);

  // After a failed submit, take the keyboard to the first field that needs fixing. Layout effects for
  // focus: it moves in the commit that shows the element (Preact runs plain effects after a paint).
  useLayoutEffect(() => {
    if (focusErrors === 0) return;
    const first = formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], .form-error');
    first?.focus();
  }, [focusErrors]);

  const update = (patch: Partial<AccountDraft>, ...cleared: string[]) => {
    setDraft((d) => ({ ...d, ...patch }));
    if (cleared.some((c) => errors[c])) {
      setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !cleared.includes(k))));
    }
  };
  const updateTarget = (index: number, next: TargetDraft, ...cleared: string[]) => {
    update(
      { targets: draft.targets.map((t, i) => (i === index ? next : t)) },
      ...cleared.map((c) => `targets.${index}.${c}`),
    );
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (saving) return;
    setFormError(null);
    const built = buildAccountInput(draft, {
      editingId: editing?.id,
      takenIds,
      hasStoredPin: editing?.hasPin ?? false,
    });
    if (!built.ok) {
      setErrors(built.errors);
      setFocusErrors((n) => n + 1);
      return;
    }
    const remoteBuilt = buildRemoteTargets(remote);
    if (!remoteBuilt.ok) {
      setErrors(remoteBuilt.errors);
      setFocusErrors((n) => n + 1);
      return;
    }
    setErrors({});
    setSaving(true);
    const input = {
      ...built.input,
      // Named only when there are (or were) remote targets: an account without any saves as before.
      config:
        remoteBuilt.targets.length > 0 || (editing?.remoteTargets?.length ?? 0) > 0
          ? { ...built.input.config, remoteTargets: remoteBuilt.targets }
          : built.input.config,
    };
    const saved = await runCommand(() => api.saveAccount(input));
    const secretError = saved.ok ? await saveRemoteSecrets(api, input.config.id, remote) : null;
    const result = secretError ? { ok: false as const, error: secretError } : saved;
    setSaving(false);
    if (result.ok) {
      onSaved(built.input.config.label, !editing);
    } else {
      setFormError(result.error);
      setFocusErrors((n) => n + 1);
    }
  };

  const chooseFile = async (index: number) => {
    try {
      const { path } = await api.chooseEnvFile({ suggestedName: '.env' });
      const target = draft.targets[index];
      if (path && target) updateTarget(index, { ...target, path }, 'path');
    } catch (e) {
      setErrors((prev) => ({ ...prev, [`targets.${index}.path`]: unreachable(e) }));
    }
  };

  if (confirmRemove && editing) {
    return (
      <RemoveConfirm
        api={api}
        account={editing}
        onCancel={() => {
          setConfirmRemove(false);
          setFocusHeading((n) => n + 1);
        }}
        onRemoved={() => onRemoved(editing.label)}
      />
    );
  }

  const errorCount = Object.keys(errors).length;
  const atTargetLimit = draft.targets.length >= MAX_EXPORT_TARGETS;

  return (
    <form ref={formRef} className="dialog-form" onSubmit={(e) => void submit(e)} noValidate>
      {formError ? (
        <div className="form-error" role="alert" tabIndex={-1}>
          <ErrorIcon /> {formError}
        </div>
      ) : errorCount > 0 ? (
        <p className="form-error-summary" role="alert">
          {errorCount === 1 ? 'One field needs' : `${errorCount} fields need`} fixing before saving.
        </p>
      ) : null}

      <section className="setup-guide" aria-labelledby={`${uid}-guide`}>
        <h3 id={`${uid}-guide`} ref={headingRef} tabIndex={-1} data-autofocus="">
          <BrokerMark broker={broker} size={22} />
          {editing ? `Your ${info.label} app` : `Set up your ${info.label} app`}
        </h3>
        {SETUP_WARNINGS[broker].length > 0 ? (
          <ul className="setup-warnings">
            {SETUP_WARNINGS[broker].map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        ) : null}
        <ol>
          <li>
            Open the{' '}
            <a href={info.appRegistrationUrl} target="_blank" rel="noreferrer noopener">
              {info.label} developer apps page
            </a>{' '}
            and create an app (or open the one you have).
          </li>
          <li>
            Register this redirect URI, exactly as written:
            <span className="copy-row">
              <code className="redirect-uri">{guideRedirect}</code>
              <CopyButton text={guideRedirect} label="Copy redirect URI" />
            </span>
          </li>
          <li>
            Paste the app&rsquo;s {info.apiKeyLabel} and {info.apiSecretLabel} below.
          </li>
        </ol>
      </section>

      <div className="field-grid">
        <Field
          id={fid('label')}
          label="Account name"
          value={draft.label}
          onValue={(label) => update({ label }, 'label')}
          error={errors.label}
          hint="Shown in the tray and in notifications, e.g. Personal or Options bot."
          autoComplete="off"
          maxLength={60}
        />
        <Field
          id={fid('apiKey')}
          label={info.apiKeyLabel}
          value={draft.apiKey}
          onValue={(apiKey) => update({ apiKey }, 'apiKey')}
          error={errors.apiKey}
          hint={broker === 'fyers' ? 'Looks like XB12345-100.' : 'Public: it is not the secret.'}
          autoComplete="off"
          spellCheck={false}
        />
        <Field
          id={fid('apiSecret')}
          label={info.apiSecretLabel}
          type="password"
          value={draft.apiSecret}
          onValue={(apiSecret) => update({ apiSecret }, 'apiSecret')}
          error={errors.apiSecret}
          hint={
            editing
              ? 'Stored in your system keychain. Leave empty to keep it; type a new one to replace it.'
              : 'Goes straight into your system keychain. TokenTray never shows it again.'
          }
          placeholder={editing ? 'unchanged' : undefined}
          autoComplete="off"
          spellCheck={false}
        />
        {info.clientIdLabel !== undefined ? (
          <Field
            id={fid('clientId')}
            label={info.clientIdLabel}
            value={draft.clientId}
            onValue={(clientId) => update({ clientId }, 'clientId')}
            error={errors.clientId}
            hint={info.clientIdHelp ?? 'Not secret.'}
            autoComplete="off"
            spellCheck={false}
          />
        ) : null}
        <Field
          id={fid('redirectUri')}
          label="Redirect URI"
          value={draft.redirectUri}
          onValue={(redirectUri) => update({ redirectUri }, 'redirectUri')}
          error={errors.redirectUri}
          hint={`Must match the one registered with ${info.label}, character for character.`}
          autoComplete="off"
          spellCheck={false}
          inputMode="url"
        />
        {info.cutoffIsGuess ? (
          <Field
            id={fid('cutoffOverride')}
            label="Daily cutoff (IST, 24-hour)"
            value={draft.cutoffOverride}
            onValue={(cutoffOverride) => update({ cutoffOverride }, 'cutoffOverride')}
            error={errors.cutoffOverride}
            hint={`Guess: ${info.label} does not document when its tokens die; TokenTray assumes ${cutoffText(broker)}. If yours die at another time, write it as HH:MM (e.g. 06:00). Leave empty for ${cutoffText(broker)}.`}
            placeholder={cutoffText(broker).replace(' IST', '')}
            autoComplete="off"
            spellCheck={false}
            inputMode="numeric"
            className="field-narrow"
          />
        ) : null}
      </div>

      <fieldset className="form-section">
        <legend>Where your bots read the token</legend>
        <p className="field-hint">
          After every login or refresh TokenTray writes the token and its expiry into these files
          and leaves every other line alone.
        </p>
        {draft.targets.length === 0 ? (
          <p className="muted">No files yet: your bots will not see the token.</p>
        ) : null}
        {errors.targets ? (
          <p className="field-error" id={fid('targets')}>
            <ErrorIcon /> {capitalise(errors.targets)}
          </p>
        ) : null}
        {draft.targets.map((t, i) => (
          <TargetEditor
            key={t.key}
            index={i}
            target={t}
            broker={broker}
            apiKey={draft.apiKey}
            expiry={expiry}
            errors={errors}
            fid={fid}
            onChange={(next, ...cleared) => updateTarget(i, next, ...cleared)}
            onChoose={() => void chooseFile(i)}
            onRemove={() => {
              setDraft((d) => ({ ...d, targets: d.targets.filter((_, j) => j !== i) }));
              // The files after this one move up: so do their messages.
              setErrors((e) => errorsWithoutTarget(e, i));
            }}
          />
        ))}
        {/* At the limit the button stays (aria-disabled) so keyboard focus is not lost. */}
        <button
          type="button"
          className="button button-small"
          aria-disabled={atTargetLimit || undefined}
          aria-describedby={atTargetLimit ? fid('targets-limit') : undefined}
          onClick={() => {
            if (!atTargetLimit)
              update({ targets: [...draft.targets, newTarget(broker)] }, 'targets');
          }}
        >
          {draft.targets.length === 0 ? 'Add a .env file' : 'Add another .env file'}
        </button>
        {atTargetLimit ? (
          <p className="field-hint" id={fid('targets-limit')}>
            That is the most one account can write to ({MAX_EXPORT_TARGETS} files).
          </p>
        ) : null}
      </fieldset>

      <RemoteTargetEditor
        api={api}
        accountId={editing?.id ?? 'new-account'}
        broker={broker}
        value={remote}
        errors={errors}
        onChange={setRemote}
      />

      <fieldset className="form-section">
        <legend>Countdown</legend>
        <p className="field-hint">
          The card&rsquo;s colour says whether the token carries your bots through the next market
          session. These minutes only name the token&rsquo;s own state beside its countdown.
        </p>
        <div className="field-grid field-grid-3">
          <Field
            id={fid('expiringMinutes')}
            label="“Expiring soon” from (minutes left)"
            value={draft.expiringMinutes}
            onValue={(v) => update({ expiringMinutes: v }, 'expiringMinutes', 'criticalMinutes')}
            error={errors.expiringMinutes}
            inputMode="numeric"
            className="field-narrow"
          />
          <Field
            id={fid('criticalMinutes')}
            label="“About to expire” below (minutes left)"
            value={draft.criticalMinutes}
            onValue={(v) => update({ criticalMinutes: v }, 'criticalMinutes')}
            error={errors.criticalMinutes}
            inputMode="numeric"
            className="field-narrow"
          />
          <Field
            id={fid('notifyMinutes')}
            label="Warn at (minutes before expiry)"
            value={draft.notifyMinutes}
            onValue={(v) => update({ notifyMinutes: v }, 'notifyMinutes')}
            error={errors.notifyMinutes}
            hint={`Separate with commas, e.g. 60, 15. Sent only when a login then would outlast the current token; ${info.label} tokens die at ${cutoffText(broker)} whenever you log in, so otherwise you get the morning reminder instead.`}
            className="field-narrow"
          />
        </div>
      </fieldset>

      {info.renewal.kind === 'renew-token' ? (
        <fieldset className="form-section">
          <legend>Renew without the login page</legend>
          <p className="field-hint">
            {info.label} tokens last 24 hours; while one is alive, TokenTray can swap it for a fresh
            one (no PIN, no login page).
          </p>
          <Checkbox
            id={fid('autoRefresh')}
            label="Renew automatically at 08:45 and 15:35 IST, outside market hours"
            checked={draft.autoRefresh}
            onChecked={(autoRefresh) => update({ autoRefresh })}
            hint="If a renewal fails, or the token was revoked, TokenTray tells you and you log in again."
          />
        </fieldset>
      ) : null}

      {usesPin ? (
        <fieldset className="form-section">
          <legend>Refresh without the login page</legend>
          <p className="field-hint">
            After a login, {info.label} lets TokenTray renew the token for 15 days with a refresh
            token and your 4-digit PIN.
          </p>
          <Checkbox
            id={fid('autoRefresh')}
            label={`Refresh automatically after the ${cutoffText(broker)} cutoff, in time for 09:15`}
            checked={draft.autoRefresh}
            onChecked={(autoRefresh) => update({ autoRefresh })}
            hint={
              draft.autoRefresh && !draft.storePin
                ? 'Without a remembered PIN, TokenTray asks you for it each time.'
                : undefined
            }
          />
          <Checkbox
            id={fid('storePin')}
            label={`Remember my ${info.label} PIN in the system keychain`}
            checked={draft.storePin}
            onChecked={(storePin) => update({ storePin, pin: '' }, 'pin')}
            hint={
              <span className={`pin-warning${draft.storePin ? ' is-active' : ''}`}>
                <strong>Think before turning this on.</strong> The PIN lets TokenTray refresh
                without asking you, but anyone with access to your unlocked session&rsquo;s keychain
                could read it.
              </span>
            }
          />
          {draft.storePin ? (
            <Field
              id={fid('pin')}
              label={`${info.label} PIN`}
              type="password"
              inputMode="numeric"
              maxLength={4}
              autoComplete="off"
              value={draft.pin}
              onValue={(pin) => update({ pin: pin.replace(/\D/g, '') }, 'pin')}
              error={errors.pin}
              hint={
                editing?.hasPin
                  ? 'A PIN is already stored. Leave empty to keep it.'
                  : 'Stored in the system keychain; never shown again.'
              }
              className="field-narrow"
            />
          ) : null}
        </fieldset>
      ) : null}

      <div className="dialog-actions">
        {editing ? (
          <button
            type="button"
            className="button button-danger-quiet dialog-actions-start"
            onClick={() => setConfirmRemove(true)}
          >
            Remove account…
          </button>
        ) : null}
        {onBack ? (
          <button type="button" className="button dialog-actions-start" onClick={onBack}>
            Back
          </button>
        ) : null}
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" aria-disabled={saving || undefined}>
          {saving ? 'Saving…' : editing ? 'Save changes' : 'Add account'}
        </button>
      </div>
    </form>
  );
}

function TargetEditor({
  index,
  target,
  broker,
  apiKey,
  expiry,
  errors,
  fid,
  onChange,
  onChoose,
  onRemove,
}: {
  index: number;
  target: TargetDraft;
  broker: BrokerId;
  apiKey: string;
  expiry: Date;
  errors: FieldErrors;
  fid: (path: string) => string;
  onChange: (next: TargetDraft, ...cleared: string[]) => void;
  onChoose: () => void;
  onRemove: () => void;
}) {
  const p = (name: string) => `targets.${index}.${name}`;
  const info = BROKERS[broker];
  const prefix = defaultVarPrefix(broker);
  const titleId = fid(p('title'));
  const expiryText = instantText(expiry.toISOString(), IST)?.ist ?? '';
  if (target.kind === 'json') {
    return (
      <div className="target" role="group" aria-labelledby={titleId}>
        <h4 id={titleId}>JSON file {index + 1}</h4>
        <p>
          <code className="path">{target.path}</code>
        </p>
        <button type="button" className="button button-small button-quiet" onClick={onRemove}>
          Remove this file
        </button>
      </div>
    );
  }
  return (
    <div className="target" role="group" aria-labelledby={titleId}>
      <div className="target-head">
        <h4 id={titleId}>.env file {index + 1}</h4>
        <button type="button" className="button button-small button-quiet" onClick={onRemove}>
          Remove <span className="sr-only">.env file {index + 1}</span>
        </button>
      </div>
      <Field
        id={fid(p('path'))}
        label="File"
        value={target.path}
        onValue={(path) => onChange({ ...target, path }, 'path')}
        error={errors[p('path')]}
        placeholder="/home/you/bot/.env"
        autoComplete="off"
        spellCheck={false}
        after={
          <button type="button" className="button" onClick={onChoose}>
            Choose file…
          </button>
        }
      />
      <div className="field-grid">
        <Field
          id={fid(p('tokenKey'))}
          label="Token variable"
          value={target.tokenKey}
          onValue={(v) => onChange(withTokenKey(target, v), 'tokenKey', 'expiresAtKey')}
          error={errors[p('tokenKey')]}
          autoComplete="off"
          spellCheck={false}
          className="mono-input"
        />
        <Field
          id={fid(p('expiresAtKey'))}
          label="Expiry variable"
          value={target.expiresAtKey}
          onValue={(v) =>
            onChange({ ...target, expiresAtKey: v, expiresAtEdited: true }, 'expiresAtKey')
          }
          error={errors[p('expiresAtKey')]}
          autoComplete="off"
          spellCheck={false}
          className="mono-input"
        />
      </div>
      <Checkbox
        id={fid(p('withApiKey'))}
        label={`Also write the ${info.apiKeyLabel}`}
        checked={target.apiKeyVar !== null}
        onChecked={(on) =>
          onChange({ ...target, apiKeyVar: on ? `${prefix}_API_KEY` : null }, 'apiKeyVar')
        }
      />
      {target.apiKeyVar !== null ? (
        <Field
          id={fid(p('apiKeyVar'))}
          label={`${info.apiKeyLabel} variable`}
          value={target.apiKeyVar}
          onValue={(v) => onChange({ ...target, apiKeyVar: v }, 'apiKeyVar')}
          error={errors[p('apiKeyVar')]}
          autoComplete="off"
          spellCheck={false}
          className="mono-input field-indented"
        />
      ) : null}
      <Checkbox
        id={fid(p('withUserId'))}
        label="Also write the broker user ID"
        checked={target.userIdVar !== null}
        onChecked={(on) =>
          onChange({ ...target, userIdVar: on ? `${prefix}_USER_ID` : null }, 'userIdVar')
        }
      />
      {target.userIdVar !== null ? (
        <Field
          id={fid(p('userIdVar'))}
          label="User ID variable"
          value={target.userIdVar}
          onValue={(v) => onChange({ ...target, userIdVar: v }, 'userIdVar')}
          error={errors[p('userIdVar')]}
          autoComplete="off"
          spellCheck={false}
          className="mono-input field-indented"
        />
      ) : null}
      <figure className="env-preview">
        <figcaption>
          Lines TokenTray will write. The real token goes only into the file; the expiry is the one
          a login now would get ({expiryText}).
        </figcaption>
        <pre aria-label={`Preview of .env file ${index + 1}`}>
          {previewLines(target, apiKey, expiry).join('\n')}
        </pre>
      </figure>
    </div>
  );
}

function RemoveConfirm({
  api,
  account,
  onCancel,
  onRemoved,
}: {
  api: TokenTrayApi;
  account: AccountView;
  onCancel: () => void;
  onRemoved: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [working, setWorking] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => cancelRef.current?.focus(), []);
  const remove = async () => {
    if (working) return;
    setWorking(true);
    const result = await runCommand(() => api.forget({ id: account.id }));
    setWorking(false);
    if (result.ok) onRemoved();
    else setError(result.error);
  };
  return (
    <div className="remove-confirm">
      <h3>Remove {account.label}?</h3>
      <p>
        TokenTray forgets this account and deletes its {BROKERS[account.broker].apiSecretLabel},
        tokens and any stored PIN from your system keychain. It stops updating its .env files. You
        can add it again later.
      </p>
      {error ? (
        <p className="form-error" role="alert">
          <ErrorIcon /> {error}
        </p>
      ) : null}
      <div className="dialog-actions">
        <button ref={cancelRef} type="button" className="button" onClick={onCancel}>
          Keep account
        </button>
        <button
          type="button"
          className="button button-danger"
          aria-disabled={working || undefined}
          onClick={() => void remove()}
        >
          {working ? 'Removing…' : 'Remove account'}
        </button>
      </div>
    </div>
  );
}
