/**
 * One handler per IPC channel (shared/ipc-contract.ts). main's IPC adapter checks the sender and
 * the payload first; the handlers parse again with the same schemas anyway, because they are also
 * called by tests and the tray, and a handler must never act on a shape it did not check.
 *
 * Errors become `{ ok: false, error }` with the TokenTrayError's words, which are written never to
 * hold a secret. Anything else thrown (a bug, a port's raw Error that may quote a path or a value)
 * is logged by name only and answered with a generic message.
 *
 * The account commands (login, refresh, validate) run through the command layer
 * (core/commands/commands.ts), the same code the CLI socket and the HTTP API call: one validation,
 * one authorisation, one set of words. IPC names accounts by exact id.
 */
import { ZodError } from 'zod';
import {
  ipcContract,
  type CommandResult,
  type LocalApiStateView,
} from '../../../shared/ipc-contract';
import type { Preferences } from '../../../shared/domain';
import type { IpcHandlers, ShellPort } from './app-ports';
import { isTokenTrayError, toTokenTrayError, TokenTrayError } from '../errors';
import { toCommandError } from '../commands/command-error';
import { DASHBOARD_CALLER, type Commands } from '../commands/commands';
import type { LoginNavigator } from '../lifecycle/login-flow';
import type { Logger } from '../ports';
import type { TokenService } from '../lifecycle/token-service';
import type { AlertChannels } from '../alerts/channels';
import type { RemoteCommands } from '../export/remote-commands';
import type { LocalApiState } from '../api/socket-protocol';

export interface IpcContext {
  readonly service: TokenService;
  readonly navigator: LoginNavigator;
  readonly shell: ShellPort;
  readonly logger: Logger;
  /** Resolves once settings are loaded (start() ran); rejects with start's failure. */
  readonly ready: () => Promise<void>;
  /** Saves preferences and applies what reaches outside TokenService (start at login). */
  readonly savePreferences: (preferences: Preferences) => Promise<void>;
  /** The command layer shared with the CLI socket and the HTTP API. */
  readonly commands: Commands;
  /** "Log in all": queues every account a login helps now; returns the ones added. */
  readonly loginAll: () => string[];
  /** Closes an account's login window; `rest` also drops the accounts queued after it. */
  readonly cancelLogin: (accountId: string, rest: boolean) => void;
  /** Alert channels (issue 13); absent where the app was built without them. */
  readonly alerts?: AlertChannels;
  /** Remote targets' commands (issue 10); absent where the app was built without them. */
  readonly remote?: RemoteCommands;
  /** Settings → Local API (issue 15): main starts the API after the app; null until then. */
  readonly localApi?: () => LocalApiConfigurer | null;
  /** What this desktop cannot do (issue 12), for the dashboard banner; main fills it. */
  readonly desktopNotices?: () => readonly string[];
}

/** The part of the running local API the dashboard may use (core/api/local-api.ts configure). */
export type LocalApiConfigurer = (input: unknown) => Promise<LocalApiState>;

/** What to tell the user about `e`: our own words, or a generic line for anything unexpected. */
export function userMessage(e: unknown, logger: Logger, context: string): string {
  if (e instanceof ZodError) {
    const issue = e.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return `The request was not valid (${where}${issue?.message ?? 'unknown problem'}).`;
  }
  if (!isTokenTrayError(e)) {
    // Only the error's class name: its message may quote a path, a URL or a value.
    logger.error('unexpected error', { context, error: e instanceof Error ? e.name : typeof e });
  }
  return toTokenTrayError(e).message;
}

