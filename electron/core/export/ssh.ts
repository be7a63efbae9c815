/**
 * SSH/SFTP export target (ssh2, no shelled-out `ssh`): the remote `.env`/JSON is rewritten exactly as
 * a local file is — download, the same format-preserving rewrite (remote-file.ts), upload — and
 * replaced atomically:
 *
 *   temp `.<name>.tokentray-<random>.tmp` in the same folder, created O_EXCL with mode 0600
 *   → write → owner/group/mode of the old file (world bits dropped) → fsync@openssh.com
 *   → check nobody changed the file meanwhile → posix-rename@openssh.com over the old file.
 *
 * A connection that drops mid-upload leaves the old file untouched (the rename never happened); the
 * orphaned temp is removed at the start of the next delivery to that file. A server without
 * posix-rename@openssh.com (OpenSSH has it since 4.8) is refused: plain SFTP rename cannot replace.
 *
 * Host key: pinned as "SHA256:…" in the (non-secret) target. Unpinned → nothing is sent; Test
 * connection shows the fingerprint for the user to confirm (without authenticating to that server).
 * A different key → refused during the handshake, before authentication; the error names both.
 * Auth: ssh-agent (SSH_AUTH_SOCK; Pageant on Windows) or a private key file whose passphrase comes
 * from the keychain. Optional "after update, run" command: exit code and stderr (secrets masked).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import ssh2, { type ConnectConfig, type SFTPWrapper, type Stats } from 'ssh2';
import { exportTargetLabel, type SshExportTarget } from '../../../shared/remote-targets';
import { TokenTrayError } from '../errors';
import { silentLogger, type ExportPayload, type Logger } from '../ports';
import { RemoteContentError, rewriteRemoteText } from './remote-file';

const { Client, utils } = ssh2;
type SshClient = InstanceType<typeof Client>;

export interface SshOptions {
  /** Handshake deadline (default 10 s). */
  readonly readyTimeoutMs?: number;
  /** Deadline for the "after update" command (default 30 s). */
  readonly commandTimeoutMs?: number;
  /** ssh-agent socket; default SSH_AUTH_SOCK ('pageant' on Windows). */
  readonly agentSocket?: string | null;
  readonly logger?: Logger;
  /** Where the after-update command's outcome goes (the activity log). */
  readonly onCommandResult?: (result: CommandResult) => void;
}

export interface CommandResult {
  readonly command: string;
  readonly exitCode: number | null;
  /** Single line, bounded, secrets masked. */
  readonly stderr: string;
}

export interface SshDeliveryResult {
  /** False when the file already held exactly this content (nothing uploaded). */
  readonly written: boolean;
  readonly remotePath: string;
  readonly command?: CommandResult;
}

const MAX_REMOTE_BYTES = 1024 * 1024;
const CHUNK = 32 * 1024;
const MAX_ATTEMPTS = 3;

/** OpenSSH's form: "SHA256:" + unpadded base64 of the SHA-256 of the key blob. */
export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

function sshError(target: SshExportTarget, reason: string): TokenTrayError {
  return new TokenTrayError('export', `SSH ${exportTargetLabel(target)}: ${reason}`);
}

// ------------------------------------------------------------------ one writer per remote file

const queues = new Map<string, Promise<unknown>>();

/** Two accounts delivering into one remote file take turns (the rewrite reads what the other wrote). */
async function serialised<T>(key: string, body: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(body, body);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  try {
    return await run;
  } finally {
    if (queues.get(key) === tail) queues.delete(key);
  }
}

// ------------------------------------------------------------------ connecting

interface Connected {
  readonly client: SshClient;
  readonly fingerprint: string;
}

async function authConfig(
  target: SshExportTarget,
  passphrase: string | null,
  options: SshOptions,
): Promise<Partial<ConnectConfig>> {
  if (target.auth === 'agent') {
    const socket =
      options.agentSocket !== undefined
        ? options.agentSocket
        : process.platform === 'win32'
          ? 'pageant'
          : (process.env.SSH_AUTH_SOCK ?? null);
    if (!socket) {
      throw sshError(
        target,
        'no ssh-agent is running for TokenTray (SSH_AUTH_SOCK is not set). Start ssh-agent and `ssh-add` your key, or choose a private key file.',
      );
    }
    return { agent: socket };
  }
  const path = target.privateKeyPath ?? '';
  let key: Buffer;
  try {
    key = await readFile(path);
  } catch {
    throw sshError(
      target,
      `the private key file ${path} cannot be read. Choose the key file again.`,
    );
  }
  const parsed = utils.parseKey(key, passphrase ?? undefined);
  if (parsed instanceof Error) {
    if (/passphrase|encrypted/i.test(parsed.message) && !passphrase) {
      throw sshError(
        target,
        'the private key is protected by a passphrase: enter it in the account form (it is kept in the keychain).',
      );
    }
    if (/passphrase|decrypt|bad/i.test(parsed.message)) {
      throw sshError(
        target,
        'the passphrase in the keychain does not open the private key. Enter it again.',
      );
    }
    throw sshError(target, `${path} is not a private key ssh2 can read (OpenSSH or PEM format).`);
  }
  return { privateKey: key, ...(passphrase ? { passphrase } : {}) };
}

