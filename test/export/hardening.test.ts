/**
 * Issue 9 (hardening), items 4, 5, 7, 12, 13 and 14, against real parts: files of a second user and
 * group with POSIX ACLs (setfacl/getfacl), exports and readers run as other uids (setpriv), a FIFO
 * and a symlink to /dev/zero at the lock path, a 10 MB JSON string, and a second process writing the
 * same file. Tests that need root (chown, other uids) or the acl tools are skipped without them.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  lchownSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import dotenv from 'dotenv';
import { afterAll, describe, expect, it } from 'vitest';
import { isTokenTrayError } from '../../electron/core/errors';
import { createFileExporter } from '../../electron/core/export/file-exporter';
import { lockPathFor } from '../../electron/core/export/file-lock';
import { checkTargetPath } from '../../electron/core/export/target-path';
import type { ExportPayload, Logger } from '../../electron/core/ports';
import type { EnvExportTarget, ExportTarget } from '../../shared/domain';
import { childScript, disposeChildScript } from './helpers/child-bundle';
import { tempDir } from './helpers/temp-dir';

afterAll(disposeChildScript);

const isRoot = process.getuid?.() === 0;
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const canAcl = isRoot && has('setfacl') && has('getfacl') && has('setpriv');

/** Ids with no passwd entry: TokenTray's user, the bot, a member of the bots' group, a stranger. */
const TRAY = 12345;
const BOT = 12346;
const TRADERS = 12347; // a group
const MEMBER = 12348;
const STRANGER = 12349;

const OLD = 'old-token-value';
const payload = (over: Partial<ExportPayload> = {}): ExportPayload => ({
  accountId: 'main',
  broker: 'kite',
  accessToken: 'new-token-issue9',
  issuedAt: new Date('2026-03-02T04:00:00.000Z'),
  expiresAt: new Date('2026-03-03T00:30:00.000Z'),
  apiKey: 'kite-api-key',
  userId: 'AB1234',
  ...over,
});
const envTarget = (path: string, over: Partial<EnvExportTarget> = {}): EnvExportTarget => ({
  kind: 'env',
  path,
  tokenKey: 'KITE_ACCESS_TOKEN',
  expiresAtKey: 'KITE_ACCESS_TOKEN_EXPIRES_AT',
  extra: {},
  ...over,
});

/** A temp folder others may traverse (mkdtemp makes it 0700), itself safe (root's, not writable). */
function openDir(): string {
  const dir = tempDir();
  chmodSync(dir, 0o755);
  return dir;
}

function run(cmd: string, args: string[]): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000 });
}

/** `cat` as another user, with no supplementary groups unless given. */
function readAs(uid: number, path: string, groups: number[] = []): SpawnSyncReturns<string> {
  const groupArgs = groups.length ? [`--groups=${groups.join(',')}`] : ['--clear-groups'];
  return run('setpriv', [`--reuid=${uid}`, `--regid=${uid}`, ...groupArgs, 'cat', path]);
}

/** One export in a child process (optionally as another user); its {ok, message}. */
async function exportInChild(
  target: ExportTarget,
  p: ExportPayload,
  as?: { uid: number; groups: number[] },
): Promise<{ ok: boolean; message?: string }> {
  const script = await childScript();
  const args = [script, 'once', JSON.stringify(target), JSON.stringify(p)];
  const r = as
    ? run('setpriv', [
        `--reuid=${as.uid}`,
        `--regid=${as.uid}`,
        as.groups.length ? `--groups=${as.groups.join(',')}` : '--clear-groups',
        process.execPath,
        ...args,
      ])
    : run(process.execPath, args);
  // A child that hangs is killed by the timeout: signal set, no answer — the test fails here.
  expect(r.signal).toBeNull();
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as { ok: boolean; message?: string };
}

async function exportFailure(
  target: ExportTarget,
  p = payload(),
  logger?: Logger,
): Promise<string> {
  try {
    await createFileExporter(logger ? { logger } : {}).export(target, p);
  } catch (e) {
    expect(isTokenTrayError(e) && e.kind === 'export').toBe(true);
    expect((e as Error).message).not.toContain(p.accessToken);
    return (e as Error).message;
  }
  throw new Error('the export was expected to fail');
}

const facl = (path: string) => run('getfacl', ['--omit-header', '--numeric', path]).stdout;
const modeOf = (path: string) => statSync(path).mode & 0o7777;

