/**
 * `tokentray` — the command line for bots and scripts (plain Node; never imports electron).
 *
 * With TokenTray running, every command goes to the app over its private socket (live state, one
 * writer). Without it, the CLI opens the same settings file and keychain itself (standalone.ts);
 * `login` alone needs the app. Exit codes: 0 ok, 1 "not good" (not ready, token unusable, needs a
 * login, wait timed out), 2 errors (usage, unknown account, keychain, broker, app not running).
 *
 * The token is printed only by `token`, handed to a child's environment by `exec` and printed as
 * variables by `env`; it is never part of an error or a log line.
 */
import { spawn } from 'node:child_process';
import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { constants as osConstants } from 'node:os';
import type { CommandErrorCode } from '../core/commands/command-error';
import type { CommandName, EnvAnswer, StatusAnswer, TokenAnswer } from '../core/commands/commands';
import type { AccountStatus } from '../core/commands/account-status';
import { socketPath } from '../core/api/local-paths';
import type { LocalApiState, SocketReply } from '../core/api/socket-protocol';
import { COMMAND_HELP, USAGE } from './help';
import { connect, exchange, request } from './socket-client';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

/** A refusal with its exit code; the message goes to stderr. */
class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

const NOT_GOOD: ReadonlySet<CommandErrorCode> = new Set(['needs-login', 'token-unusable']);

function fromReply<T>(reply: SocketReply): T {
  if (reply.ok) return reply.result as T;
  throw new CliError(reply.error.message, NOT_GOOD.has(reply.error.code) ? 1 : 2);
}

/** Where commands run: the live app, or this process over the same files and keychain. */
interface Backend {
  run<T>(command: CommandName | 'local-api', input: unknown): Promise<T>;
  /** Calls `check` with the status now and after every change; resolves true once it returns true. */
  watch(check: (status: StatusAnswer) => boolean, timeoutMs: number): Promise<boolean>;
  readonly live: boolean;
}

function appBackend(path: string): Backend {
  return {
    live: true,
    async run<T>(command: CommandName | 'local-api', input: unknown): Promise<T> {
      const socket = await connect(path);
      if (!socket)
        throw new CliError('TokenTray stopped while the command was starting: run it again.', 2);
      return fromReply<T>(await request(socket, command, input));
    },
    async watch(check, timeoutMs) {
      const socket = await connect(path);
      if (!socket) throw new CliError('TokenTray stopped: run the command again.', 2);
      let done = false;
      const timer = setTimeout(() => socket.destroy(), timeoutMs);
      try {
        await exchange(socket, 'watch', {}, (reply) => {
          done = check(fromReply<StatusAnswer>(reply));
          return done;
        });
      } finally {
        clearTimeout(timer);
      }
      return done;
    },
  };
}

function standaloneBackend(env: NodeJS.ProcessEnv): Backend {
  const open = async () => (await import('./standalone')).openStandalone(env);
  const caller = async () => (await import('../core/commands/commands')).CLI_CALLER;
  async function status(): Promise<StatusAnswer> {
    const s = await open();
    return s.commands.run('status', {}, await caller());
  }
  return {
    live: false,
    async run<T>(command: CommandName, input: unknown): Promise<T> {
      const { toCommandError } = await import('../core/commands/command-error');
      const { silentLogger } = await import('../core/ports');
      try {
        const s = await open();
        return (await s.commands.run(command, input, await caller())) as T;
      } catch (e) {
        const err = toCommandError(e, silentLogger, command);
        throw new CliError(err.message, NOT_GOOD.has(err.code) ? 1 : 2);
      }
    },
    async watch(check, timeoutMs) {
      const { settingsFile } = await import('../core/api/local-paths');
      const file = settingsFile(env);
      if (check(await status())) return true;
      // No app: the settings file changes when a token is renewed (by the app started later, or
      // another CLI). Watch its folder; re-check at least every minute for time-based changes.
      return new Promise<boolean>((resolve, reject) => {
        let watcher: FSWatcher | undefined;
        let debounce: NodeJS.Timeout | undefined;
        const finish = (value: boolean) => {
          watcher?.close();
          clearTimeout(debounce);
          clearTimeout(deadline);
          clearInterval(minute);
          resolve(value);
        };
        const recheck = () => {
          clearTimeout(debounce);
          debounce = setTimeout(() => {
            status().then((s) => {
              if (check(s)) finish(true);
            }, reject);
          }, 20);
        };
        const deadline = setTimeout(() => finish(false), timeoutMs);
        const minute = setInterval(recheck, 60_000);
        try {
          watcher = watch(dirname(file), recheck);
        } catch {
          // No folder to watch yet: the minute re-check still runs.
        }
      });
    },
  };
}

