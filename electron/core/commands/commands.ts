/**
 * The one command layer under every transport: IPC (the dashboard), the CLI socket (a `tokentray`
 * process talking to the running app), the loopback HTTP API, and the CLI on its own (no app: a
 * TokenService of its own over the same settings file and keychain). Each command is written once:
 * its input schema (zod, so every transport rejects the same bad input with the same words), the
 * scope it needs, and its answer shape. Transports only move bytes and map CommandError codes to
 * their own (HTTP status, exit code, `{ok:false}`).
 *
 * Tokens leave only through `token` and `env` (scope `token`); every other answer is token-free.
 */
import { z } from 'zod';
import { BROKERS, expiresAtKeyFor } from '../../../shared/brokers';
import type { AccountView, Snapshot } from '../../../shared/domain';
import { marketSessionAt } from '../../../shared/readiness';
import { issuedAtKeyFor } from '../export/issue-order';
import type { LoginNavigator } from '../lifecycle/login-flow';
import type { TokenService } from '../lifecycle/token-service';
import type { Clock, Logger, SettingsStore } from '../ports';
import {
  accountRefSchema,
  resolveAccount,
  resolveAccounts,
  type AccountMatch,
} from './account-ref';
import { accountStatus, type AccountStatus } from './account-status';
import { CommandError, toCommandError } from './command-error';

