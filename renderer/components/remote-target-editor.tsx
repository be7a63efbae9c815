/**
 * Remote targets in the account form (issue 10): SSH/SFTP, Redis and webhook, each with Test
 * connection. The SSH host key is pinned only after the user confirms the fingerprint the first
 * Test connection shows. Secrets (key passphrase, Redis password, webhook secret) are typed here,
 * sent once to main for the keychain (remote:set-secret) after the account is saved, and never
 * shown again: an empty field keeps the stored one.
 */
// This module imports zod schemas: interpreter mode before anything parses (CSP has no eval).
import '../zod-setup';
import { useId, useState } from 'react';
import type { BrokerId } from '../../shared/brokers';
import type { AccountView } from '../../shared/domain';
import type { IpcResult, TokenTrayApi } from '../../shared/ipc-contract';
import {
  exportTargetLabel,
  REMOTE_SECRET_KIND,
  remoteExportTargetSchema,
  type RemoteExportTarget,
  type RemoteSecretKind,
  type RemoteTargetKind,
} from '../../shared/remote-targets';
import { unreachable } from '../bridge';
import { relativeText } from '../time-format';
import { Checkbox, Field } from './field';

export interface RemoteTargetDraft {
  readonly kind: RemoteTargetKind;
  // ssh
  readonly host: string;
  readonly port: string;
  readonly username: string;
  readonly path: string;
  readonly format: 'env' | 'json';
  readonly tokenKey: string;
  readonly expiresAtKey: string;
  readonly auth: 'agent' | 'key';
  readonly privateKeyPath: string;
  readonly hostKeySha256: string;
  readonly afterCommand: string;
  // redis and webhook
  readonly url: string;
  readonly prefix: string;
  readonly caFile: string;
  readonly includeToken: boolean;
}

export interface RemoteDraft {
  readonly targets: readonly RemoteTargetDraft[];
  /** Typed this time; '' keeps what the keychain has. */
  readonly secrets: Readonly<Record<RemoteSecretKind, string>>;
}

const NO_SECRETS: Record<RemoteSecretKind, string> = {
  'ssh-passphrase': '',
  'redis-password': '',
  'webhook-secret': '',
};

export function newRemoteTarget(kind: RemoteTargetKind, broker: BrokerId): RemoteTargetDraft {
  const prefix = broker.toUpperCase();
  return {
    kind,
    host: '',
    port: kind === 'ssh' ? '22' : '',
    username: '',
    path: '',
    format: 'env',
    tokenKey: `${prefix}_ACCESS_TOKEN`,
    expiresAtKey: `${prefix}_ACCESS_TOKEN_EXPIRES_AT`,
    auth: 'agent',
    privateKeyPath: '',
    hostKeySha256: '',
    afterCommand: '',
    url: kind === 'redis' ? 'redis://tokentray@' : kind === 'webhook' ? 'https://' : '',
    prefix: 'tokentray:',
    caFile: '',
    includeToken: false,
  };
}

export function remoteDraftFrom(
  targets: readonly RemoteExportTarget[] | undefined,
  broker: BrokerId,
): RemoteDraft {
  return {
    secrets: NO_SECRETS,
    targets: (targets ?? []).map((t) => {
      const base = newRemoteTarget(t.kind, broker);
      switch (t.kind) {
        case 'ssh':
          return {
            ...base,
            host: t.host,
            port: String(t.port),
            username: t.username,
            path: t.path,
            format: t.format,
            tokenKey: t.tokenKey,
            expiresAtKey: t.expiresAtKey,
            auth: t.auth,
            privateKeyPath: t.privateKeyPath ?? '',
            hostKeySha256: t.hostKeySha256 ?? '',
            afterCommand: t.afterCommand ?? '',
          };
        case 'redis':
          return { ...base, url: t.url, prefix: t.prefix, caFile: t.caFile ?? '' };
        case 'webhook':
          return { ...base, url: t.url, includeToken: t.includeToken };
      }
    }),
  };
}

