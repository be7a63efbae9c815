/**
 * SSH/SFTP target against a real `sshd -D` on loopback (temp host key, config and port). The bot's
 * side is read the way a bot on the VPS reads it: the file fetched back over SSH, parsed by npm
 * dotenv and python-dotenv. Faults: unpinned and changed host keys (nothing sent), refused auth,
 * passphrase keys, ssh-agent, a connection cut mid-upload by a real TCP proxy, a file-size limit on
 * the server (as a full disk), permission denied and an owner that cannot be kept, a failing
 * after-update command whose stderr would show the token.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverSsh, testSsh, type CommandResult } from '../../electron/core/export/ssh';
import type { ExportPayload } from '../../electron/core/ports';
import { sshExportTargetSchema, type SshExportTarget } from '../../shared/remote-targets';
import { readWithPythonDotenv } from '../export/helpers/python-dotenv';
import { killChild } from '../helpers/redis-server';
import { RecordingLogger } from '../helpers/recording-logger';
import { makeUserKey, startSshd, type TestSshd, type UserKey } from '../helpers/sshd';

const TOKEN = 'fake-access-token-SSH-0123456789abcdefXYZ';
const OLD = 'fake-old-token-SSH-00000000000000000000';
const PASSPHRASE = 'fake key passphrase 0001';

function payload(token = TOKEN): ExportPayload {
  return {
    accountId: 'upstox-main',
    broker: 'upstox',
    accessToken: token,
    issuedAt: new Date('2026-12-01T03:00:00.000Z'),
    expiresAt: new Date('2026-12-01T22:00:00.000Z'),
    apiKey: 'fake-api-key',
    userId: 'AB1234',
  };
}

let work: string;
let keys: { plain: UserKey; pass: UserKey; stranger: UserKey };
let sshd: TestSshd;
let limited: TestSshd;
const children: ChildProcess[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tokentray-ssh-test-'));
  chmodSync(work, 0o755);
  const keyDir = join(work, 'keys');
  mkdirSync(keyDir, { mode: 0o700 });
  keys = {
    plain: makeUserKey(keyDir, 'plain'),
    pass: makeUserKey(keyDir, 'pass', PASSPHRASE),
    stranger: makeUserKey(keyDir, 'stranger'),
  };
  const authorizedKeys = [keys.plain.publicKey, keys.pass.publicKey];
  [sshd, limited] = await Promise.all([
    startSshd({ authorizedKeys }),
    startSshd({ authorizedKeys, fileSizeLimitKb: 2 }),
  ]);
}, 30_000);

afterAll(async () => {
  await Promise.all([sshd?.stop(), limited?.stop(), ...children.map((c) => killChild(c))]);
  if (work) rmSync(work, { recursive: true, force: true });
});

function target(
  overrides: Partial<SshExportTarget> & { path: string },
  server = sshd,
): SshExportTarget {
  return sshExportTargetSchema.parse({
    kind: 'ssh',
    host: '127.0.0.1',
    port: server.port,
    username: 'root',
    tokenKey: 'UPSTOX_ACCESS_TOKEN',
    expiresAtKey: 'UPSTOX_ACCESS_TOKEN_EXPIRES_AT',
    extra: { UPSTOX_USER_ID: 'user_id' },
    auth: 'key',
    privateKeyPath: keys.plain.privateKeyPath,
    hostKeySha256: server.hostKeySha256,
    ...overrides,
  });
}

/** A bot on the VPS: reads the file over SSH (its own connection, its own key). */
async function readOverSsh(path: string, server = sshd): Promise<string> {
  const client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve).once('error', reject);
    client.connect({
      host: '127.0.0.1',
      port: server.port,
      username: 'root',
      privateKey: readFileSync(keys.plain.privateKeyPath),
    });
  });
  try {
    const sftp = await new Promise<ssh2.SFTPWrapper>((resolve, reject) =>
      client.sftp((e, s) => (e ? reject(e) : resolve(s))),
    );
    const data = await new Promise<Buffer>((resolve, reject) =>
      sftp.readFile(path, (e, d) => (e ? reject(e) : resolve(d))),
    );
    return data.toString('utf8');
  } finally {
    client.end();
  }
}