type Learn = { readonly learn: true };

/**
 * Connects and authenticates. With `learn`, the host key is reported instead of checked, and the
 * handshake stops right there (nothing is sent to a server the user has not confirmed).
 */
async function connect(
  target: SshExportTarget,
  passphrase: string | null,
  options: SshOptions,
  mode: Learn | { readonly learn: false },
): Promise<Connected> {
  const pinned = target.hostKeySha256;
  if (!mode.learn && pinned === null) {
    throw sshError(
      target,
      "the server's host key is not confirmed yet, so nothing was sent. Press Test connection and confirm its fingerprint.",
    );
  }
  const auth = mode.learn ? {} : await authConfig(target, passphrase, options);
  const client = new Client();
  // A holder, not a `let`: the callback assigns it, which control-flow narrowing cannot see.
  const seen: { key: string | null } = { key: null };
  const timeout = options.readyTimeoutMs ?? 10_000;
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', reject);
      client.once('close', () => reject(new Error('connection closed during the handshake')));
      client.connect({
        host: target.host,
        port: target.port,
        username: target.username,
        readyTimeout: timeout,
        keepaliveInterval: 5_000,
        keepaliveCountMax: 2,
        hostVerifier: (key: Buffer) => {
          seen.key = hostKeyFingerprint(key);
          if (mode.learn) return false; // shown to the user; no authentication to an unconfirmed host
          return seen.key === pinned;
        },
        ...auth,
      });
    });
  } catch (e) {
    client.end();
    const presented = seen.key;
    if (presented !== null && mode.learn) return { client, fingerprint: presented };
    if (presented !== null && presented !== pinned) {
      throw sshError(
        target,
        `the server's host key has CHANGED: it presented ${presented}, but ${pinned ?? '(none)'} is pinned. Nothing was sent. If the server was reinstalled, check the new key on the server (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub) and confirm it with Test connection; otherwise someone may be intercepting the connection.`,
      );
    }
    throw describeConnectError(target, e, timeout);
  }
  return { client, fingerprint: seen.key ?? '' };
}

function describeConnectError(
  target: SshExportTarget,
  e: unknown,
  timeoutMs: number,
): TokenTrayError {
  const err = e as { level?: string; code?: string; message?: string };
  const text = `${err.level ?? ''} ${err.code ?? ''} ${err.message ?? ''}`;
  if (err.level === 'client-authentication' || /authentication methods failed/i.test(text)) {
    return sshError(
      target,
      target.auth === 'agent'
        ? `the server refused every key in the ssh-agent for user "${target.username}". Add the public key to ~${target.username}/.ssh/authorized_keys on the server.`
        : `the server refused the key for user "${target.username}". Add its public key (${target.privateKeyPath ?? ''}.pub) to ~${target.username}/.ssh/authorized_keys on the server.`,
    );
  }
  if (err.level === 'agent') {
    return sshError(
      target,
      'the ssh-agent could not be used (is it still running?). Check SSH_AUTH_SOCK.',
    );
  }
  if (/ECONNREFUSED/.test(text)) {
    return sshError(target, 'connection refused: is sshd running on that port?');
  }
  if (err.level === 'client-timeout' || /ETIMEDOUT|timed out/i.test(text)) {
    return sshError(
      target,
      `no SSH handshake within ${timeoutMs / 1000} s: check host, port and firewall.`,
    );
  }
  if (err.level === 'client-dns' || /ENOTFOUND|EAI_AGAIN/.test(text)) {
    return sshError(target, 'the host name could not be resolved.');
  }
  return sshError(target, 'the connection failed before TokenTray could log in; nothing was sent.');
}

// ------------------------------------------------------------------ SFTP, promisified

function sftpOf(client: SshClient): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) =>
    client.sftp((err, sftp) => (err ? reject(err) : resolve(sftp))),
  );
}