/** The target as settings will hold it (unvalidated: the schema says what is wrong). */
function toInput(d: RemoteTargetDraft): unknown {
  const opt = (v: string) => (v.trim() === '' ? undefined : v.trim());
  switch (d.kind) {
    case 'ssh':
      return {
        kind: 'ssh',
        host: d.host.trim(),
        port: Number(d.port),
        username: d.username.trim(),
        path: d.path.trim(),
        format: d.format,
        tokenKey: d.tokenKey.trim(),
        expiresAtKey: d.expiresAtKey.trim(),
        auth: d.auth,
        privateKeyPath: d.auth === 'key' ? opt(d.privateKeyPath) : undefined,
        hostKeySha256: opt(d.hostKeySha256) ?? null,
        afterCommand: opt(d.afterCommand),
      };
    case 'redis':
      return { kind: 'redis', url: d.url.trim(), prefix: d.prefix, caFile: opt(d.caFile) };
    case 'webhook':
      return { kind: 'webhook', url: d.url.trim(), includeToken: d.includeToken };
  }
}

export type RemoteBuild =
  | { readonly ok: true; readonly targets: RemoteExportTarget[] }
  | { readonly ok: false; readonly errors: Record<string, string> };

/** Checks every remote target with the same schema main uses; errors keyed `remote.<i>.<field>`. */
export function buildRemoteTargets(draft: RemoteDraft): RemoteBuild {
  const targets: RemoteExportTarget[] = [];
  const errors: Record<string, string> = {};
  draft.targets.forEach((d, i) => {
    const parsed = remoteExportTargetSchema.safeParse(toInput(d));
    if (parsed.success) targets.push(parsed.data);
    else {
      for (const issue of parsed.error.issues) {
        const key = `remote.${i}.${String(issue.path[0] ?? 'kind')}`;
        errors[key] ??= issue.message;
      }
    }
  });
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, targets };
}

/** After the account is saved: the typed secrets to the keychain (main), nothing if none typed. */
export async function saveRemoteSecrets(
  api: TokenTrayApi,
  accountId: string,
  draft: RemoteDraft,
): Promise<string | null> {
  for (const [kind, value] of Object.entries(draft.secrets) as [RemoteSecretKind, string][]) {
    if (value === '' || !api.setRemoteSecret) continue;
    const result = await api.setRemoteSecret({ id: accountId, kind, value });
    if (!result.ok) return result.error;
  }
  return null;
}

const KIND_LABEL: Record<RemoteTargetKind, string> = {
  ssh: 'SSH/SFTP (a .env or JSON on a server)',
  redis: 'Redis',
  webhook: 'Webhook',
};

const SECRET_LABEL: Record<RemoteSecretKind, string> = {
  'ssh-passphrase': 'Private key passphrase',
  'redis-password': 'Redis password',
  'webhook-secret': 'Webhook secret (signs each delivery)',
};