async function pickBackend(env: NodeJS.ProcessEnv): Promise<Backend> {
  const path = socketPath(env);
  const socket = await connect(path);
  if (socket) {
    socket.destroy();
    return appBackend(path);
  }
  return standaloneBackend(env);
}

// ------------------------------------------------------------------------------------ commands

function parse(
  args: string[],
  options: NonNullable<Parameters<typeof parseArgs>[0]>['options'],
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values, positionals };
  } catch (e) {
    throw new CliError(`${e instanceof Error ? e.message : 'invalid arguments'}. See --help.`, 2);
  }
}

function needAccounts(positionals: string[], command: string, one = false): void {
  if (positionals.length === 0) {
    throw new CliError(
      `Name ${one ? 'an account' : 'at least one account'}: tokentray ${command} ACCOUNT${one ? '' : '…'} (see tokentray status).`,
      2,
    );
  }
  if (one && positionals.length > 1) {
    throw new CliError(`tokentray ${command} takes one account, not ${positionals.length}.`, 2);
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return osConstants.signals[signal] ?? 1;
}

async function runExec(
  io: CliIo,
  backend: Backend,
  accounts: string[],
  allowExpired: boolean,
  argv: string[],
): Promise<number> {
  const [cmd, ...args] = argv;
  if (!cmd)
    throw new CliError(
      'Give the command to run after --: tokentray exec ACCOUNT -- CMD [ARGS…].',
      2,
    );
  const answer = await backend.run<EnvAnswer>('env', { accounts, allow_expired: allowExpired });
  const child = spawn(cmd, args, {
    stdio: 'inherit',
    env: { ...io.env, ...answer.variables },
    shell: false,
  });
  const forwarded: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
  const forward = (signal: NodeJS.Signals) => {
    child.kill(signal);
  };
  for (const s of forwarded) process.on(s, forward);
  return new Promise<number>((resolve) => {
    child.on('error', (e: NodeJS.ErrnoException) => {
      for (const s of forwarded) process.off(s, forward);
      io.stderr(
        e.code === 'ENOENT'
          ? `tokentray: ${cmd}: command not found (give a full path or check PATH).`
          : `tokentray: could not run ${cmd} (${e.code ?? 'error'}).`,
      );
      resolve(e.code === 'ENOENT' ? 127 : 126);
    });
    child.on('exit', (code, signal) => {
      for (const s of forwarded) process.off(s, forward);
      resolve(code ?? (signal ? 128 + signalNumber(signal) : 1));
    });
  });
}

/** Loaded on first use: formatting pulls in Luxon, which `tokentray token` never needs. */
const format = () => import('./format');

async function dispatch(command: string, rest: string[], io: CliIo): Promise<number> {
  const help = COMMAND_HELP[command];
  if (!help) throw new CliError(`Unknown command "${command.slice(0, 40)}".\n\n${USAGE}`, 2);
  // exec: everything after "--" belongs to the child and is never parsed here.
  const dash = rest.indexOf('--');
  const own = command === 'exec' && dash >= 0 ? rest.slice(0, dash) : rest;
  const childArgv = command === 'exec' && dash >= 0 ? rest.slice(dash + 1) : [];
  const { values, positionals } = parse(own, {
    json: { type: 'boolean' },
    'allow-expired': { type: 'boolean' },
    format: { type: 'string' },
    timeout: { type: 'string' },
    port: { type: 'string' },
    'new-key': { type: 'string' },
  });
  if (values.help) {
    io.stdout(help);
    return 0;
  }
  const allowed: Record<string, string[]> = {
    status: ['json'],
    token: ['allow-expired'],
    env: ['format', 'allow-expired'],
    exec: ['allow-expired'],
    wait: ['timeout', 'json'],
    refresh: ['json'],
    validate: ['json'],
    login: ['json'],
    api: ['json', 'port', 'new-key'],
  };
  for (const [name, value] of Object.entries(values)) {
    if (value !== undefined && name !== 'help' && !allowed[command]?.includes(name)) {
      throw new CliError(
        `tokentray ${command} has no option --${name}. See tokentray ${command} --help.`,
        2,
      );
    }
  }
  const allowExpired = values['allow-expired'] === true;
  const backend = await pickBackend(io.env);

  switch (command) {
    case 'status': {
      const answer = await backend.run<StatusAnswer>('status', { accounts: positionals });
      io.stdout(
        values.json ? JSON.stringify(answer, null, 2) : (await format()).statusText(answer),
      );
      return answer.ready_for_session ? 0 : 1;
    }
    case 'token': {
      needAccounts(positionals, 'token', true);
      const answer = await backend.run<TokenAnswer>('token', {
        account: positionals[0],
        allow_expired: allowExpired,
      });
      io.stdout(answer.access_token);
      return 0;
    }
    case 'env': {
      needAccounts(positionals, 'env');
      const envFormat = values.format ?? 'dotenv';
      if (envFormat !== 'dotenv' && envFormat !== 'json' && envFormat !== 'shell') {
        throw new CliError('--format is dotenv, json or shell.', 2);
      }
      const answer = await backend.run<EnvAnswer>('env', {
        accounts: positionals,
        allow_expired: allowExpired,
      });
      io.stdout((await format()).formatEnv(answer.variables, envFormat));
      return 0;
    }
    case 'exec': {
      if (dash < 0)
        throw new CliError(
          'Separate the command with --: tokentray exec ACCOUNT -- CMD [ARGS…].',
          2,
        );
      needAccounts(positionals, 'exec');
      return runExec(io, backend, positionals, allowExpired, childArgv);
    }
    case 'wait': {
      needAccounts(positionals, 'wait');
      const timeoutText = typeof values.timeout === 'string' ? values.timeout : '30m';
      const { parseDuration, statusLine } = await format();
      const timeoutMs = parseDuration(timeoutText);
      if (timeoutMs === null)
        throw new CliError(
          `--timeout ${timeoutText.slice(0, 20)} is not a duration: use e.g. 90s, 30m or 2h.`,
          2,
        );
      // Resolve the names once (unknown account → exit 2 now, not after the timeout).
      const named = await backend.run<StatusAnswer>('status', { accounts: positionals });
      const ids = new Set(named.accounts.map((a) => a.account));
      let last: readonly AccountStatus[] = named.accounts;
      const ready = await backend.watch((s) => {
        last = s.accounts.filter((a) => ids.has(a.account));
        return last.length === ids.size && last.every((a) => a.ready_for_session);
      }, timeoutMs);
      if (!ready) {
        io.stderr(
          `tokentray: timed out after ${timeoutText} waiting for:\n${last
            .filter((a) => !a.ready_for_session)
            .map(statusLine)
            .join('\n')}`,
        );
        return 1;
      }
      return 0;
    }
    case 'api': {
      if (!backend.live) {
        throw new CliError(
          'TokenTray is not running: start it, then run "tokentray api" again.',
          2,
        );
      }
      const [toggle, ...more] = positionals;
      if (more.length > 0 || (toggle !== undefined && toggle !== 'on' && toggle !== 'off')) {
        throw new CliError('Use: tokentray api [on|off] [--port N] [--new-key status|token].', 2);
      }
      const port = typeof values.port === 'string' ? Number(values.port) : undefined;
      if (port !== undefined && !Number.isInteger(port)) {
        throw new CliError('--port takes a whole number from 1024 to 65535.', 2);
      }
      const state = await backend.run<LocalApiState>('local-api', {
        ...(toggle ? { enabled: toggle === 'on' } : {}),
        ...(port !== undefined ? { port } : {}),
        ...(typeof values['new-key'] === 'string' ? { new_key: values['new-key'] } : {}),
      });
      if (values.json) {
        io.stdout(JSON.stringify(state, null, 2));
        return 0;
      }
      io.stdout(
        `Local API: ${state.enabled ? 'on' : 'off'}, port ${state.port}${state.listening.length > 0 ? `, listening on ${state.listening.join(' and ')}` : state.enabled ? ' (not listening: see the log)' : ''}; keys: ${state.keys.length > 0 ? state.keys.join(', ') : 'none (make one with --new-key status|token)'}.`,
      );
      if (state.new_key) {
        io.stdout(`New ${values['new-key']} key (shown only now, copy it):\n${state.new_key}`);
      }
      return 0;
    }
    case 'refresh':
    case 'validate':
    case 'login': {
      needAccounts(positionals, command, true);
      if (command === 'login' && !backend.live) {
        throw new CliError(
          'TokenTray is not running, and only the app can open the login window: start TokenTray, then run "tokentray login" again.',
          2,
        );
      }
      const answer = await backend.run<AccountStatus>(command, { account: positionals[0] });
      io.stdout(
        values.json ? JSON.stringify(answer, null, 2) : (await format()).statusLine(answer),
      );
      return 0;
    }
  }
  return 2;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(USAGE);
    return command ? 0 : 2;
  }
  try {
    return await dispatch(command, rest, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.stderr(`tokentray: ${e.message}`);
      return e.exitCode;
    }
    // Never the raw error: it may quote a value. Its class name says enough for a bug report.
    io.stderr(
      `tokentray: unexpected ${e instanceof Error ? e.name : 'error'}; nothing was changed. Please report it.`,
    );
    return 2;
  }
}

/** Run as a program (dist-electron/cli.js, bin/tokentray.mjs, tsx electron/cli/main.ts). */
export async function run(): Promise<void> {
  const code = await main(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t + '\n'),
    stderr: (t) => process.stderr.write(t + '\n'),
    env: process.env,
  });
  process.exitCode = code;
}