const call = <T>(fn: (cb: (err: Error | undefined | null, value: T) => void) => void) =>
  new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));

/**
 * Best-effort cleanup after a failure: on a dropped connection ssh2 never answers a new request, so
 * give up after a moment (the next delivery sweeps what is left).
 */
function cleanup(p: Promise<unknown>, ms = 2_000): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;
function sftpCode(e: unknown): number | undefined {
  return typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'number'
    ? e.code
    : undefined;
}

async function statOrNull(sftp: SFTPWrapper, path: string): Promise<Stats | null> {
  try {
    return await call<Stats>((cb) => sftp.stat(path, cb));
  } catch (e) {
    if (sftpCode(e) === NO_SUCH_FILE) return null;
    throw e;
  }
}

function tempPrefix(realPath: string): string {
  return `.${posix.basename(realPath)}.tokentray-`;
}

/** Removes temps an interrupted delivery left beside the file (ours only, by exact pattern). */
async function sweepTemps(sftp: SFTPWrapper, realPath: string, logger: Logger): Promise<void> {
  const dir = posix.dirname(realPath);
  const prefix = tempPrefix(realPath);
  let list: { filename: string }[];
  try {
    list = await call((cb) => sftp.readdir(dir, cb));
  } catch {
    return; // an unreadable folder: the write below will say what is wrong
  }
  for (const entry of list) {
    if (
      !entry.filename.startsWith(prefix) ||
      !/^[0-9a-f]{16}\.tmp$/.test(entry.filename.slice(prefix.length))
    ) {
      continue;
    }
    try {
      await call((cb) => sftp.unlink(posix.join(dir, entry.filename), (err) => cb(err, undefined)));
      logger.info('export: removed a temp file an interrupted SSH delivery left', {
        file: entry.filename,
      });
    } catch {
      // gone already, or not ours to remove
    }
  }
}

async function resolveRemote(sftp: SFTPWrapper, path: string): Promise<string> {
  try {
    // Follows a symlinked .env to its real file, so the rename replaces that file, not the link.
    return await call<string>((cb) => sftp.realpath(path, cb));
  } catch (e) {
    if (sftpCode(e) === NO_SUCH_FILE) return path;
    throw e;
  }
}

function describeSftpError(target: SshExportTarget, e: unknown, what: string): TokenTrayError {
  if (e instanceof TokenTrayError) return e;
  const code = sftpCode(e);
  const message = e instanceof Error ? e.message : '';
  if (code === PERMISSION_DENIED) {
    return sshError(
      target,
      `permission denied while ${what}: user "${target.username}" may not write there. The old file is unchanged.`,
    );
  }
  if (code === NO_SUCH_FILE) {
    return sshError(
      target,
      `${what}: the folder ${posix.dirname(target.path)} does not exist on the server.`,
    );
  }
  if (/not connected|No response|closed|ECONNRESET|EPIPE|keepalive/i.test(message)) {
    return sshError(
      target,
      `the connection dropped while ${what}; the old file is unchanged. TokenTray will retry.`,
    );
  }
  if (/does not support|not supported/i.test(message)) {
    return sshError(
      target,
      'the server does not support posix-rename@openssh.com (OpenSSH 4.8+ has it), so the file cannot be replaced atomically.',
    );
  }
  return sshError(
    target,
    `the server could not complete ${what} (disk full, quota or a file-size limit?); the old file is unchanged.`,
  );
}