/** `status` never sees a token; `token` may read tokens and start renewals. */
export const API_SCOPES = ['status', 'token'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/**
 * Who asks. `local` is this OS user (the dashboard, the CLI over its 0600 socket or on its own):
 * everything. `api` is an HTTP client holding a key of one scope.
 */
export type Principal =
  { readonly kind: 'local' } | { readonly kind: 'api'; readonly scope: ApiScope };

export interface Caller {
  readonly principal: Principal;
  /** How account names are matched (account-ref.ts). */
  readonly match: AccountMatch;
  /** Where the answer is read, for the words of a fix ("click Log in" vs "tokentray login …"). */
  readonly via: 'dashboard' | 'cli' | 'api';
}

export const DASHBOARD_CALLER: Caller = {
  principal: { kind: 'local' },
  match: 'id',
  via: 'dashboard',
};
export const CLI_CALLER: Caller = { principal: { kind: 'local' }, match: 'prefix', via: 'cli' };

export interface CommandContext {
  readonly service: TokenService;
  /** For the user id an export writes (`…_USER_ID` extras). */
  readonly settings: Pick<SettingsStore, 'getTokenMeta'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly localZone: string;
  /** The login window; absent where none can open (the CLI without the app). */
  readonly navigator?: LoginNavigator | undefined;
  /** Resolves once settings are loaded; rejects with the start's failure. */
  readonly ready?: () => Promise<void>;
}

// ------------------------------------------------------------------------------------ inputs

const flag = z.boolean().default(false);

export const commandInputs = {
  status: z.object({ accounts: z.array(accountRefSchema).max(50).default([]) }).strict(),
  token: z.object({ account: accountRefSchema, allow_expired: flag }).strict(),
  env: z
    .object({
      accounts: z.array(accountRefSchema).min(1, 'name at least one account').max(50),
      allow_expired: flag,
    })
    .strict(),
  refresh: z
    .object({
      account: accountRefSchema,
      /** FYERS PIN for this refresh only (not stored). */
      pin: z
        .string()
        .regex(/^\d{4}$/, 'the FYERS PIN is 4 digits')
        .optional(),
    })
    .strict(),
  validate: z.object({ account: accountRefSchema }).strict(),
  login: z.object({ account: accountRefSchema }).strict(),
} as const;
export type CommandName = keyof typeof commandInputs;
export type CommandInput<N extends CommandName> = z.input<(typeof commandInputs)[N]>;

// ------------------------------------------------------------------------------------ answers

export interface StatusAnswer {
  /** When this answer was made (ISO). */
  readonly at: string;
  /** The IST date of the current or next NSE session readiness refers to. */
  readonly session_date: string;
  /** True when every listed account is good for that session (the CLI's exit 0). */
  readonly ready_for_session: boolean;
  readonly accounts: readonly AccountStatus[];
}

export interface TokenAnswer {
  readonly account: string;
  readonly broker: string;
  readonly access_token: string;
  readonly expires_at: string | null;
  readonly status: AccountStatus['status'];
}

export interface EnvAnswer {
  readonly accounts: readonly string[];
  /** Variable → value, in the order the exports write them. */
  readonly variables: Readonly<Record<string, string>>;
}

export interface CommandOutputs {
  status: StatusAnswer;
  token: TokenAnswer;
  env: EnvAnswer;
  refresh: AccountStatus;
  validate: AccountStatus;
  login: AccountStatus;
}

/** Which scope an API key needs per command; `null` = local callers only. */
export const COMMAND_SCOPE: Readonly<Record<CommandName, ApiScope | null>> = {
  status: 'status',
  token: 'token',
  env: 'token',
  refresh: 'token',
  validate: 'token',
  login: null,
};

export interface Commands {
  run<N extends CommandName>(name: N, input: unknown, caller: Caller): Promise<CommandOutputs[N]>;
  /** The status of every account from a snapshot (SSE, `wait`), without another read. */
  statusOf(snapshot: Snapshot, accountIds?: readonly string[]): StatusAnswer;
}

function authorize(name: CommandName, caller: Caller): void {
  if (caller.principal.kind === 'local') return;
  const needed = COMMAND_SCOPE[name];
  if (needed === null) {
    throw new CommandError('forbidden', `"${name}" is available only from the tokentray CLI.`);
  }
  if (needed === 'token' && caller.principal.scope !== 'token') {
    throw new CommandError(
      'forbidden',
      'This API key has the "status" scope: it cannot read tokens or renew them. Use a key with the "token" scope (Settings → Local API).',
    );
  }
}

const UNUSABLE = new Set<AccountView['status']>(['none', 'expired', 'revoked']);

function unusableMessage(view: AccountView): string {
  switch (view.status) {
    case 'none':
      return `"${view.label}" (${view.id}) has no token yet: log in from TokenTray (tokentray login ${view.id}).`;
    case 'revoked':
      return `The token of "${view.label}" (${view.id}) was rejected by ${BROKERS[view.broker].label}: log in again (tokentray login ${view.id}). Pass --allow-expired to read it anyway.`;
    default:
      return `The token of "${view.label}" (${view.id}) has expired: log in again (tokentray login ${view.id}). Pass --allow-expired to read it anyway.`;
  }
}

export function createCommands(ctx: CommandContext): Commands {
  const { service, clock, logger } = ctx;

  function statusOf(snapshot: Snapshot, accountIds?: readonly string[]): StatusAnswer {
    const now = clock.now();
    const holidays = service.getPreferences().holidays;
    const views = accountIds
      ? accountIds
          .map((id) => snapshot.accounts.find((a) => a.id === id))
          .filter((a): a is AccountView => a !== undefined)
      : snapshot.accounts;
    const accounts = views.map((v) => accountStatus(v, now, holidays, ctx.localZone));
    return {
      at: now.toISOString(),
      session_date: marketSessionAt(now, holidays).date,
      ready_for_session: accounts.length > 0 && accounts.every((a) => a.ready_for_session),
      accounts,
    };
  }

  function find(ref: string, caller: Caller): AccountView {
    return resolveAccount(service.snapshot().accounts, ref, caller.match);
  }

  function statusOfOne(id: string): AccountStatus {
    const answer = statusOf(service.snapshot(), [id]);
    const one = answer.accounts[0];
    if (!one) throw new CommandError('not-found', `No account "${id}": it may have been removed.`);
    return one;
  }

  async function readToken(view: AccountView, allowExpired: boolean): Promise<string> {
    if (UNUSABLE.has(view.status) && !(allowExpired && view.status !== 'none')) {
      throw new CommandError('token-unusable', unusableMessage(view));
    }
    return service.readAccessToken(view.id);
  }

  async function envFor(view: AccountView, allowExpired: boolean): Promise<[string, string][]> {
    const token = await readToken(view, allowExpired);
    const config = service.getAccount(view.id);
    const meta = await ctx.settings.getTokenMeta(view.id);
    const expiresAt = view.expiresAt ?? '';
    const out: [string, string][] = [];
    const targets = (config?.exportTargets ?? []).filter((t) => t.kind === 'env');
    // As the exporter writes them (file-exporter.ts): token, expiry, issue instant, extras.
    const issued = (key: string): [string, string][] =>
      view.issuedAt ? [[issuedAtKeyFor(key), view.issuedAt]] : [];
    if (targets.length === 0) {
      const key = BROKERS[view.broker].defaultEnvKey;
      out.push([key, token], [expiresAtKeyFor(key), expiresAt], ...issued(key));
    }
    for (const t of targets) {
      out.push([t.tokenKey, token], [t.expiresAtKey, expiresAt], ...issued(t.tokenKey));
      for (const [name, field] of Object.entries(t.extra)) {
        const value = field === 'api_key' ? view.apiKey : (meta?.userId ?? null);
        if (value !== null) out.push([name, value]);
      }
    }
    return out;
  }

  const handlers: {
    [N in CommandName]: (
      input: z.output<(typeof commandInputs)[N]>,
      caller: Caller,
    ) => Promise<CommandOutputs[N]>;
  } = {
    status: (input, caller) => {
      const views = resolveAccounts(service.snapshot().accounts, input.accounts, caller.match);
      return Promise.resolve(
        statusOf(
          service.snapshot(),
          views.map((v) => v.id),
        ),
      );
    },

    token: async (input, caller) => {
      const view = find(input.account, caller);
      const token = await readToken(view, input.allow_expired);
      logger.info('token read', { accountId: view.id, by: caller.principal.kind });
      return {
        account: view.id,
        broker: view.broker,
        access_token: token,
        expires_at: view.expiresAt,
        status: view.status,
      };
    },

    env: async (input, caller) => {
      const views = resolveAccounts(service.snapshot().accounts, input.accounts, caller.match);
      const variables: Record<string, string> = {};
      for (const view of views) {
        for (const [k, v] of await envFor(view, input.allow_expired)) variables[k] = v;
      }
      logger.info('token read as environment', {
        accounts: views.map((v) => v.id),
        by: caller.principal.kind,
      });
      return { accounts: views.map((v) => v.id), variables };
    },

    refresh: async (input, caller) => {
      const view = find(input.account, caller);
      const broker = BROKERS[view.broker];
      if (broker.renewal.kind === 'login-only') {
        throw new CommandError(
          'needs-login',
          caller.via === 'dashboard'
            ? `${broker.label} tokens can only be renewed by logging in: click Log in.`
            : `${broker.label} tokens can only be renewed by logging in: run "tokentray login ${view.id}" or click Log in in TokenTray.`,
        );
      }
      await service.refresh(view.id, input.pin === undefined ? {} : { pin: input.pin });
      return statusOfOne(view.id);
    },

    validate: async (input, caller) => {
      const view = find(input.account, caller);
      await service.validate(view.id);
      return statusOfOne(view.id);
    },

    login: async (input, caller) => {
      const view = find(input.account, caller);
      if (!ctx.navigator) {
        throw new CommandError(
          'not-running',
          'TokenTray is not running, and only the app can open the login window: start TokenTray, then run this again.',
        );
      }
      await service.login(view.id, ctx.navigator);
      return statusOfOne(view.id);
    },
  };

  return {
    statusOf,
    async run(name, input, caller) {
      try {
        authorize(name, caller);
        const parsed = commandInputs[name].parse(input ?? {});
        await ctx.ready?.();
        // The handler table is keyed by name; TypeScript cannot relate the two generics here.
        const handler = handlers[name] as (
          i: unknown,
          c: Caller,
        ) => Promise<CommandOutputs[typeof name]>;
        return await handler(parsed, caller);
      } catch (e) {
        const err = toCommandError(e, logger, name);
        if (err.code !== 'internal')
          logger.warn('command refused', { command: name, code: err.code });
        throw err;
      }
    },
  };
}
