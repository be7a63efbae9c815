/**
 * The add/edit account form as plain data: a draft the inputs edit, and the conversion to the
 * `AccountInput` that `saveAccount` takes. Validation uses the shared zod schemas, so the messages
 * the user reads are the same ones main would answer with.
 */
// zod parses here (the add/edit form, loaded on first use): interpreter mode before any parse.
import './zod-setup';
import {
  BROKERS,
  expiresAtKeyFor,
  renewalNeedsPin,
  renewsWithoutLogin,
  type BrokerId,
} from '../shared/brokers';
import {
  accountInputSchema,
  envExportTargetSchema,
  type AccountInput,
  type AccountView,
  type ExportTarget,
} from '../shared/domain';
import { ruleExpiry } from '../shared/expiry';

export interface TargetDraft {
  /** React key only. */
  readonly key: string;
  readonly kind: 'env' | 'json';
  readonly path: string;
  readonly tokenKey: string;
  readonly expiresAtKey: string;
  /** Until the user edits the expiry name it follows the token name (`X` → `X_EXPIRES_AT`). */
  readonly expiresAtEdited: boolean;
  readonly apiKeyVar: string | null;
  readonly userIdVar: string | null;
}

export interface AccountDraft {
  readonly broker: BrokerId;
  readonly label: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly redirectUri: string;
  readonly targets: readonly TargetDraft[];
  readonly expiringMinutes: string;
  readonly criticalMinutes: string;
  readonly notifyMinutes: string;
  readonly autoRefresh: boolean;
  readonly storePin: boolean;
  readonly pin: string;
  /** The broker's third app value (Dhan client ID, 5paisa app User ID); '' where not asked. */
  readonly clientId: string;
  /** 'HH:MM' IST override of a guessed daily cutoff; '' for the broker's (guessed) default. */
  readonly cutoffOverride: string;
}

/** Field path → message. Paths: label, apiKey, apiSecret, redirectUri, targets.N.path, … */
export type FieldErrors = Readonly<Record<string, string>>;

let keySeq = 0;
function nextKey(): string {
  keySeq += 1;
  return `t${keySeq}`;
}

export function defaultVarPrefix(broker: BrokerId): string {
  return BROKERS[broker].defaultEnvKey.replace(/_ACCESS_TOKEN$/, '');
}

export function newTarget(broker: BrokerId, path = ''): TargetDraft {
  const tokenKey = BROKERS[broker].defaultEnvKey;
  return {
    key: nextKey(),
    kind: 'env',
    path,
    tokenKey,
    expiresAtKey: expiresAtKeyFor(tokenKey),
    expiresAtEdited: false,
    apiKeyVar: null,
    userIdVar: null,
  };
}

export function newDraft(broker: BrokerId): AccountDraft {
  return {
    broker,
    label: '',
    apiKey: '',
    apiSecret: '',
    redirectUri: BROKERS[broker].suggestedRedirectUri,
    targets: [newTarget(broker)],
    expiringMinutes: '180',
    criticalMinutes: '60',
    notifyMinutes: '60, 15',
    autoRefresh: false,
    storePin: false,
    pin: '',
    clientId: '',
    cutoffOverride: '',
  };
}

function targetDraft(t: ExportTarget): TargetDraft {
  if (t.kind === 'json') {
    return {
      key: nextKey(),
      kind: 'json',
      path: t.path,
      tokenKey: '',
      expiresAtKey: '',
      expiresAtEdited: false,
      apiKeyVar: null,
      userIdVar: null,
    };
  }
  const extra = Object.entries(t.extra);
  return {
    key: nextKey(),
    kind: 'env',
    path: t.path,
    tokenKey: t.tokenKey,
    expiresAtKey: t.expiresAtKey,
    expiresAtEdited: t.expiresAtKey !== expiresAtKeyFor(t.tokenKey),
    apiKeyVar: extra.find(([, v]) => v === 'api_key')?.[0] ?? null,
    userIdVar: extra.find(([, v]) => v === 'user_id')?.[0] ?? null,
  };
}