async function writeAll(sftp: SFTPWrapper, handle: Buffer, data: Buffer): Promise<void> {
  for (let offset = 0; offset < data.length; offset += CHUNK) {
    const length = Math.min(CHUNK, data.length - offset);
    await call((cb) =>
      sftp.write(handle, data, offset, length, offset, (err) => cb(err, undefined)),
    );
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

type Outcome = 'written' | 'unchanged' | 'retry';

async function deliverOnce(
  target: SshExportTarget,
  payload: ExportPayload,
  sftp: SFTPWrapper,
  realPath: string,
  logger: Logger,
): Promise<Outcome> {
  let step = 'reading the file';
  let temp: string | null = null;
  let handle: Buffer | null = null;
  try {
    await sweepTemps(sftp, realPath, logger);
    const before = await statOrNull(sftp, realPath);
    let current: string | null = null;
    if (before) {
      if (!before.isFile())
        throw sshError(target, `${realPath} is not a regular file on the server.`);
      if (before.size > MAX_REMOTE_BYTES) {
        throw sshError(
          target,
          `${realPath} is larger than 1 MB; TokenTray will not rewrite it. Use a separate file for the token.`,
        );
      }
      const bytes = await call<Buffer>((cb) => sftp.readFile(realPath, cb));
      try {
        current = utf8.decode(bytes);
      } catch {
        throw sshError(
          target,
          `${realPath} is not UTF-8 text; save it as UTF-8 or use a separate file.`,
        );
      }
    } else {
      step = 'checking the folder';
      const dir = await statOrNull(sftp, posix.dirname(realPath));
      if (!dir?.isDirectory()) {
        throw sshError(
          target,
          `the folder ${posix.dirname(realPath)} does not exist on the server. Create it first.`,
        );
      }
    }
    let next: string;
    try {
      next = rewriteRemoteText(target, payload, current);
    } catch (e) {
      if (e instanceof RemoteContentError) throw sshError(target, `${realPath}: ${e.message}`);
      throw e;
    }
    if (current !== null && next === current) return 'unchanged';

    step = 'creating the temp file';
    temp = posix.join(
      posix.dirname(realPath),
      `${tempPrefix(realPath)}${randomBytes(8).toString('hex')}.tmp`,
    );
    const tempPath = temp;
    handle = await call<Buffer>((cb) => sftp.open(tempPath, 'wx', { mode: 0o600 }, cb));
    const h = handle;
    step = 'uploading';
    await writeAll(sftp, h, Buffer.from(next, 'utf8'));
    if (before) {
      step = 'keeping the owner and mode';
      const mine = await call<Stats>((cb) => sftp.fstat(h, cb));
      if (mine.uid !== before.uid || mine.gid !== before.gid) {
        try {
          await call((cb) => sftp.fchown(h, before.uid, before.gid, (err) => cb(err, undefined)));
        } catch {
          throw sshError(
            target,
            `${realPath} belongs to uid ${before.uid}/gid ${before.gid}, and user "${target.username}" cannot give the new file that owner, so the bot could lose access. Log in as the file's owner, or make the file theirs. The old file is unchanged.`,
          );
        }
      }
      // World bits go (the file holds a token); owner and group bits stay as they were.
      const mode = before.mode & 0o770;
      if ((before.mode & 0o007) !== 0) {
        logger.warn('export: removed world access from the remote file', { path: realPath });
      }
      await call((cb) => sftp.fchmod(h, mode, (err) => cb(err, undefined)));
    }
    step = 'syncing';
    try {
      await call((cb) => sftp.ext_openssh_fsync(h, (err) => cb(err, undefined)));
    } catch (e) {
      if (!/not supported|does not support/i.test(e instanceof Error ? e.message : '')) throw e;
    }
    await call((cb) => sftp.close(h, (err) => cb(err, undefined)));
    handle = null;
    // Someone changed the file since we read it: read again rather than overwrite their change.
    const now = await statOrNull(sftp, realPath);
    if (before && (!now || now.mtime !== before.mtime || now.size !== before.size)) {
      await call((cb) => sftp.unlink(tempPath, (err) => cb(err, undefined))).catch(() => undefined);
      temp = null;
      return 'retry';
    }
    step = 'replacing the file';
    await call((cb) => sftp.ext_openssh_rename(tempPath, realPath, (err) => cb(err, undefined)));
    temp = null;
    return 'written';
  } catch (e) {
    if (handle) {
      const h = handle;
      await cleanup(call((cb) => sftp.close(h, (err) => cb(err, undefined))));
    }
    if (temp) {
      const t = temp;
      await cleanup(call((cb) => sftp.unlink(t, (err) => cb(err, undefined))));
    }
    throw describeSftpError(target, e, step);
  }
}

// ------------------------------------------------------------------ after-update command

/** One line, at most 300 characters, with every secret replaced by a mask. */
export function maskOutput(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join('••••');
  out = [...out]
    .map((c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c))
    .join('');
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > 300 ? `${out.slice(0, 299)}…` : out;
}

function runCommand(
  client: SshClient,
  command: string,
  timeoutMs: number,
  secrets: readonly string[],
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err) return reject(err);
      let stderr = '';
      const timer = setTimeout(() => {
        stream.close();
        resolve({
          command,
          exitCode: null,
          stderr: maskOutput(`timed out after ${timeoutMs / 1000} s ${stderr}`, secrets),
        });
      }, timeoutMs);
      stream.on('data', () => undefined); // stdout is not kept
      stream.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < 4096) stderr += chunk.toString('utf8');
      });
      stream.on('close', (code: number | null) => {
        clearTimeout(timer);
        resolve({
          command,
          exitCode: typeof code === 'number' ? code : null,
          stderr: maskOutput(stderr, secrets),
        });
      });
    });
  });
}

