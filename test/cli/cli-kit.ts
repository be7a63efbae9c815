/**
 * Runs the real `tokentray` CLI as a child process: built once per test file with the project's own
 * Vite config (mode cli) into node_modules/.cache (so its external imports resolve), then started
 * with `node cli.js …` and an environment that points it at the test's settings folder, keychain
 * service, socket and broker simulator. Every child is killed by pid after the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach } from 'vitest';
import { build } from 'vite';
import type { ApiApp } from '../api/api-kit';

const children = new Set<ChildProcess>();
afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.pid) process.kill(c.pid, 'SIGKILL');
  children.clear();
});

let built: Promise<string> | undefined;
const outDir = resolve('node_modules/.cache/tokentray-cli-test', String(process.pid));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

export function buildCli(): Promise<string> {
  built ??= (async () => {
    mkdirSync(outDir, { recursive: true });
    await build({
      configFile: resolve('vite.electron.config.ts'),
      mode: 'cli',
      logLevel: 'silent',
      build: { outDir, sourcemap: false },
    });
    return join(outDir, 'cli.js');
  })();
  return built;
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliEnvOptions {
  /** Talk to the app over its socket (default) or pretend it is not running. */
  readonly withApp?: boolean;
  readonly extra?: Record<string, string>;
}

export function cliEnv(a: ApiApp, options: CliEnvOptions = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS,
    XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR,
    XDG_DATA_HOME: process.env.XDG_DATA_HOME,
    TOKENTRAY_CONFIG_DIR: a.h.dir,
    TOKENTRAY_KEYCHAIN_SERVICE: a.keychainService,
    TOKENTRAY_SOCKET:
      options.withApp === false ? join(a.runtimeDir, 'no-app', 'cli.sock') : a.socketPath,
    TOKENTRAY_BROKER_BASE_URLS: JSON.stringify(a.h.sim.baseUrls),
    ...options.extra,
  };
}

export interface RunningCli {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
}

export async function startCli(args: string[], env: NodeJS.ProcessEnv): Promise<RunningCli> {
  const cli = await buildCli();
  const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<CliResult>((resolveDone) => {
    child.on('close', (code, signal) => resolveDone({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return (await startCli(args, env)).done;
}
