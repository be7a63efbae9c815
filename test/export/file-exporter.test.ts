/**
 * createFileExporter against real files in temp folders: permissions, backups, symlinks, locks, stale
 * temp files, clear errors that leave the previous file untouched. Crashes and cross-process races
 * are in crash.test.ts and race.test.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConcurrentChangeError,
  snapshotOf,
  writeFileAtomic,
} from '../../electron/core/export/atomic-write';
import { createCreatedFilesRegistry } from '../../electron/core/export/created-files';
import { createFileExporter } from '../../electron/core/export/file-exporter';
import { lockPathFor } from '../../electron/core/export/file-lock';
import { isTokenTrayError } from '../../electron/core/errors';
import type { ExportPayload, Logger } from '../../electron/core/ports';
import type { EnvExportTarget, ExportTarget } from '../../shared/domain';
import { childScript, disposeChildScript } from './helpers/child-bundle';
import { pythonDotenvAvailable, readWithPythonDotenv } from './helpers/python-dotenv';
import { tempDir } from './helpers/temp-dir';

afterAll(disposeChildScript);

const TOKEN = 'eyJhbGciOi.tok-en_SECRET.1';
const payload = (over: Partial<ExportPayload> = {}): ExportPayload => ({
  accountId: 'main',
  broker: 'kite',
  accessToken: TOKEN,
  issuedAt: new Date('2026-03-02T04:00:00Z'),
  expiresAt: new Date('2026-03-04T00:30:00.000Z'),
  apiKey: 'kite-api-key',
  userId: 'AB1234',
  ...over,
});
const envTarget = (path: string, over: Partial<EnvExportTarget> = {}): EnvExportTarget => ({
  kind: 'env',
  path,
  tokenKey: 'KITE_ACCESS_TOKEN',
  expiresAtKey: 'KITE_ACCESS_TOKEN_EXPIRES_AT',
  extra: { KITE_API_KEY: 'api_key' },
  ...over,
});
const mode = (path: string) => statSync(path).mode & 0o777;
/** Issue instants one second apart. */
const at = (i: number) => new Date(Date.UTC(2026, 2, 2, 4, 0, i));

/** Runs an export and returns its error (failing the test if there was none). */
async function exportError(
  target: ExportTarget,
  p: ExportPayload = payload(),
  exporter = createFileExporter(),
): Promise<Error> {
  try {
    await exporter.export(target, p);
  } catch (e) {
    expect(isTokenTrayError(e) && e.kind === 'export').toBe(true);
    expect((e as Error).message).not.toContain(p.accessToken);
    return e as Error;
  }
  throw new Error('the export was expected to fail');
}