// ------------------------------------------------------------------ the target

export async function deliverSsh(
  target: SshExportTarget,
  payload: ExportPayload,
  passphrase: string | null,
  options: SshOptions = {},
): Promise<SshDeliveryResult> {
  const logger = options.logger ?? silentLogger;
  const key = `${target.username}@${target.host}:${target.port}${target.path}`;
  return serialised(key, async () => {
    const { client } = await connect(target, passphrase, options, { learn: false });
    try {
      let sftp: SFTPWrapper;
      let realPath: string;
      try {
        sftp = await sftpOf(client);
        realPath = await resolveRemote(sftp, target.path);
      } catch (e) {
        throw describeSftpError(target, e, 'opening SFTP');
      }
      let outcome: Outcome = 'retry';
      for (let attempt = 1; attempt <= MAX_ATTEMPTS && outcome === 'retry'; attempt++) {
        outcome = await deliverOnce(target, payload, sftp, realPath, logger);
      }
      if (outcome === 'retry') {
        throw sshError(
          target,
          `${realPath} kept changing on the server while TokenTray wrote; try again.`,
        );
      }
      logger.info('export: ssh updated', {
        target: exportTargetLabel(target),
        written: outcome === 'written',
      });
      let command: CommandResult | undefined;
      if (target.afterCommand) {
        const secrets = [payload.accessToken, ...(passphrase ? [passphrase] : [])];
        command = await runCommand(
          client,
          target.afterCommand,
          options.commandTimeoutMs ?? 30_000,
          secrets,
        ).catch(() => ({
          command: target.afterCommand ?? '',
          exitCode: null,
          stderr: 'the command could not be started',
        }));
        options.onCommandResult?.(command);
        if (command.exitCode !== 0) {
          throw sshError(
            target,
            `the file was updated, but the after-update command exited with ${command.exitCode ?? 'no code'}${command.stderr ? `: ${command.stderr}` : ''}`,
          );
        }
      }
      return {
        written: outcome === 'written',
        remotePath: realPath,
        ...(command ? { command } : {}),
      };
    } finally {
      client.end();
    }
  });
}

export interface SshTestResult {
  /** What the server presented. */
  readonly fingerprint: string;
  /** True when that is the pinned key and logging in, writing and renaming in the folder worked. */
  readonly verified: boolean;
  readonly message: string;
}

/**
 * Test connection. Unpinned: returns the server's fingerprint for the user to confirm (no login).
 * Pinned: logs in and proves the folder takes a 0600 temp file and a posix-rename, then removes it.
 */
export async function testSsh(
  target: SshExportTarget,
  passphrase: string | null,
  options: SshOptions = {},
): Promise<SshTestResult> {
  if (target.hostKeySha256 === null) {
    const { fingerprint } = await connect(target, passphrase, options, { learn: true });
    if (!fingerprint) throw sshError(target, 'the server did not present a host key.');
    return {
      fingerprint,
      verified: false,
      message: `The server presents host key ${fingerprint}. Compare it with \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\` on the server, then confirm it to pin it.`,
    };
  }
  const { client, fingerprint } = await connect(target, passphrase, options, { learn: false });
  try {
    const sftp = await sftpOf(client);
    const dir = posix.dirname(await resolveRemote(sftp, target.path));
    const a = posix.join(dir, `.tokentray-test-${randomBytes(8).toString('hex')}.tmp`);
    const b = `${a}.renamed`;
    let step = 'creating a test file';
    try {
      const h = await call<Buffer>((cb) => sftp.open(a, 'wx', { mode: 0o600 }, cb));
      await call((cb) => sftp.close(h, (err) => cb(err, undefined)));
      step = 'renaming a test file';
      await call((cb) => sftp.ext_openssh_rename(a, b, (err) => cb(err, undefined)));
      await call((cb) => sftp.unlink(b, (err) => cb(err, undefined)));
    } catch (e) {
      await cleanup(call((cb) => sftp.unlink(a, (err) => cb(err, undefined))));
      throw describeSftpError(target, e, step);
    }
    return {
      fingerprint,
      verified: true,
      message: `Logged in to ${exportTargetLabel(target)} (host key ${fingerprint}); the folder accepts TokenTray's atomic replace.`,
    };
  } finally {
    client.end();
  }
}