/** The form for an existing account: everything but the secrets, which are never sent back. */
export function draftFromAccount(a: AccountView): AccountDraft {
  return {
    broker: a.broker,
    label: a.label,
    apiKey: a.apiKey,
    apiSecret: '',
    redirectUri: a.redirectUri,
    targets: a.exportTargets.map(targetDraft),
    expiringMinutes: String(a.thresholds.expiringMinutes),
    criticalMinutes: String(a.thresholds.criticalMinutes),
    notifyMinutes: a.thresholds.notifyMinutes.join(', '),
    autoRefresh: a.autoRefresh,
    storePin: a.hasPin,
    pin: '',
    clientId: a.clientId ?? '',
    cutoffOverride: a.cutoffOverride ?? '',
  };
}

/** Typing a new token name carries the expiry name along until the user edits that one. */
export function withTokenKey(t: TargetDraft, tokenKey: string): TargetDraft {
  return {
    ...t,
    tokenKey,
    expiresAtKey: t.expiresAtEdited ? t.expiresAtKey : expiresAtKeyFor(tokenKey),
  };
}

/** The field errors after removing export target `index`: its own go, later ones move up. */
export function errorsWithoutTarget(errors: FieldErrors, index: number): FieldErrors {
  const next: Record<string, string> = {};
  for (const [key, message] of Object.entries(errors)) {
    const m = /^targets\.(\d+)\.(.+)$/.exec(key);
    if (!m) {
      if (key !== 'targets') next[key] = message;
      continue;
    }
    const n = Number(m[1]);
    if (n < index) next[key] = message;
    else if (n > index) next[`targets.${n - 1}.${m[2]}`] = message;
  }
  return next;
}

/** A fresh, unique, keychain-safe id for a new account: `upstox-personal`, `upstox-personal-2`. */
export function newAccountId(broker: BrokerId, label: string, taken: readonly string[]): string {
  const slug = `${broker}-${label}`
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 56)
    .replace(/-+$/, '');
  const base = slug || broker;
  if (!taken.includes(base)) return base;
  for (let n = 2; ; n += 1) {
    const id = `${base}-${n}`;
    if (!taken.includes(id)) return id;
  }
}

function parseMinutes(value: string): number | undefined {
  const v = value.trim();
  return /^\d{1,5}$/.test(v) ? Number(v) : undefined;
}