export function createIpcHandlers(ctx: IpcContext): IpcHandlers {
  const remote = (): RemoteCommands => {
    if (!ctx.remote) throw new TokenTrayError('config', 'Remote targets are not available here.');
    return ctx.remote;
  };
  const { service, logger } = ctx;
  const alertChannels = (): AlertChannels => {
    if (!ctx.alerts) throw new TokenTrayError('config', 'Alert channels are not available here.');
    return ctx.alerts;
  };

  async function command(channel: string, body: () => Promise<unknown>): Promise<CommandResult> {
    try {
      await ctx.ready();
      await body();
      return { ok: true };
    } catch (e) {
      // The command layer's words for its own errors, and the same mapping for everything else.
      const error = toCommandError(e, logger, channel).message;
      if (isTokenTrayError(e)) logger.warn('command failed', { channel, kind: e.kind });
      return { ok: false, error };
    }
  }

  return {
    'snapshot:get': async (req) => {
      ipcContract['snapshot:get'].request.parse(req);
      await ctx.ready();
      return service.snapshot();
    },

    'account:login': (req) =>
      command('account:login', () => {
        const { id } = ipcContract['account:login'].request.parse(req);
        return ctx.commands.run('login', { account: id }, DASHBOARD_CALLER);
      }),

    'account:refresh': (req) =>
      command('account:refresh', () => {
        const { id, pin } = ipcContract['account:refresh'].request.parse(req);
        return ctx.commands.run(
          'refresh',
          pin === undefined ? { account: id } : { account: id, pin },
          DASHBOARD_CALLER,
        );
      }),

    'account:validate': (req) =>
      command('account:validate', () => {
        const { id } = ipcContract['account:validate'].request.parse(req);
        return ctx.commands.run('validate', { account: id }, DASHBOARD_CALLER);
      }),

    'account:forget': (req) =>
      command('account:forget', () => {
        const { id } = ipcContract['account:forget'].request.parse(req);
        return service.forget(id);
      }),

    'account:save': (req) =>
      command('account:save', () =>
        service.saveAccount(ipcContract['account:save'].request.parse(req)),
      ),

    'account:open-export-folder': (req) =>
      command('account:open-export-folder', async () => {
        const { id } = ipcContract['account:open-export-folder'].request.parse(req);
        const account = service.getAccount(id);
        if (!account) {
          throw new TokenTrayError('config', `No account "${id}": it may have been removed.`);
        }
        const target = account.exportTargets[0];
        if (!target) {
          throw new TokenTrayError(
            'config',
            `"${account.label}" writes no file yet: add a .env or JSON file in Edit account.`,
          );
        }
        await ctx.shell.showInFolder(target.path);
      }),

    'dialog:choose-env-file': async (req) => {
      try {
        const { suggestedName } = ipcContract['dialog:choose-env-file'].request.parse(req);
        return { path: await ctx.shell.chooseEnvFile(suggestedName) };
      } catch (e) {
        // The result has no error field: a failed dialog reads as a cancelled one.
        userMessage(e, logger, 'dialog:choose-env-file');
        return { path: null };
      }
    },

    'preferences:get': async (req) => {
      ipcContract['preferences:get'].request.parse(req);
      await ctx.ready();
      return service.getPreferences();
    },

    'preferences:save': (req) =>
      command('preferences:save', () =>
        ctx.savePreferences(ipcContract['preferences:save'].request.parse(req)),
      ),

    'activity:list': async (req) => {
      const { id, limit } = ipcContract['activity:list'].request.parse(req);
      await ctx.ready();
      return service.listActivity(id, limit);
    },

    'accounts:login-all': async (req) => {
      try {
        ipcContract['accounts:login-all'].request.parse(req);
        await ctx.ready();
        return { ok: true, queued: ctx.loginAll() };
      } catch (e) {
        return { ok: false, error: userMessage(e, logger, 'accounts:login-all') };
      }
    },

    'account:cancel-login': (req) =>
      command('account:cancel-login', () => {
        const { id, rest } = ipcContract['account:cancel-login'].request.parse(req);
        ctx.cancelLogin(id, rest ?? false);
        return Promise.resolve();
      }),

    // Remote targets (issue 10): export/remote-commands.ts.
    'remote:test-connection': async (req) => {
      try {
        const { id, target, secret } = ipcContract['remote:test-connection'].request.parse(req);
        await ctx.ready();
        return await remote().testConnection(id, target, secret);
      } catch (e) {
        return { ok: false, message: userMessage(e, logger, 'remote:test-connection') };
      }
    },

    'remote:set-secret': (req) =>
      command('remote:set-secret', () => {
        const { id, kind, value } = ipcContract['remote:set-secret'].request.parse(req);
        return remote().setSecret(id, kind, value);
      }),

    'account:retry-delivery': (req) =>
      command('account:retry-delivery', () => {
        const { id } = ipcContract['account:retry-delivery'].request.parse(req);
        return remote().retryDelivery(id);
      }),

    // Alert channels (issue 13): alerts/channels.ts.
    'alerts:status': async (req) => {
      ipcContract['alerts:status'].request.parse(req);
      await ctx.ready();
      return alertChannels().status();
    },

    'alerts:set-secret': (req) =>
      command('alerts:set-secret', () => {
        const { channel, value } = ipcContract['alerts:set-secret'].request.parse(req);
        return alertChannels().setSecret(channel, value);
      }),

    'alerts:send-test': async (req) => {
      const { channel } = ipcContract['alerts:send-test'].request.parse(req);
      await ctx.ready();
      return alertChannels().sendTest(channel);
    },

    'local-api:configure': async (req) => {
      try {
        const input = ipcContract['local-api:configure'].request.parse(req);
        await ctx.ready();
        const configure = ctx.localApi?.() ?? null;
        if (!configure) {
          throw new TokenTrayError(
            'config',
            'The local API is not running in this window yet: try again in a moment, or use `tokentray api`.',
          );
        }
        const state = await configure(input);
        const view: LocalApiStateView = {
          enabled: state.enabled,
          port: state.port,
          listening: [...state.listening],
          keys: [...state.keys],
          ...(state.new_key ? { new_key: state.new_key } : {}),
        };
        return { ok: true, state: view };
      } catch (e) {
        return { ok: false, error: userMessage(e, logger, 'local-api:configure') };
      }
    },

    'desktop:notices': (req) => {
      ipcContract['desktop:notices'].request.parse(req);
      return Promise.resolve({ notices: [...(ctx.desktopNotices?.() ?? [])].slice(0, 10) });
    },
  };
}