export function RemoteTargetEditor({
  api,
  accountId,
  broker,
  value,
  errors,
  onChange,
}: {
  api: TokenTrayApi;
  accountId: string;
  broker: BrokerId;
  value: RemoteDraft;
  errors: Readonly<Record<string, string>>;
  onChange: (next: RemoteDraft) => void;
}) {
  const uid = useId();
  const [adding, setAdding] = useState<RemoteTargetKind>('ssh');
  const [tests, setTests] = useState<
    Record<number, IpcResult<'remote:test-connection'> | 'testing'>
  >({});
  const id = (s: string) => `${uid}-${s}`;
  const setTarget = (i: number, patch: Partial<RemoteTargetDraft>) =>
    onChange({
      ...value,
      targets: value.targets.map((t, j) => (j === i ? { ...t, ...patch } : t)),
    });
  const neededSecrets = [
    ...new Set(
      value.targets
        .filter((t) => !(t.kind === 'ssh' && t.auth === 'agent'))
        .map((t) => REMOTE_SECRET_KIND[t.kind]),
    ),
  ];

  const test = async (i: number) => {
    const d = value.targets[i];
    if (!d || !api.testRemoteConnection) return;
    const parsed = remoteExportTargetSchema.safeParse(toInput(d));
    if (!parsed.success) {
      setTests((t) => ({
        ...t,
        [i]: { ok: false, message: parsed.error.issues[0]?.message ?? 'check the fields' },
      }));
      return;
    }
    setTests((t) => ({ ...t, [i]: 'testing' }));
    const secret = value.secrets[REMOTE_SECRET_KIND[d.kind]];
    try {
      const result = await api.testRemoteConnection({
        id: accountId,
        target: parsed.data,
        ...(secret ? { secret } : {}),
      });
      setTests((t) => ({ ...t, [i]: result }));
    } catch (e) {
      setTests((t) => ({ ...t, [i]: { ok: false, message: unreachable(e) } }));
    }
  };

  return (
    <fieldset className="form-section">
      <legend>Bots on other machines</legend>
      <p className="field-hint">
        Deliver the token to a server over SSH, into Redis, or to a signed webhook. Each one updates
        on its own; a failure is retried while the token is valid.
      </p>
      {value.targets.map((d, i) => {
        const e = (f: string) => errors[`remote.${i}.${f}`];
        const result = tests[i];
        const label = (() => {
          const parsed = remoteExportTargetSchema.safeParse(toInput(d));
          return parsed.success ? exportTargetLabel(parsed.data) : KIND_LABEL[d.kind];
        })();
        return (
          <div className="target" role="group" aria-label={label} key={i}>
            <p className="target-title">{label}</p>
            {d.kind === 'ssh' ? (
              <>
                <div className="field-grid field-grid-3">
                  <Field
                    id={id(`${i}-host`)}
                    label="Host"
                    value={d.host}
                    error={e('host')}
                    onValue={(v) => setTarget(i, { host: v, hostKeySha256: '' })}
                  />
                  <Field
                    id={id(`${i}-port`)}
                    label="Port"
                    value={d.port}
                    error={e('port')}
                    inputMode="numeric"
                    onValue={(v) => setTarget(i, { port: v, hostKeySha256: '' })}
                  />
                  <Field
                    id={id(`${i}-user`)}
                    label="User"
                    value={d.username}
                    error={e('username')}
                    onValue={(v) => setTarget(i, { username: v })}
                  />
                </div>
                <Field
                  id={id(`${i}-path`)}
                  label="File on the server"
                  value={d.path}
                  error={e('path')}
                  placeholder="/home/bot/app/.env"
                  onValue={(v) => setTarget(i, { path: v })}
                />
                <div className="field">
                  <label htmlFor={id(`${i}-format`)}>Format</label>
                  <select
                    id={id(`${i}-format`)}
                    value={d.format}
                    onChange={(ev) =>
                      setTarget(i, { format: ev.target.value === 'json' ? 'json' : 'env' })
                    }
                  >
                    <option value="env">.env</option>
                    <option value="json">JSON</option>
                  </select>
                </div>
                {d.format === 'env' ? (
                  <div className="field-grid">
                    <Field
                      id={id(`${i}-tokenKey`)}
                      label="Token variable"
                      value={d.tokenKey}
                      error={e('tokenKey')}
                      onValue={(v) => setTarget(i, { tokenKey: v })}
                    />
                    <Field
                      id={id(`${i}-expiresAtKey`)}
                      label="Expiry variable"
                      value={d.expiresAtKey}
                      error={e('expiresAtKey')}
                      onValue={(v) => setTarget(i, { expiresAtKey: v })}
                    />
                  </div>
                ) : null}
                <div className="field">
                  <label htmlFor={id(`${i}-auth`)}>Log in with</label>
                  <select
                    id={id(`${i}-auth`)}
                    value={d.auth}
                    onChange={(ev) =>
                      setTarget(i, { auth: ev.target.value === 'key' ? 'key' : 'agent' })
                    }
                  >
                    <option value="agent">SSH agent (SSH_AUTH_SOCK / Pageant)</option>
                    <option value="key">A private key file</option>
                  </select>
                </div>
                {d.auth === 'key' ? (
                  <Field
                    id={id(`${i}-key`)}
                    label="Private key file"
                    value={d.privateKeyPath}
                    error={e('privateKeyPath')}
                    placeholder="/home/me/.ssh/id_ed25519"
                    onValue={(v) => setTarget(i, { privateKeyPath: v })}
                  />
                ) : null}
                <Field
                  id={id(`${i}-after`)}
                  label="After update, run (optional)"
                  value={d.afterCommand}
                  error={e('afterCommand')}
                  placeholder="systemctl --user reload mybot"
                  hint="Runs on the server after each update; its exit code and errors go to the activity log."
                  onValue={(v) => setTarget(i, { afterCommand: v })}
                />
                <p className="field-hint">
                  Host key:{' '}
                  {d.hostKeySha256 ? (
                    <code>{d.hostKeySha256}</code>
                  ) : (
                    'not confirmed yet — press Test connection'
                  )}
                </p>
              </>
            ) : null}
            {d.kind === 'redis' ? (
              <>
                <Field
                  id={id(`${i}-url`)}
                  label="Redis URL (user, no password)"
                  value={d.url}
                  error={e('url')}
                  placeholder="redis://tokentray@host:6379 or rediss://…"
                  onValue={(v) => setTarget(i, { url: v })}
                />
                <div className="field-grid">
                  <Field
                    id={id(`${i}-prefix`)}
                    label="Key prefix"
                    value={d.prefix}
                    error={e('prefix')}
                    onValue={(v) => setTarget(i, { prefix: v })}
                  />
                  <Field
                    id={id(`${i}-ca`)}
                    label="CA file for rediss:// (optional)"
                    value={d.caFile}
                    error={e('caFile')}
                    onValue={(v) => setTarget(i, { caFile: v })}
                  />
                </div>
              </>
            ) : null}
            {d.kind === 'webhook' ? (
              <>
                <Field
                  id={id(`${i}-url`)}
                  label="Webhook URL"
                  value={d.url}
                  error={e('url')}
                  placeholder="https://bots.example.com/tokentray"
                  onValue={(v) => setTarget(i, { url: v })}
                />
                <Checkbox
                  id={id(`${i}-include`)}
                  label="Include the token in the body"
                  checked={d.includeToken}
                  onChecked={(v) => setTarget(i, { includeToken: v })}
                  hint="Off: the receiver learns that a new token exists and when it expires, not the token."
                />
              </>
            ) : null}
            <div className="target-actions">
              <button
                type="button"
                className="button button-small"
                disabled={result === 'testing'}
                onClick={() => void test(i)}
              >
                {result === 'testing' ? 'Testing…' : 'Test connection'}
              </button>
              <button
                type="button"
                className="button button-small"
                onClick={() => {
                  onChange({ ...value, targets: value.targets.filter((_, j) => j !== i) });
                  setTests({});
                }}
              >
                Remove
              </button>
            </div>
            {result && result !== 'testing' ? (
              <div role="status" className={result.ok ? 'field-hint' : 'field-error'}>
                {result.message}
                {result.needsConfirmation && result.fingerprint ? (
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => {
                      setTarget(i, { hostKeySha256: result.fingerprint ?? '' });
                      setTests((t) => ({
                        ...t,
                        [i]: {
                          ok: true,
                          message: `Pinned ${result.fingerprint ?? ''}. Press Test connection again to log in.`,
                        },
                      }));
                    }}
                  >
                    This is my server&rsquo;s key: pin it
                  </button>
                ) : null}
              </div>
            ) : null}
          </div>
        );
      })}
      {neededSecrets.map((kind) => (
        <Field
          key={kind}
          id={id(`secret-${kind}`)}
          type="password"
          autoComplete="off"
          label={SECRET_LABEL[kind]}
          value={value.secrets[kind]}
          hint="Kept in the OS keychain, never shown again. Leave empty to keep the stored one."
          onValue={(v) => onChange({ ...value, secrets: { ...value.secrets, [kind]: v } })}
        />
      ))}
      {value.targets.length < 10 ? (
        <div className="field-control">
          <select
            aria-label="Kind of remote target"
            value={adding}
            onChange={(ev) => setAdding(ev.target.value as RemoteTargetKind)}
          >
            <option value="ssh">{KIND_LABEL.ssh}</option>
            <option value="redis">{KIND_LABEL.redis}</option>
            <option value="webhook">{KIND_LABEL.webhook}</option>
          </select>
          <button
            type="button"
            className="button button-small"
            onClick={() =>
              onChange({ ...value, targets: [...value.targets, newRemoteTarget(adding, broker)] })
            }
          >
            Add remote target
          </button>
        </div>
      ) : null}
    </fieldset>
  );
}

function remoteLabels(account: AccountView): string[] {
  return (account.remoteTargets ?? []).map((t) => exportTargetLabel(t));
}

/** True when a remote target's last delivery failed ("Retry delivery" is offered). */
export function remoteDeliveryFailed(account: AccountView): boolean {
  const labels = remoteLabels(account);
  return account.lastExport.some((e) => !e.ok && labels.includes(e.path));
}

/** The account card's lines for its remote targets: label and the last delivery's outcome. */
export function RemoteDeliveries({ account, now }: { account: AccountView; now: number }) {
  const labels = remoteLabels(account);
  if (labels.length === 0) return null;
  return (
    <ul className="export-list" aria-label="Remote targets">
      {labels.map((label) => {
        const last = account.lastExport.find((e) => e.path === label);
        return (
          <li key={label}>
            <code className="path">{label}</code>
            {last ? (
              last.ok ? (
                <span className="export-ok"> · delivered {relativeText(last.at, now)}</span>
              ) : (
                <span className="export-failed">
                  {' '}
                  · not delivered{last.message ? `: ${last.message}` : ''}
                </span>
              )
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