function parseMinuteList(value: string): number[] | undefined {
  const parts = value
    .split(/[,\s]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  const nums = parts.map(parseMinutes);
  return nums.every((n): n is number => n !== undefined) ? nums : undefined;
}

export interface BuildContext {
  /** The id of the account being edited, or undefined for a new one. */
  readonly editingId: string | undefined;
  /** Ids already in use (for a new account's id). */
  readonly takenIds: readonly string[];
  /** Whether the account being edited already has a PIN in the keychain. */
  readonly hasStoredPin: boolean;
}

export type BuildResult =
  | { readonly ok: true; readonly input: AccountInput }
  | { readonly ok: false; readonly errors: FieldErrors };

/** accountConfigSchema's limit on export targets: the form offers no more. */
export const MAX_EXPORT_TARGETS = 10;

const MINUTES_RANGE = 'enter whole minutes between 1 and 1440 (24 h)';

/** The draft as the request `saveAccount` takes, or the message for each field that is wrong. */
export function buildAccountInput(draft: AccountDraft, ctx: BuildContext): BuildResult {
  const errors: Record<string, string> = {};
  const broker = BROKERS[draft.broker];
  const usesPin = renewalNeedsPin(draft.broker);
  const renews = renewsWithoutLogin(draft.broker);
  const clientId = broker.clientIdLabel !== undefined ? draft.clientId.trim() : '';
  if (broker.clientIdLabel !== undefined && clientId === '') {
    errors.clientId = `enter the ${broker.clientIdLabel}: ${broker.label} needs it to log in`;
  }
  const cutoffOverride = broker.cutoffIsGuess ? draft.cutoffOverride.trim() : '';

  const expiring = parseMinutes(draft.expiringMinutes);
  const critical = parseMinutes(draft.criticalMinutes);
  const notify = parseMinuteList(draft.notifyMinutes);
  if (expiring === undefined) errors.expiringMinutes = MINUTES_RANGE;
  if (critical === undefined) errors.criticalMinutes = MINUTES_RANGE;
  if (notify === undefined)
    errors.notifyMinutes = 'list whole minutes separated by commas, e.g. 60, 15';

  const redirect = draft.redirectUri.trim();
  if (redirect && !/^https?:\/\//i.test(redirect)) {
    errors.redirectUri = 'the redirect URI starts with http:// or https://';
  }

  const exportTargets: ExportTarget[] = draft.targets.map((t) =>
    t.kind === 'json'
      ? { kind: 'json', path: t.path.trim() }
      : {
          kind: 'env',
          path: t.path.trim(),
          tokenKey: t.tokenKey.trim(),
          expiresAtKey: t.expiresAtKey.trim(),
          extra: {
            ...(t.apiKeyVar !== null ? { [t.apiKeyVar.trim()]: 'api_key' as const } : {}),
            ...(t.userIdVar !== null ? { [t.userIdVar.trim()]: 'user_id' as const } : {}),
          },
        },
  );
  const seenPaths = new Set<string>();
  draft.targets.forEach((t, i) => {
    const path = t.path.trim();
    if (path && seenPaths.has(path))
      errors[`targets.${i}.path`] = 'this file is already in the list';
    seenPaths.add(path);
    if (t.kind === 'env') {
      const names = [t.tokenKey, t.expiresAtKey, t.apiKeyVar, t.userIdVar]
        .filter((n): n is string => n !== null)
        .map((n) => n.trim());
      if (names[0] && names[0] === names[1]) {
        errors[`targets.${i}.expiresAtKey`] = 'use a different name from the token variable';
      }
      const extras = [
        ['apiKeyVar', t.apiKeyVar, 2],
        ['userIdVar', t.userIdVar, 3],
      ] as const;
      for (const [field, name, before] of extras) {
        if (name === null) continue;
        // The same rule (and words) as the token variable's name.
        const check = envExportTargetSchema.shape.tokenKey.safeParse(name.trim());
        if (!check.success) {
          errors[`targets.${i}.${field}`] = check.error.issues[0]?.message ?? 'not a valid name';
        } else if (names.slice(0, before).includes(name.trim())) {
          errors[`targets.${i}.${field}`] = 'this name is already used above';
        }
      }
    }
  });

  const isNew = ctx.editingId === undefined;
  const secret = draft.apiSecret;
  const storePin = usesPin && draft.storePin;
  const pin = storePin ? draft.pin.trim() : '';
  if (storePin && !pin && !ctx.hasStoredPin) {
    errors.pin = `enter your 4-digit ${broker.label} PIN so TokenTray can remember it`;
  }

  const candidate = {
    config: {
      id: ctx.editingId ?? newAccountId(draft.broker, draft.label, ctx.takenIds),
      broker: draft.broker,
      label: draft.label,
      apiKey: draft.apiKey,
      redirectUri: redirect,
      exportTargets,
      thresholds: {
        expiringMinutes: expiring ?? 180,
        criticalMinutes: critical ?? 60,
        notifyMinutes: notify ?? [],
      },
      autoRefresh: renews && draft.autoRefresh,
      storePin,
      ...(clientId !== '' ? { clientId } : {}),
      ...(cutoffOverride !== '' ? { cutoffOverride } : {}),
    },
    // A new account must have a secret: send '' so the schema says so in its own words. On edit an
    // empty field means "keep the stored one", so the key is left out entirely.
    ...(isNew || secret !== '' ? { apiSecret: secret } : {}),
    ...(pin ? { pin } : {}),
  };

  const parsed = accountInputSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOf(issue.path);
      if (!field || errors[field]) continue;
      // A bad extra name is already reported on its own field, in words (see above).
      const extra = /^targets\.(\d+)\.extra$/.exec(field);
      if (
        extra &&
        (errors[`targets.${extra[1]}.apiKeyVar`] || errors[`targets.${extra[1]}.userIdVar`])
      ) {
        continue;
      }
      errors[field] =
        field === 'apiSecret'
          ? // The schema says "API secret"; FYERS calls it the Secret ID: use the broker's word.
            `paste the ${broker.apiSecretLabel}`
          : field === 'apiKey'
            ? // The schema says "API key / App ID": name only what this broker calls it.
              `paste the ${broker.apiKeyLabel} from your ${broker.label} app`
            : messageFor(field, issue.message, issue.code, issue.path.length);
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) {
    if (Object.keys(errors).length === 0) errors.form = 'something in the form is not valid';
    return { ok: false, errors };
  }
  return { ok: true, input: parsed.data };
}