function recordingLogger() {
  const warnings: string[] = [];
  const logger: Logger = {
    info: () => undefined,
    warn: (m) => warnings.push(m),
    error: () => undefined,
    registerSecret: () => undefined,
  };
  return { logger, warnings };
}

describe('issue 9 #4: an existing file keeps owner, group, group bits and ACL', () => {
  it.runIf(canAcl)(
    'issue 9 #4: a bot of another uid reads the new token from a 0644+ACL file of group traders (export runs as a non-root user)',
    async () => {
      const base = openDir();
      const bots = join(base, 'bots');
      mkdirSync(bots);
      chownSync(bots, TRAY, TRADERS);
      chmodSync(bots, 0o750);
      expect(run('setfacl', ['-m', `u:${BOT}:rx`, bots]).status).toBe(0);
      const file = join(bots, 'bot.env');
      writeFileSync(file, `# bot\nKITE_ACCESS_TOKEN=${OLD}\n`);
      chownSync(file, TRAY, TRADERS);
      chmodSync(file, 0o644);
      expect(run('setfacl', ['-m', `u:${BOT}:r`, file]).status).toBe(0);
      expect(readAs(BOT, file).stdout).toContain(OLD);

      // TokenTray runs as TRAY, a member of TRADERS.
      const out = await exportInChild(envTarget(file), payload(), {
        uid: TRAY,
        groups: [TRADERS],
      });
      expect(out).toEqual({ ok: true });

      const info = statSync(file);
      expect([info.uid, info.gid]).toEqual([TRAY, TRADERS]);
      expect(modeOf(file)).toBe(0o640); // world bits gone, group bits kept
      const acl = facl(file);
      expect(acl).toContain(`user:${BOT}:r--`);
      expect(acl).toContain('other::---');
      // The bot (ACL), a member of the group and TokenTray's user read the new token; others don't.
      expect(dotenv.parse(readAs(BOT, file).stdout).KITE_ACCESS_TOKEN).toBe('new-token-issue9');
      expect(readAs(MEMBER, file, [TRADERS]).stdout).toContain('new-token-issue9');
      const stranger = readAs(STRANGER, file);
      expect(stranger.status).not.toBe(0);
      expect(stranger.stderr).toMatch(/Permission denied/);
    },
    30_000,
  );

  it.runIf(canAcl)(
    'issue 9 #4: when the group cannot be kept (TokenTray not in it) the export fails naming the fix, file unchanged',
    async () => {
      const base = openDir();
      const bots = join(base, 'bots');
      mkdirSync(bots);
      chownSync(bots, TRAY, TRAY);
      chmodSync(bots, 0o755);
      const file = join(bots, 'bot.env');
      const original = `KITE_ACCESS_TOKEN=${OLD}\n`;
      writeFileSync(file, original);
      chownSync(file, TRAY, TRADERS);
      chmodSync(file, 0o640);
      const out = await exportInChild(envTarget(file), payload(), { uid: TRAY, groups: [] });
      expect(out.ok).toBe(false);
      expect(out.message).toContain(
        `it belongs to group ${TRADERS}, which TokenTray's user is not in`,
      );
      expect(out.message).toContain(`add your user to group ${TRADERS}`);
      expect(out.message).toMatch(/The file was left as it was\.$/);
      expect(readFileSync(file, 'utf8')).toBe(original);
      expect([statSync(file).gid, modeOf(file)]).toEqual([TRADERS, 0o640]);
      expect(readdirSync(bots).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    },
    30_000,
  );

  it.runIf(canAcl)(
    'issue 9 #4: world bits removed are said once in the log; group and ACL kept across exports (as root)',
    async () => {
      const dir = openDir();
      const file = join(dir, 'bot.env');
      writeFileSync(file, `KITE_ACCESS_TOKEN=${OLD}\n`);
      chownSync(file, 0, TRADERS);
      chmodSync(file, 0o664);
      expect(run('setfacl', ['-m', `u:${BOT}:r,g:${MEMBER}:r`, file]).status).toBe(0);
      const { logger, warnings } = recordingLogger();
      const exporter = createFileExporter({ logger });
      await exporter.export(envTarget(file), payload());
      chmodSync(file, 0o664); // someone opens it up again
      await exporter.export(
        envTarget(file),
        payload({ accessToken: 'second', issuedAt: new Date('2026-03-02T05:00:00Z') }),
      );
      expect(warnings.filter((w) => w.includes('removed access for other users'))).toHaveLength(1);
      expect(modeOf(file)).toBe(0o660);
      expect(statSync(file).gid).toBe(TRADERS);
      expect(facl(file)).toMatch(new RegExp(`user:${BOT}:r--[\\s\\S]*group:${MEMBER}:r--`));
      expect(readAs(BOT, file).stdout).toContain('second');
    },
    30_000,
  );

  it.runIf(canAcl)(
    "issue 9 #4: an existing file without an ACL gets none from its folder's default ACL (no reader gained)",
    async () => {
      const dir = openDir();
      expect(run('setfacl', ['-d', '-m', `u:${BOT}:r`, dir]).status).toBe(0);
      const file = join(dir, 'bot.env');
      writeFileSync(file, `KITE_ACCESS_TOKEN=${OLD}\n`);
      expect(run('setfacl', ['-b', file]).status).toBe(0); // written before the default existed
      chmodSync(file, 0o640);
      await createFileExporter().export(envTarget(file), payload());
      expect(facl(file)).not.toContain(`user:${BOT}`);
      expect(modeOf(file)).toBe(0o640);
      expect(readAs(BOT, file).status).not.toBe(0);
    },
  );

  it('issue 9 #4: a new file is 0600 from creation, even in a folder with a default ACL', async () => {
    const dir = openDir();
    if (canAcl) expect(run('setfacl', ['-d', '-m', `u:${BOT}:r`, dir]).status).toBe(0);
    const file = join(dir, 'new.env');
    await createFileExporter().export(envTarget(file), payload());
    expect(modeOf(file)).toBe(0o600);
    if (canAcl) {
      expect(facl(file)).toMatch(/mask::---/); // the inherited entry is masked out
      expect(readAs(BOT, file).status).not.toBe(0);
    }
  });
});

describe('issue 9 #5: links and folders another user can change', () => {
  it('issue 9 #5: a cloned repo whose .env links to ../../.bashrc is refused with the resolved path; .bashrc untouched', async () => {
    const home = openDir();
    const bashrc = join(home, '.bashrc');
    writeFileSync(bashrc, 'export PATH=$HOME/bin:$PATH\nKITE_ACCESS_TOKEN=x\n');
    chmodSync(bashrc, 0o644);
    mkdirSync(join(home, 'src', 'repo'), { recursive: true });
    const link = join(home, 'src', 'repo', '.env');
    symlinkSync('../../.bashrc', link);
    const check = await checkTargetPath(link, { kind: 'env' });
    expect(check).toMatchObject({ ok: false, resolvedPath: bashrc, viaLink: true });
    const message = await exportFailure(envTarget(link));
    expect(message).toContain(
      `${link} is a symbolic link to ${bashrc}, which is not named like a .env file`,
    );
    expect(message).toContain(`Choose ${bashrc} itself as the target`);
    expect(readFileSync(bashrc, 'utf8')).toBe('export PATH=$HOME/bin:$PATH\nKITE_ACCESS_TOKEN=x\n');
    expect(modeOf(bashrc)).toBe(0o644);
    expect(readdirSync(home).sort()).toEqual(['.bashrc', 'src']);
  });

  it('issue 9 #5: checkTargetPath shows where a good link leads; the export writes there and keeps the link', async () => {
    const dir = openDir();
    mkdirSync(join(dir, 'shared'));
    const real = join(dir, 'shared', 'tokens.env');
    writeFileSync(real, 'A=1\n');
    const link = join(dir, 'bot.env');
    symlinkSync('shared/tokens.env', link);
    expect(await checkTargetPath(link, { kind: 'env' })).toEqual({
      path: link,
      resolvedPath: real,
      viaLink: true,
      exists: true,
      ok: true,
      problem: null,
    });
    await createFileExporter().export(envTarget(link), payload());
    expect(dotenv.parse(readFileSync(real)).KITE_ACCESS_TOKEN).toBe('new-token-issue9');
  });

  it('issue 9 #5: a sticky world-writable folder (/tmp-like) never holds the file, as a file or as a link', async () => {
    const dir = openDir();
    const shared = join(dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const file = join(shared, 'bot.env');
    const message = await exportFailure(envTarget(file));
    expect(message).toContain(
      `the folder ${shared} can be changed by every user, who could swap the file for another: TokenTray never writes a token there. Fix: choose a file in a folder only you can change, or remove the others' write access (chmod go-w ${shared})`,
    );
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(shared)).toEqual([]); // no lock, no temp
  });

  it.runIf(isRoot)(
    'issue 9 #5: a link planted by another user in a world-writable folder is refused; the target stays untouched',
    async () => {
      const dir = openDir();
      const mine = join(dir, 'mine');
      mkdirSync(mine);
      const real = join(mine, 'real.env');
      writeFileSync(real, 'A=1\n');
      const shared = join(dir, 'shared');
      mkdirSync(shared);
      chmodSync(shared, 0o1777);
      const planted = join(shared, 'bot.env');
      symlinkSync(real, planted);
      lchownSync(planted, STRANGER, STRANGER);
      const message = await exportFailure(envTarget(planted));
      expect(message).toContain(
        `${planted} is a symbolic link made by user ${STRANGER}: TokenTray follows only links of yours or root's`,
      );
      expect(readFileSync(real, 'utf8')).toBe('A=1\n');
    },
  );

  it.runIf(isRoot)(
    'issue 9 #5: every folder on the way is judged: a group-writable folder of a shared group, an ancestor owned by another user',
    async () => {
      const dir = openDir();
      const team = join(dir, 'team');
      mkdirSync(join(team, 'bot'), { recursive: true });
      chownSync(team, 0, TRADERS);
      chmodSync(team, 0o775); // group TRADERS (not private to root) may swap `bot`
      const message = await exportFailure(envTarget(join(team, 'bot', '.env')));
      expect(message).toContain(`the folder ${team} can be changed by group ${TRADERS}`);
      expect(message).toContain(`chmod go-w ${team}`);

      // A group-writable folder whose group is private to the user (Debian's user-private groups,
      // here root's own group 0) is fine, like OpenSSH on Debian accepts it.
      const own = join(dir, 'own');
      mkdirSync(own);
      chmodSync(own, 0o770);
      await createFileExporter().export(envTarget(join(own, '.env')), payload());

      const theirs = join(dir, 'theirs');
      mkdirSync(join(theirs, 'sub'), { recursive: true });
      chownSync(theirs, STRANGER, STRANGER);
      chmodSync(theirs, 0o755);
      expect(await exportFailure(envTarget(join(theirs, 'sub', '.env')))).toContain(
        `the folder ${theirs} can be changed by its owner (user ${STRANGER})`,
      );
    },
  );

  it.runIf(isRoot)('issue 9 #5: a link to a file of another user is not followed', async () => {
    const dir = openDir();
    const real = join(dir, 'their.env');
    writeFileSync(real, 'A=1\n');
    chownSync(real, STRANGER, STRANGER);
    const link = join(dir, 'bot.env');
    symlinkSync('their.env', link);
    expect(await exportFailure(envTarget(link))).toContain(
      `${link} leads to ${real}, which belongs to user ${STRANGER}, not to root`,
    );
    expect(readFileSync(real, 'utf8')).toBe('A=1\n');
  });
});

describe('issue 9 #12: running as root', () => {
  it.runIf(isRoot)(
    "issue 9 #12: root never writes into another user's bot.env unless the target names that owner, and then keeps the owner",
    async () => {
      const dir = openDir();
      const file = join(dir, 'bot.env');
      const original = `KITE_ACCESS_TOKEN=${OLD}\n`;
      writeFileSync(file, original);
      chownSync(file, BOT, BOT);
      chmodSync(file, 0o600);
      const message = await exportFailure(envTarget(file));
      expect(message).toContain(`${file} belongs to user ${BOT}, not to root`);
      expect(message).toContain(`name that owner in the target (owner uid ${BOT})`);
      expect(readFileSync(file, 'utf8')).toBe(original);

      await createFileExporter().export(
        envTarget(file, { owner: { uid: BOT, gid: BOT } }),
        payload(),
      );
      expect([statSync(file).uid, statSync(file).gid, modeOf(file)]).toEqual([BOT, BOT, 0o600]);
      expect(readAs(BOT, file).stdout).toContain('new-token-issue9');

      // A new file for that owner is created for it, 0600.
      const fresh = join(dir, 'fresh.env');
      await createFileExporter().export(
        envTarget(fresh, { owner: { uid: BOT, gid: BOT } }),
        payload(),
      );
      expect([statSync(fresh).uid, modeOf(fresh)]).toEqual([BOT, 0o600]);
      expect(readAs(BOT, fresh).stdout).toContain('new-token-issue9');
    },
  );

  it.runIf(isRoot)(
    "issue 9 #12: an attacker's bot.env in a sticky shared folder is refused even when it names the attacker as owner",
    async () => {
      const dir = openDir();
      const shared = join(dir, 'shared');
      mkdirSync(shared);
      chmodSync(shared, 0o1777);
      const file = join(shared, 'bot.env');
      writeFileSync(file, 'A=1\n');
      chownSync(file, STRANGER, STRANGER);
      const message = await exportFailure(
        envTarget(file, { owner: { uid: STRANGER, gid: STRANGER } }),
      );
      expect(message).toContain(`the folder ${shared} can be changed by every user`);
      expect(readFileSync(file, 'utf8')).toBe('A=1\n');
      expect(statSync(file).uid).toBe(STRANGER);
    },
  );

  it.runIf(canAcl)(
    'issue 9 #12: a non-root TokenTray cannot write for another owner, nor into a file it does not own',
    async () => {
      const base = openDir();
      const mine = join(base, 'mine');
      mkdirSync(mine);
      chownSync(mine, TRAY, TRAY);
      const file = join(mine, 'bot.env');
      writeFileSync(file, 'A=1\n');
      chownSync(file, BOT, BOT);
      chmodSync(file, 0o666);
      const out = await exportInChild(envTarget(file), payload(), { uid: TRAY, groups: [] });
      expect(out.ok).toBe(false);
      expect(out.message).toContain(`${file} belongs to user ${BOT}, not to you (user ${TRAY})`);
      expect(readFileSync(file, 'utf8')).toBe('A=1\n');
      const named = await exportInChild(
        envTarget(join(mine, 'other.env'), { owner: { uid: BOT, gid: BOT } }),
        payload(),
        { uid: TRAY, groups: [] },
      );
      expect(named.message).toContain(
        'only TokenTray running as root can write a file for another user',
      );
    },
    30_000,
  );
});

describe('issue 9 #7: lock files that are not lock files', () => {
  it.runIf(has('mkfifo'))(
    'issue 9 #7: a FIFO at the lock path fails the export at once with the lock path named, and the process exits',
    async () => {
      const dir = openDir();
      const file = join(dir, 'bot.env');
      writeFileSync(file, 'A=1\n');
      const lock = lockPathFor(file);
      expect(run('mkfifo', [lock]).status).toBe(0);
      // In a child: before the fix its open() blocked forever, the timeout never fired and the
      // process could not exit (spawnSync's 20 s timeout would kill it: signal set, test fails).
      const out = await exportInChild(envTarget(file), payload());
      expect(out).toEqual({
        ok: false,
        message: `Could not update ${file}: its lock file ${lock} is a named pipe (FIFO), not a lock file TokenTray made: remove it (TokenTray creates it again when needed). The file was left as it was.`,
      });
      expect(readFileSync(file, 'utf8')).toBe('A=1\n');
    },
    30_000,
  );

  it('issue 9 #7: a lock path linked to /dev/zero is not followed or read', async () => {
    const dir = openDir();
    const file = join(dir, 'bot.env');
    writeFileSync(file, 'A=1\n');
    const lock = lockPathFor(file);
    symlinkSync('/dev/zero', lock);
    const out = await exportInChild(envTarget(file), payload());
    expect(out.message).toContain(
      `its lock file ${lock} is a symbolic link, not a lock file TokenTray made`,
    );
    expect(readFileSync(file, 'utf8')).toBe('A=1\n');
  }, 30_000);
});

describe('issue 9 #13: misleading or unbounded', () => {
  it('issue 9 #13: a lock path that is a folder names the lock, not the target', async () => {
    const dir = openDir();
    const file = join(dir, 'bot.env');
    writeFileSync(file, 'A=1\n');
    mkdirSync(lockPathFor(file));
    const message = await exportFailure(envTarget(file));
    expect(message).toBe(
      `Could not update ${file}: its lock file ${lockPathFor(file)} is a folder, not a lock file TokenTray made: remove it (TokenTray creates it again when needed). The file was left as it was.`,
    );
  });

  it('issue 9 #13: a JSON target holding a 10 MB string is updated (no stack overflow), keeping the string', async () => {
    const dir = openDir();
    const path = join(dir, 'tokens.json');
    const note = 'n'.repeat(10 * 1024 * 1024);
    writeFileSync(path, JSON.stringify({ note, quoted: '\\"'.repeat(1000) }, null, 2));
    await createFileExporter().export({ kind: 'json', path }, payload());
    const data = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    expect(data.note).toBe(note);
    expect((data.kite as Record<string, unknown>).access_token).toBe('new-token-issue9');
  });

  it('issue 9 #13: a JSON target nested 100,000 deep is refused with a clear message, untouched', async () => {
    const dir = openDir();
    const path = join(dir, 'tokens.json');
    const deep = `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    writeFileSync(path, deep);
    expect(await exportFailure({ kind: 'json', path })).toContain(
      'the file nests objects or arrays more than 1000 levels deep',
    );
    expect(readFileSync(path, 'utf8')).toBe(deep);
  });
});

describe('issue 9 #14: the newest token wins', () => {
  const at = (s: number) => new Date(Date.UTC(2026, 2, 2, 4, 0, s));

  it('issue 9 #14: a token issued earlier, exported later, never replaces the newer one (.env and JSON)', async () => {
    const dir = openDir();
    const env = join(dir, 'bot.env');
    const json = join(dir, 'tokens.json');
    const exporter = createFileExporter();
    for (const target of [envTarget(env), { kind: 'json', path: json } as const]) {
      await exporter.export(target, payload({ accessToken: 'newer', issuedAt: at(20) }));
      await exporter.export(target, payload({ accessToken: 'older', issuedAt: at(10) }));
    }
    expect(dotenv.parse(readFileSync(env))).toMatchObject({
      KITE_ACCESS_TOKEN: 'newer',
      KITE_ACCESS_TOKEN_ISSUED_AT: at(20).toISOString(),
    });
    const data = JSON.parse(readFileSync(json, 'utf8')) as {
      kite: Record<string, unknown>;
      accounts: Record<string, Record<string, unknown>>;
    };
    expect(data.kite).toMatchObject({ access_token: 'newer', issued_at: at(20).toISOString() });
    expect(data.accounts.main).toMatchObject({ access_token: 'newer' });
  });

  it('issue 9 #14: across processes: an older token from a second process (the CLI) does not replace a newer one, and the other way round', async () => {
    const dir = openDir();
    const env = join(dir, 'bot.env');
    await createFileExporter().export(
      envTarget(env),
      payload({ accessToken: 'app-newer', issuedAt: at(30) }),
    );
    const older = await exportInChild(
      envTarget(env),
      payload({ accessToken: 'cli-older', issuedAt: at(5) }),
    );
    expect(older).toEqual({ ok: true }); // nothing to fix: the file holds a newer token
    expect(dotenv.parse(readFileSync(env)).KITE_ACCESS_TOKEN).toBe('app-newer');
    const newer = await exportInChild(
      envTarget(env),
      payload({ accessToken: 'cli-newest', issuedAt: at(40) }),
    );
    expect(newer).toEqual({ ok: true });
    await createFileExporter().export(
      envTarget(env),
      payload({ accessToken: 'app-older', issuedAt: at(35) }),
    );
    expect(dotenv.parse(readFileSync(env)).KITE_ACCESS_TOKEN).toBe('cli-newest');
  }, 30_000);

  it('issue 9 #14: exports called newest-first still end with the newest; a recorded instant in the future is not trusted', async () => {
    const dir = openDir();
    const env = join(dir, 'bot.env');
    const exporter = createFileExporter();
    await Promise.all(
      [9, 8, 7, 6, 5, 4, 3, 2, 1, 0].map((i) =>
        exporter.export(envTarget(env), payload({ accessToken: `t-${i}`, issuedAt: at(i) })),
      ),
    );
    expect(dotenv.parse(readFileSync(env)).KITE_ACCESS_TOKEN).toBe('t-9');
    writeFileSync(
      env,
      "KITE_ACCESS_TOKEN='hand'\nKITE_ACCESS_TOKEN_ISSUED_AT='2099-01-01T00:00:00.000Z'\n",
    );
    const { logger, warnings } = recordingLogger();
    await createFileExporter({ logger }).export(envTarget(env), payload({ issuedAt: at(50) }));
    expect(dotenv.parse(readFileSync(env)).KITE_ACCESS_TOKEN).toBe('new-token-issue9');
    expect(warnings).toContain(
      'export: the recorded issue time was not trusted and is overwritten',
    );
  });
});