describe('createFileExporter: .env targets', () => {
  it('creates a new file with mode 0600, no backup, readable by dotenv', async () => {
    const dir = tempDir();
    const path = join(dir, '.env');
    await createFileExporter().export(envTarget(path), payload());
    expect(mode(path)).toBe(0o600);
    expect(dotenv.parse(readFileSync(path))).toEqual({
      KITE_ACCESS_TOKEN: TOKEN,
      KITE_ACCESS_TOKEN_EXPIRES_AT: '2026-03-04T00:30:00.000Z',
      KITE_ACCESS_TOKEN_ISSUED_AT: '2026-03-02T04:00:00.000Z',
      KITE_API_KEY: 'kite-api-key',
    });
    expect(readdirSync(dir)).toEqual(['.env']);
  });

  it('backs up a file it did not create once, before the first write, with mode 0600', async () => {
    const dir = tempDir();
    const path = join(dir, '.env');
    const original = '# my bot\nKITE_ACCESS_TOKEN=old\nOTHER=1\n';
    writeFileSync(path, original, { mode: 0o644 });
    const exporter = createFileExporter();
    await exporter.export(envTarget(path), payload());
    await exporter.export(envTarget(path), payload({ accessToken: 'second-token' }));
    const backup = `${path}.tokentray-backup`;
    expect(readFileSync(backup, 'utf8')).toBe(original);
    expect(mode(backup)).toBe(0o600);
    expect(mode(path)).toBe(0o640); // world bits removed from 0644: it now holds a token
    expect(readFileSync(path, 'utf8')).toMatch(
      /^# my bot\nKITE_ACCESS_TOKEN=second-token\nOTHER=1\n/,
    );
    expect(readdirSync(dir).sort()).toEqual(['.env', '.env.tokentray-backup']);
  });

  it('remembers (across restarts, with the registry file) which files it created: no backup of those', async () => {
    const dir = tempDir();
    const path = join(dir, 'bot.env');
    const registry = join(dir, 'state', 'created-exports.json');
    mkdirSync(join(dir, 'state'));
    await createFileExporter({ createdFiles: createCreatedFilesRegistry(registry) }).export(
      envTarget(path),
      payload(),
    );
    // A new exporter (the app restarted) still knows the file is ours.
    await createFileExporter({ createdFiles: createCreatedFilesRegistry(registry) }).export(
      envTarget(path),
      payload({ accessToken: 'next' }),
    );
    expect(existsSync(`${path}.tokentray-backup`)).toBe(false);
    expect(JSON.parse(readFileSync(registry, 'utf8'))).toEqual({ version: 1, created: [path] });
  });

  it('keeps a stricter existing mode', async () => {
    const dir = tempDir();
    const path = join(dir, '.env');
    writeFileSync(path, 'A=1\n', { mode: 0o400 });
    await createFileExporter().export(envTarget(path), payload());
    expect(mode(path)).toBe(0o400);
  });

  it('follows a symlink to the real file and leaves the link a link', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'shared'));
    const real = join(dir, 'shared', 'real.env');
    writeFileSync(real, 'A=1\n');
    const link = join(dir, 'bot.env');
    symlinkSync('shared/real.env', link);
    await createFileExporter().export(envTarget(link), payload());
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('shared/real.env');
    expect(dotenv.parse(readFileSync(real)).KITE_ACCESS_TOKEN).toBe(TOKEN);
    expect(existsSync(`${real}.tokentray-backup`)).toBe(true);
    // A dangling link never creates a file (it could point anywhere): refused with its target.
    const dangling = join(dir, 'dangling.env');
    symlinkSync('shared/new.env', dangling);
    expect((await exportError(envTarget(dangling))).message).toBe(
      `Could not update ${dangling}: ${dangling} is a symbolic link to ${join(dir, 'shared', 'new.env')}, which does not exist: TokenTray writes through a link only into an existing file of yours. Create ${join(dir, 'shared', 'new.env')} first or choose it as the target. The file was left as it was.`,
    );
    expect(existsSync(join(dir, 'shared', 'new.env'))).toBe(false);
  });

  it('keeps a UTF-8 byte order mark, and updates a key of ours on the first line behind it', async () => {
    const dir = tempDir();
    const path = join(dir, '.env');
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    writeFileSync(path, Buffer.concat([bom, Buffer.from('KITE_ACCESS_TOKEN=old\nA=1\n')]));
    await createFileExporter().export(envTarget(path, { extra: {} }), payload());
    const bytes = readFileSync(path);
    expect(bytes.subarray(0, 3).equals(bom)).toBe(true);
    const text = bytes.toString('utf8');
    // No stale token left on line 1 (a `grep | head -1` reads that one) …
    expect(text).not.toContain('old');
    expect(text.startsWith(`\uFEFFKITE_ACCESS_TOKEN=${TOKEN}\nA=1\n`)).toBe(true);
    // … and both readers get the new one: python-dotenv takes the BOM into line 1's key, so the
    // key it knows by name is also written below.
    expect(dotenv.parse(text).KITE_ACCESS_TOKEN).toBe(TOKEN);
    if (pythonDotenvAvailable()) {
      const [py] = readWithPythonDotenv([text]);
      expect(py!.values.KITE_ACCESS_TOKEN).toBe(TOKEN);
      expect(py!.values.A).toBe('1');
    }
    // A BOM before anything else (the usual case) is kept and changes nothing else.
    const other = join(dir, 'other.env');
    writeFileSync(other, Buffer.concat([bom, Buffer.from('# bot\r\nA=1\r\n')]));
    await createFileExporter().export(envTarget(other, { extra: {} }), payload());
    expect(readFileSync(other, 'utf8')).toBe(
      `\uFEFF# bot\r\nA=1\r\nKITE_ACCESS_TOKEN='${TOKEN}'\r\nKITE_ACCESS_TOKEN_EXPIRES_AT='2026-03-04T00:30:00.000Z'\r\nKITE_ACCESS_TOKEN_ISSUED_AT='2026-03-02T04:00:00.000Z'\r\n`,
    );
  });

  it('writes into a folder it may write but not list (its fsync is best-effort there)', async () => {
    // A folder with -wx permissions: the rename works, but it cannot be opened to fsync it.
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const drop = join(dir, 'drop');
    mkdirSync(drop);
    const path = join(drop, '.env');
    writeFileSync(path, 'A=1\n', { mode: 0o600 });
    let outcome: { ok: boolean; message?: string };
    if (process.getuid?.() === 0) {
      // root may open any folder: run the export as `nobody`, for a real EACCES.
      chownSync(drop, 65534, 65534);
      chownSync(path, 65534, 65534);
      chmodSync(drop, 0o300);
      const script = await childScript();
      const r = spawnSync(
        process.execPath,
        [script, 'once', JSON.stringify(envTarget(path)), JSON.stringify(payload())],
        { uid: 65534, gid: 65534, encoding: 'utf8' },
      );
      outcome = JSON.parse(r.stdout) as typeof outcome;
    } else {
      chmodSync(drop, 0o300);
      outcome = await createFileExporter()
        .export(envTarget(path), payload())
        .then(
          () => ({ ok: true }),
          (e: unknown) => ({ ok: false, message: (e as Error).message }),
        );
    }
    chmodSync(drop, 0o755);
    expect(outcome).toEqual({ ok: true });
    expect(dotenv.parse(readFileSync(path)).KITE_ACCESS_TOKEN).toBe(TOKEN);
    expect(readFileSync(`${path}.tokentray-backup`, 'utf8')).toBe('A=1\n');
  });

  it('writes extra variables, and leaves one alone while its value is unknown', async () => {
    const dir = tempDir();
    const path = join(dir, '.env');
    writeFileSync(path, 'KITE_USER=keep-me\n');
    const warnings: string[] = [];
    const logger: Logger = {
      info: () => undefined,
      warn: (m) => warnings.push(m),
      error: () => undefined,
      registerSecret: () => undefined,
    };
    await createFileExporter({ logger }).export(
      envTarget(path, { extra: { KITE_API_KEY: 'api_key', KITE_USER: 'user_id' } }),
      payload({ userId: null }),
    );
    const parsed = dotenv.parse(readFileSync(path));
    expect(parsed.KITE_API_KEY).toBe('kite-api-key');
    expect(parsed.KITE_USER).toBe('keep-me');
    expect(warnings.join()).toMatch(/no value for extra variable/);
  });

  // Issue 9 #14: this failed on a quiet run (u-18 landed after u-19): resolving the path before the
  // lock took a variable time, so later calls could overtake earlier ones. Now exports of a path
  // queue in call order, and each token carries its issue instant (newest wins under the lock).
  // RACE_REPEATS=199 npx vitest run test/export/file-exporter.test.ts -t racing: 200 runs in a row.
  it(
    'two accounts racing into one file in one process: neither update is lost',
    {
      repeats: Number(process.env.RACE_REPEATS ?? 0),
    },
    async () => {
      const dir = tempDir();
      const path = join(dir, '.env');
      writeFileSync(path, '# two bots\n');
      const exporter = createFileExporter();
      const upstox = envTarget(path, {
        tokenKey: 'UPSTOX_ACCESS_TOKEN',
        expiresAtKey: 'UPSTOX_ACCESS_TOKEN_EXPIRES_AT',
        extra: {},
      });
      const kite = envTarget(path, { extra: {} });
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => [
          exporter.export(
            upstox,
            payload({ accountId: 'u', broker: 'upstox', accessToken: `u-${i}`, issuedAt: at(i) }),
          ),
          exporter.export(
            kite,
            payload({ accountId: 'k', accessToken: `k-${i}`, issuedAt: at(i) }),
          ),
        ]).flat(),
      );
      const parsed = dotenv.parse(readFileSync(path));
      expect(parsed.UPSTOX_ACCESS_TOKEN).toBe('u-19');
      expect(parsed.UPSTOX_ACCESS_TOKEN_ISSUED_AT).toBe(at(19).toISOString());
      expect(parsed.KITE_ACCESS_TOKEN).toBe('k-19');
      expect(parsed.KITE_ACCESS_TOKEN_ISSUED_AT).toBe(at(19).toISOString());
      expect(readdirSync(dir).filter((n) => !n.startsWith('.env'))).toEqual([]);
    },
  );
});

