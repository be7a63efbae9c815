/**
 * A real gnome-keyring on a private D-Bus session of its own, for tests that lock and unlock the
 * keyring: locking the shared test keyring (scripts/with-keyring.sh) would break the test files that
 * run beside them. Point this process at it (`useInThisProcess()`) before keytar is first used — each
 * vitest file runs in a process of its own, and libsecret connects once, on first use.
 *
 *   lock()    org.freedesktop.Secret.Service.Lock on the login collection (as a screen lock does)
 *   unlock()  the password through gnome-keyring's control socket (as PAM does at login)
 *
 * Both daemons are children of this process, killed by pid in stop().
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PASSWORD = 'tokentray-private-test-keyring';
const LOGIN = '/org/freedesktop/secrets/collection/login';

export const privateKeyringTools = [
  '/usr/bin/dbus-daemon',
  '/usr/bin/dbus-send',
  '/usr/bin/gnome-keyring-daemon',
].every((p) => existsSync(p));

export interface PrivateKeyring {
  readonly address: string;
  /** Makes this process's keytar talk to this keyring (call before keytar's first use). */
  useInThisProcess(): void;
  lock(): Promise<void>;
  unlock(): Promise<void>;
  stop(): Promise<void>;
}

function kill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, 2_000).unref();
  });
}

export async function startPrivateKeyring(): Promise<PrivateKeyring> {
  const dir = mkdtempSync(join(tmpdir(), 'tokentray-private-keyring-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_DATA_HOME: join(dir, 'data'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_RUNTIME_DIR: join(dir, 'run'),
  };
  for (const d of ['data', 'config', 'run'])
    mkdirSync(join(dir, d), { recursive: true, mode: 0o700 });
  delete env.DISPLAY;
  const address = `unix:path=${join(dir, 'bus')}`;
  let bus: ChildProcess | undefined;
  let keyring: ChildProcess | undefined;
  const stop = async () => {
    await kill(keyring);
    await kill(bus);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    bus = spawn('dbus-daemon', ['--session', '--nofork', '--nopidfile', `--address=${address}`], {
      env,
      stdio: 'ignore',
    });
    env.DBUS_SESSION_BUS_ADDRESS = address;
    const busEnv = { ...env };
    // The bus must be up before the keyring daemon connects to it.
    await waitFor(async () => {
      await run(
        'dbus-send',
        [
          '--session',
          '--print-reply',
          '--dest=org.freedesktop.DBus',
          '/org/freedesktop/DBus',
          'org.freedesktop.DBus.GetId',
        ],
        { env: busEnv },
      );
      return true;
    });
    keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
      env: busEnv,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    keyring.stdin?.end(PASSWORD);
    // Until org.freedesktop.secrets has an owner, a client call would auto-start a second daemon.
    await waitFor(async () => {
      const { stdout } = await run(
        'dbus-send',
        [
          '--session',
          '--print-reply',
          '--dest=org.freedesktop.DBus',
          '/org/freedesktop/DBus',
          'org.freedesktop.DBus.NameHasOwner',
          'string:org.freedesktop.secrets',
        ],
        { env: busEnv },
      );
      return stdout.includes('boolean true');
    });
  } catch (e) {
    await stop();
    throw e;
  }

  return {
    address,
    useInThisProcess() {
      process.env.DBUS_SESSION_BUS_ADDRESS = address;
      delete process.env.DISPLAY;
    },
    async lock() {
      await run(
        'dbus-send',
        [
          '--session',
          '--print-reply',
          '--dest=org.freedesktop.secrets',
          '/org/freedesktop/secrets',
          'org.freedesktop.Secret.Service.Lock',
          `array:objpath:${LOGIN}`,
        ],
        { env },
      );
    },
    unlock: () => unlockThroughControlSocket(join(dir, 'run', 'keyring', 'control')),
    stop,
  };
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  let last: unknown;
  for (let i = 0; i < 100; i += 1) {
    try {
      if (await check()) return;
    } catch (e) {
      last = e;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(
    `private keyring did not start in 5 s${last instanceof Error ? `: ${last.message}` : ''}`,
  );
}

/**
 * gnome-keyring's control protocol (daemon/control/gkd-control-client.c): one credentials byte, then
 * a packet of big-endian uint32s — total length, op (1 = unlock), password length — and the password;
 * the answer is length (8) and a result (0 = ok).
 */
function unlockThroughControlSocket(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const password = Buffer.from(PASSWORD, 'utf8');
    const socket = connect(path);
    let answer = Buffer.alloc(0);
    socket.on('connect', () => {
      const packet = Buffer.alloc(1 + 12 + password.length);
      packet.writeUInt8(0, 0);
      packet.writeUInt32BE(12 + password.length, 1);
      packet.writeUInt32BE(1, 5);
      packet.writeUInt32BE(password.length, 9);
      password.copy(packet, 13);
      socket.write(packet);
    });
    socket.on('data', (chunk) => {
      answer = Buffer.concat([answer, chunk]);
      if (answer.length < 8) return;
      socket.end();
      const result = answer.readUInt32BE(4);
      if (result === 0) resolve();
      else reject(new Error(`gnome-keyring refused to unlock (result ${result})`));
    });
    socket.on('error', reject);
  });
}
