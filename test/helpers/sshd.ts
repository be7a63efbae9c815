/**
 * A real OpenSSH server as a test child (ci-recipe.md "Remote-delivery test servers"): `sshd -D` on
 * 127.0.0.1 and a free port, with a throw-away ed25519 host key, an authorized_keys file and its own
 * config, so it never touches the machine's sshd. Users: root (the CI user) and `nobody`, whose
 * writes the kernel checks (root's would not be), for permission faults. `fileSizeLimitKb` starts it
 * under `ulimit -f` with SIGXFSZ ignored: writes past the limit fail with EFBIG, as on a full disk.
 * Stop it (kill by pid) in afterAll.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, killChild, waitForPort } from './redis-server';

export interface UserKey {
  readonly privateKeyPath: string;
  readonly publicKey: string;
  readonly passphrase: string;
}

export interface TestSshd {
  readonly port: number;
  readonly pid: number;
  readonly dir: string;
  /** SHA256:… of the host key, as `ssh-keygen -lf` prints it. */
  readonly hostKeySha256: string;
  readonly logFile: string;
  log(): string;
  stop(): Promise<void>;
}

/** An ed25519 key pair (optionally with a passphrase), made with the machine's ssh-keygen. */
export function makeUserKey(dir: string, name: string, passphrase = ''): UserKey {
  const path = join(dir, name);
  const r = spawnSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    passphrase,
    '-C',
    name,
    '-f',
    path,
  ]);
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr.toString()}`);
  chmodSync(path, 0o600);
  return {
    privateKeyPath: path,
    publicKey: readFileSync(`${path}.pub`, 'utf8').trim(),
    passphrase,
  };
}

/** SHA256:<base64 without padding> of an OpenSSH public key line. */
export function fingerprintOf(publicKeyLine: string): string {
  const blob = Buffer.from(publicKeyLine.split(/\s+/)[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export interface SshdOptions {
  readonly authorizedKeys: readonly string[];
  readonly fileSizeLimitKb?: number;
}

export async function startSshd(options: SshdOptions): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'tokentray-sshd-'));
  chmodSync(dir, 0o755);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = join(dir, 'hostkey');
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  const authorized = join(dir, 'authorized_keys');
  // Readable by nobody too (StrictModes is off); it holds public keys only.
  writeFileSync(authorized, options.authorizedKeys.join('\n') + '\n', { mode: 0o644 });
  chmodSync(authorized, 0o644);
  const port = await freePort();
  const logFile = join(dir, 'sshd.log');
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `AuthorizedKeysFile ${authorized}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      'StrictModes no',
      `PidFile ${join(dir, 'sshd.pid')}`,
      'Subsystem sftp internal-sftp',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  const sshd = ['/usr/sbin/sshd', '-D', '-f', config, '-E', logFile];
  let child: ChildProcess;
  if (options.fileSizeLimitKb !== undefined) {
    // exec keeps the pid; an ignored signal stays ignored across exec, so writes get EFBIG.
    child = spawn(
      'bash',
      ['-c', `trap '' XFSZ; ulimit -f ${options.fileSizeLimitKb}; exec "$@"`, 'sshd', ...sshd],
      { stdio: 'ignore' },
    );
  } else {
    child = spawn(sshd[0]!, sshd.slice(1), { stdio: 'ignore' });
  }
  try {
    await waitForPort(port, child, 'sshd');
  } catch (e) {
    await killChild(child);
    const log = (() => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    })();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${(e as Error).message}\n${log}`, { cause: e });
  }
  return {
    port,
    pid: child.pid!,
    dir,
    hostKeySha256: fingerprintOf(readFileSync(`${hostKey}.pub`, 'utf8')),
    logFile,
    log: () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
    stop: async () => {
      await killChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