describe('createFileExporter: failures are clear and leave the file as it was', () => {
  it('a missing folder', async () => {
    const dir = tempDir();
    const e = await exportError(envTarget(join(dir, 'nope', '.env')));
    expect(e.message).toBe(
      `Could not update ${join(dir, 'nope', '.env')}: the folder ${join(dir, 'nope')} does not exist: create it or choose another file. The file was left as it was.`,
    );
  });

  it('a symlink into a missing folder names that folder', async () => {
    const dir = tempDir();
    const link = join(dir, 'bot.env');
    symlinkSync('shared/new.env', link);
    const e = await exportError(envTarget(link));
    expect(e.message).toBe(
      `Could not update ${link}: the folder ${join(dir, 'shared')} does not exist: create it or choose another file. The file was left as it was.`,
    );
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
  });

  it('a folder TokenTray may not write to', async () => {
    const dir = tempDir();
    const path = join(dir, '.env');
    const original = 'KITE_ACCESS_TOKEN=old\n';
    writeFileSync(path, original, { mode: 0o644 });
    chmodSync(dir, 0o755);
    const before = statSync(path).mtimeMs;
    let message: string;
    if (process.getuid?.() === 0) {
      // root may write anywhere: run the export as `nobody`, for a real EACCES. The file is
      // nobody's (TokenTray writes only its own user's files); the folder stays root's 0755.
      chownSync(path, 65534, 65534);
      const script = await childScript();
      const r = spawnSync(
        process.execPath,
        [script, 'once', JSON.stringify(envTarget(path)), JSON.stringify(payload())],
        { uid: 65534, gid: 65534, encoding: 'utf8' },
      );
      const out = JSON.parse(r.stdout) as { ok: boolean; message?: string };
      expect(out.ok).toBe(false);
      message = out.message!;
    } else {
      chmodSync(dir, 0o555);
      message = (await exportError(envTarget(path))).message;
      chmodSync(dir, 0o755);
    }
    expect(message).toMatch(/permission denied in .*: give your user write access to that folder/);
    expect(message).toMatch(/The file was left as it was\.$/);
    expect(message).not.toContain(TOKEN);
    expect(readFileSync(path, 'utf8')).toBe(original);
    expect(statSync(path).mtimeMs).toBe(before);
    expect(readdirSync(dir)).toEqual(['.env']);
  });

  it('a target that is a folder, a relative path, a file that is not UTF-8', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'folder.env'));
    expect((await exportError(envTarget(join(dir, 'folder.env')))).message).toMatch(
      /folder\.env is a folder, not a file: choose a file inside it/,
    );
    expect((await exportError(envTarget('bot/.env'))).message).toMatch(/use an absolute path/);
    const latin1 = join(dir, 'latin1.env');
    const bytes = Buffer.from('NAME=Jos\xe9\n', 'latin1');
    writeFileSync(latin1, bytes);
    expect((await exportError(envTarget(latin1))).message).toMatch(/not UTF-8 text/);
    expect(readFileSync(latin1).equals(bytes)).toBe(true);
  });

  it('a file no reader would read back right after an update (it names the line)', async () => {
    const dir = tempDir();
    const path = join(dir, '.env');
    const original = 'A=1\nB=\'open\nC="open\n';
    writeFileSync(path, original);
    const e = await exportError(envTarget(path), payload({ accessToken: "tok'en" }));
    expect(e.message).toMatch(/^Could not update .*: line 2: the value of B opens a ' quote/);
    expect(readFileSync(path, 'utf8')).toBe(original);
    expect(readdirSync(dir)).toEqual(['.env']); // no temp, no backup: nothing was written
  });

  it('another live process holding the lock: waits, then says who; a dead holder is ignored', async () => {
    const dir = tempDir();
    const path = join(dir, '.env');
    writeFileSync(path, 'A=1\n');
    const holder = spawn('sleep', ['30']);
    const lock = lockPathFor(path);
    writeFileSync(lock, JSON.stringify({ pid: holder.pid, host: hostname(), nonce: 'held' }));
    try {
      const exporter = createFileExporter({ lock: { timeoutMs: 300 } });
      const e = await exportError(envTarget(path), payload(), exporter);
      expect(e.message).toMatch(
        new RegExp(`another TokenTray process \\(pid ${holder.pid}\\) is still updating it`),
      );
      expect(readFileSync(path, 'utf8')).toBe('A=1\n');
    } finally {
      holder.kill('SIGKILL');
      await new Promise((r) => holder.once('exit', r));
    }
    // Its owner is gone now: the stale lock is broken and the export goes through.
    await createFileExporter({ lock: { timeoutMs: 300 } }).export(envTarget(path), payload());
    expect(dotenv.parse(readFileSync(path)).KITE_ACCESS_TOKEN).toBe(TOKEN);
    expect(existsSync(lock)).toBe(false);
  });

  it('breaks a lock left by an earlier process that had this same pid (restart after a crash)', async () => {
    const dir = tempDir();
    const path = join(dir, '.env');
    const lock = lockPathFor(path);
    // Fresh, same host, and "alive" (it is us): only the pid tells it cannot be a live holder.
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), nonce: 'crashed' }));
    await createFileExporter({ lock: { timeoutMs: 300 } }).export(envTarget(path), payload());
    expect(dotenv.parse(readFileSync(path)).KITE_ACCESS_TOKEN).toBe(TOKEN);
    expect(existsSync(lock)).toBe(false);
  });

  it('sweeps temp files of writers that died, and only those', async () => {
    const dir = tempDir();
    const path = join(dir, '.env');
    const live = spawn('sleep', ['30']);
    const dead = spawnSync('true').pid;
    // Temp names are `.<name>.tokentray-<pid>-<random>.tmp`; for `.env` that is `..env.tokentray-…`.
    const deadTemp = join(dir, `..env.tokentray-${dead}-aaaa.tmp`);
    const liveTemp = join(dir, `..env.tokentray-${live.pid}-bbbb.tmp`);
    writeFileSync(deadTemp, 'partial');
    writeFileSync(liveTemp, 'in progress');
    try {
      await createFileExporter().export(envTarget(path), payload());
      expect(existsSync(deadTemp)).toBe(false);
      expect(existsSync(liveTemp)).toBe(true);
    } finally {
      live.kill('SIGKILL');
    }
  });
});