function fieldOf(path: readonly PropertyKey[]): string | undefined {
  const [head, second, ...rest] = path;
  if (head === 'apiSecret' || head === 'pin') return head;
  if (head !== 'config') return undefined;
  if (second === 'exportTargets') {
    const [index, name] = rest;
    if (typeof index !== 'number') return 'targets';
    if (name === 'extra') return `targets.${index}.extra`;
    return `targets.${index}.${typeof name === 'string' ? name : 'path'}`;
  }
  if (second === 'thresholds') {
    const [name] = rest;
    return typeof name === 'string' ? name : 'criticalMinutes';
  }
  if (second === 'id') return 'label';
  return typeof second === 'string' ? second : undefined;
}

function messageFor(field: string, message: string, code: string, depth: number): string {
  if (field === 'targets' && code === 'too_big') {
    return `an account writes to at most ${MAX_EXPORT_TARGETS} files`;
  }
  // zod's own range messages ("Too small: expected number to be >=1") are not for people.
  if (
    (field === 'expiringMinutes' || field === 'criticalMinutes') &&
    (code === 'too_small' || code === 'too_big')
  ) {
    return MINUTES_RANGE;
  }
  if (field === 'notifyMinutes') {
    // depth 3 is the list itself (config.thresholds.notifyMinutes), deeper is one entry.
    return depth === 3
      ? 'at most 6 reminders'
      : 'each reminder is between 1 and 1440 minutes before expiry';
  }
  return message;
}

/**
 * A value quoted the way the exporter writes a new line (electron/core/export/env-value.ts
 * `encodeEnvValue` with its default single quotes, which the renderer may not import): single
 * quotes, or double quotes when the value holds a single quote. Keep the two in step.
 */
export function quoteEnvValue(value: string): string {
  return value.includes("'") ? `"${value}"` : `'${value}'`;
}

/** The lines an .env target will hold, with placeholders instead of the token. */
export function previewLines(t: TargetDraft, apiKey: string, expiresAt: Date): string[] {
  const lines = [
    `${t.tokenKey.trim() || '…'}=${quoteEnvValue('…')}`,
    `${t.expiresAtKey.trim() || '…'}=${quoteEnvValue(expiresAt.toISOString())}`,
  ];
  if (t.apiKeyVar !== null) {
    lines.push(`${t.apiKeyVar.trim() || '…'}=${quoteEnvValue(apiKey.trim() || '…')}`);
  }
  if (t.userIdVar !== null) lines.push(`${t.userIdVar.trim() || '…'}=${quoteEnvValue('…')}`);
  return lines;
}

/** When a token issued now would die: the example expiry in the preview. */
export function exampleExpiry(broker: BrokerId, now: number): Date {
  return ruleExpiry(broker, new Date(now));
}