function folder(name: string, mode = 0o755): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, mode);
  return dir;
}

const ORIGINAL = [
  '# bot config',
  'export BROKER=upstox',
  `UPSTOX_ACCESS_TOKEN="${OLD}"`,
  "NOTE='keep me' # inline",
  '',
].join('\r\n');

function tempsIn(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.includes('.tokentray-'));
}

describe('ssh target: delivery', () => {
  it('rewrites the remote .env in place, atomically; both dotenv readers see the new token', async () => {
    const dir = folder('env');
    const path = join(dir, '.env');
    writeFileSync(path, ORIGINAL, { mode: 0o640 });
    chmodSync(path, 0o640);
    const logger = new RecordingLogger();
    const result = await deliverSsh(target({ path }), payload(), null, { logger });
    expect(result.written).toBe(true);

    const text = await readOverSsh(path);
    const npm = parseDotenv(text);
    const [python] = readWithPythonDotenv([text]);
    for (const values of [npm, python!.values]) {
      expect(values.UPSTOX_ACCESS_TOKEN).toBe(TOKEN);
      expect(values.UPSTOX_ACCESS_TOKEN_EXPIRES_AT).toBe('2026-12-01T22:00:00.000Z');
      expect(values.UPSTOX_USER_ID).toBe('AB1234');
      expect(values.NOTE).toBe('keep me');
      expect(values.BROKER).toBe('upstox');
    }
    // Everything that is not ours is byte for byte as it was (CRLF, comment, export prefix).
    expect(text.startsWith('# bot config\r\nexport BROKER=upstox\r\nUPSTOX_ACCESS_TOKEN=')).toBe(
      true,
    );
    expect(text).toContain("NOTE='keep me' # inline\r\n");
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(tempsIn(dir)).toEqual([]);
    expect(logger.text()).not.toContain(TOKEN);
  });

  it('creates a missing JSON file with mode 0600', async () => {
    const dir = folder('json');
    const path = join(dir, 'tokens.json');
    await deliverSsh(target({ path, format: 'json' }), payload(), null);
    const data = JSON.parse(await readOverSsh(path)) as { upstox: { access_token: string } };
    expect(data.upstox.access_token).toBe(TOKEN);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('drops world access of an existing file and keeps the rest of its mode', async () => {
    const dir = folder('world');
    const path = join(dir, '.env');
    writeFileSync(path, ORIGINAL);
    chmodSync(path, 0o644);
    await deliverSsh(target({ path }), payload(), null);
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it('a passphrase-protected key works with its passphrase, and says what is missing without it', async () => {
    const dir = folder('pass');
    const path = join(dir, '.env');
    const t = target({ path, privateKeyPath: keys.pass.privateKeyPath });
    await expect(deliverSsh(t, payload(), null)).rejects.toThrow(/protected by a passphrase/);
    await expect(deliverSsh(t, payload(), 'fake-wrong-passphrase')).rejects.toThrow(
      /does not open the private key/,
    );
    await deliverSsh(t, payload(), PASSPHRASE);
    expect(parseDotenv(await readOverSsh(path)).UPSTOX_ACCESS_TOKEN).toBe(TOKEN);
  });

  it('logs in with the ssh-agent', async () => {
    const sock = join(work, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    children.push(agent);
    for (let i = 0; i < 200 && !existsSocket(sock); i++)
      await new Promise((r) => setTimeout(r, 10));
    const add = spawnSync('ssh-add', [keys.plain.privateKeyPath], {
      env: { ...process.env, SSH_AUTH_SOCK: sock },
    });
    expect(add.status).toBe(0);
    const dir = folder('agent');
    const path = join(dir, '.env');
    await deliverSsh(target({ path, auth: 'agent', privateKeyPath: undefined }), payload(), null, {
      agentSocket: sock,
    });
    expect(parseDotenv(await readOverSsh(path)).UPSTOX_ACCESS_TOKEN).toBe(TOKEN);
  });

  it('runs the after-update command; a failure shows its exit code and masked stderr', async () => {
    const dir = folder('command');
    const path = join(dir, '.env');
    const results: CommandResult[] = [];
    await deliverSsh(target({ path, afterCommand: `test -s ${path}` }), payload(), null, {
      onCommandResult: (r) => results.push(r),
    });
    expect(results).toEqual([{ command: `test -s ${path}`, exitCode: 0, stderr: '' }]);

    const leak = `grep UPSTOX_ACCESS_TOKEN= ${path} >&2; exit 3`;
    const err = (await deliverSsh(target({ path, afterCommand: leak }), payload(), null, {
      onCommandResult: (r) => results.push(r),
    }).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(
      /the file was updated, but the after-update command exited with 3: UPSTOX_ACCESS_TOKEN=/,
    );
    expect(err.message).toContain('••••');
    expect(err.message).not.toContain(TOKEN);
    expect(results[1]?.exitCode).toBe(3);
    expect(results[1]?.stderr).not.toContain(TOKEN);
  });
});

describe('ssh target: host key', () => {
  it('Test connection shows the fingerprint of an unpinned server without logging in; delivery refuses', async () => {
    const before = sshd.log();
    const result = await testSsh(target({ path: '/tmp/x.env', hostKeySha256: null }), null);
    expect(result).toMatchObject({ fingerprint: sshd.hostKeySha256, verified: false });
    const dir = folder('unpinned');
    const path = join(dir, '.env');
    await expect(
      deliverSsh(target({ path, hostKeySha256: null }), payload(), null),
    ).rejects.toThrow(/host key is not confirmed yet, so nothing was sent/);
    expect(sshd.log().slice(before.length)).not.toMatch(/Accepted publickey/);
  });

  it('Test connection of a pinned server logs in and proves the folder takes an atomic replace', async () => {
    const dir = folder('testconn');
    const result = await testSsh(target({ path: join(dir, '.env') }), null);
    expect(result.verified).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a changed host key is refused before login, naming both fingerprints; nothing is sent', async () => {
    const dir = folder('changed');
    const path = join(dir, '.env');
    writeFileSync(path, ORIGINAL, { mode: 0o600 });
    const pinned = 'SHA256:' + 'A'.repeat(43);
    const before = sshd.log();
    const err = (await deliverSsh(target({ path, hostKeySha256: pinned }), payload(), null).catch(
      (e: unknown) => e,
    )) as Error;
    expect(err.message).toContain('host key has CHANGED');
    expect(err.message).toContain(sshd.hostKeySha256);
    expect(err.message).toContain(pinned);
    expect(readFileSync(path, 'utf8')).toBe(ORIGINAL);
    expect(sshd.log().slice(before.length)).not.toMatch(/Accepted|Failed publickey/);
    await expect(testSsh(target({ path, hostKeySha256: pinned }), null)).rejects.toThrow(/CHANGED/);
  });
});

describe('ssh target: faults leave the old file', () => {
  it('auth refused: a key the server does not know', async () => {
    const dir = folder('refused');
    const path = join(dir, '.env');
    writeFileSync(path, ORIGINAL, { mode: 0o600 });
    await expect(
      deliverSsh(target({ path, privateKeyPath: keys.stranger.privateKeyPath }), payload(), null),
    ).rejects.toThrow(/the server refused the key for user "root"/);
    expect(readFileSync(path, 'utf8')).toBe(ORIGINAL);
  });

  it('connection dropped mid-upload: old token stays; the next delivery leaves no temp file', async () => {
    const dir = folder('drop');
    const path = join(dir, '.env');
    // Big enough that the upload spans many packets after the download.
    const filler = Array.from({ length: 3000 }, (_, i) => `FILLER_${i}=${'x'.repeat(60)}`).join(
      '\n',
    );
    const original = `UPSTOX_ACCESS_TOKEN=${OLD}\n${filler}\n`;
    writeFileSync(path, original, { mode: 0o600 });
    const proxy = await cuttingProxy(sshd.port, original.length, 64 * 1024);
    try {
      const err = (await deliverSsh(target({ path, port: proxy.port }), payload(), null, {
        readyTimeoutMs: 5_000,
      }).catch((e: unknown) => e)) as Error;
      expect(proxy.cut()).toBe(true);
      expect(err.message).toMatch(
        /the connection dropped while uploading; the old file is unchanged/,
      );
    } finally {
      proxy.close();
    }
    expect(parseDotenv(await readOverSsh(path)).UPSTOX_ACCESS_TOKEN).toBe(OLD);
    expect(readFileSync(path, 'utf8')).toBe(original);
    // The server may keep the half-written temp; the next delivery removes it.
    await deliverSsh(target({ path }), payload(), null);
    expect(parseDotenv(await readOverSsh(path)).UPSTOX_ACCESS_TOKEN).toBe(TOKEN);
    expect(tempsIn(dir)).toEqual([]);
  });

  it('a file-size limit on the server (as a full disk): refused, old file and no temp left', async () => {
    const dir = folder('full');
    const path = join(dir, '.env');
    const original = `UPSTOX_ACCESS_TOKEN=${OLD}\n${'# padding\n'.repeat(150)}`; // ~1.5 KB
    writeFileSync(path, original + '#'.repeat(600) + '\n', { mode: 0o600 });
    const before = readFileSync(path, 'utf8');
    const err = (await deliverSsh(target({ path }, limited), payload(), null).catch(
      (e: unknown) => e,
    )) as Error;
    expect(err.message).toMatch(
      /could not complete uploading \(disk full, quota or a file-size limit\?\); the old file is unchanged/,
    );
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(tempsIn(dir)).toEqual([]);
  });

  it('permission denied for the login user: said plainly, old file kept', async () => {
    const dir = folder('root-only', 0o755);
    const path = join(dir, '.env');
    writeFileSync(path, ORIGINAL);
    chmodSync(path, 0o644);
    await expect(deliverSsh(target({ path, username: 'nobody' }), payload(), null)).rejects.toThrow(
      /permission denied while creating the temp file: user "nobody" may not write there/,
    );
    expect(readFileSync(path, 'utf8')).toBe(ORIGINAL);
  });

  it('an owner the login user cannot keep is refused rather than locking the bot out', async () => {
    const dir = folder('shared', 0o777);
    const path = join(dir, '.env');
    writeFileSync(path, ORIGINAL);
    chmodSync(path, 0o644);
    chownSync(path, 0, 0);
    await expect(deliverSsh(target({ path, username: 'nobody' }), payload(), null)).rejects.toThrow(
      /belongs to uid 0\/gid 0, and user "nobody" cannot give the new file that owner/,
    );
    expect(readFileSync(path, 'utf8')).toBe(ORIGINAL);
    expect(tempsIn(dir)).toEqual([]);
  });
});

function existsSocket(path: string): boolean {
  try {
    return statSync(path).isSocket();
  } catch {
    return false;
  }
}

/**
 * A TCP proxy that cuts both directions once the client has received `downloadBytes` from the server
 * (the file was downloaded) and then sent `uploadBytes` more (the upload is under way).
 */
async function cuttingProxy(
  targetPort: number,
  downloadBytes: number,
  uploadBytes: number,
): Promise<{ port: number; cut(): boolean; close(): void }> {
  let didCut = false;
  const sockets: Socket[] = [];
  const server: Server = createServer((client) => {
    const upstream = netConnect(targetPort, '127.0.0.1');
    sockets.push(client, upstream);
    let down = 0;
    let upAfter = 0;
    const cut = () => {
      didCut = true;
      client.destroy();
      upstream.destroy();
    };
    upstream.on('data', (d: Buffer) => {
      down += d.length;
      client.write(d);
    });
    client.on('data', (d: Buffer) => {
      if (down >= downloadBytes) {
        upAfter += d.length;
        if (upAfter >= uploadBytes) return cut();
      }
      upstream.write(d);
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    cut: () => didCut,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}