describe('writeFileAtomic', () => {
  it('removes its temp file and keeps the target when the rename fails', async () => {
    const dir = tempDir();
    const target = join(dir, 'occupied');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'x');
    await expect(writeFileAtomic(target, 'data', { mode: 0o600 })).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['occupied']);
    expect(readdirSync(target)).toEqual(['inside']);
  });

  it('refuses to replace a file that changed since it was read', async () => {
    const dir = tempDir();
    const target = join(dir, 'f');
    writeFileSync(target, 'one');
    const seen = await snapshotOf(target);
    writeFileSync(target, 'two, by someone else');
    await expect(
      writeFileAtomic(target, 'ours', { mode: 0o600, expect: seen }),
    ).rejects.toBeInstanceOf(ConcurrentChangeError);
    expect(readFileSync(target, 'utf8')).toBe('two, by someone else');
    expect(readdirSync(dir)).toEqual(['f']);
  });
});

describe('createFileExporter: JSON targets', () => {
  it('merges into an existing file, atomically, mode 0600, with a one-time backup', async () => {
    const dir = tempDir();
    const path = join(dir, 'tokens.json');
    writeFileSync(path, '{\n  "bot": "alpha"\n}\n');
    chmodSync(path, 0o664);
    const exporter = createFileExporter();
    await exporter.export({ kind: 'json', path }, payload());
    await exporter.export(
      { kind: 'json', path },
      payload({ accountId: 'other', broker: 'upstox', accessToken: 'up-tok' }),
    );
    const data = JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, unknown>>;
    expect(data.bot).toBe('alpha');
    expect(data.kite!.access_token).toBe(TOKEN);
    expect(data.upstox!.access_token).toBe('up-tok');
    expect(mode(path)).toBe(0o660); // world bits removed from 0664, group bits kept
    expect(readFileSync(`${path}.tokentray-backup`, 'utf8')).toBe('{\n  "bot": "alpha"\n}\n');
  });

  it('keeps a byte order mark; a bare `{}` file gets readable 2-space JSON', async () => {
    const dir = tempDir();
    const path = join(dir, 'tokens.json');
    writeFileSync(path, '\uFEFF{\n    "bot": "alpha"\n}\n');
    await createFileExporter().export({ kind: 'json', path }, payload());
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith('\uFEFF{\n    "bot": "alpha",\n    "kite": {\n')).toBe(true);
    expect(
      (JSON.parse(text.slice(1)) as Record<string, Record<string, unknown>>).kite!.access_token,
    ).toBe(TOKEN);

    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '{}\n'); // echo '{}' > empty.json
    await createFileExporter().export({ kind: 'json', path: empty }, payload());
    expect(readFileSync(empty, 'utf8').startsWith('{\n  "kite": {\n    "access_token": ')).toBe(
      true,
    );
  });

  it('refuses a corrupt JSON file with its line and column, untouched', async () => {
    const dir = tempDir();
    const path = join(dir, 'tokens.json');
    writeFileSync(path, '{\n  "bot": "alpha",\n}\n');
    const e = await exportError({ kind: 'json', path });
    expect(e.message).toMatch(/the file is not valid JSON \(near line 3, column 1\)/);
    expect(readFileSync(path, 'utf8')).toBe('{\n  "bot": "alpha",\n}\n');
  });
});
