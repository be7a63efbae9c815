/**
 * Issue 9 #6: "Open .env folder" never hands a file to shell.openPath (which would run it). The
 * decision (core/policy/reveal-path.ts) is tested with Windows and macOS paths through a probe that
 * answers like those file systems, and on this machine's real files (executable, FIFO, links).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planReveal, type PathKind, type PathProbe } from '../../electron/core/policy/reveal-path';

/** A file system described as a table; anything not listed is missing. Records every lookup. */
function tableProbe(table: Record<string, PathKind>): PathProbe & { asked: string[] } {
  const asked: string[] = [];
  const probe = (path: string) => {
    asked.push(path);
    return Promise.resolve(table[path] ?? 'missing');
  };
  return Object.assign(probe, { asked });
}

describe('issue 9 #6: planReveal on Windows and macOS paths', () => {
  it('issue 9 #6: C:\\Windows\\System32\\calc.exe\\x.env is refused, never opened (calc.exe is a file)', async () => {
    const probe = tableProbe({
      'C:\\Windows\\System32\\calc.exe': 'file',
      'C:\\Windows\\System32': 'directory',
    });
    const plan = await planReveal('C:\\Windows\\System32\\calc.exe\\x.env', 'win32', probe);
    expect(plan).toEqual({
      action: 'refuse',
      message:
        'Cannot open C:\\Windows\\System32\\calc.exe: it is not a folder, so C:\\Windows\\System32\\calc.exe\\x.env cannot be a file in it. Choose the .env file again.',
    });
  });

  it('issue 9 #6: an existing file is only revealed; a missing file opens its checked folder', async () => {
    const probe = tableProbe({
      'C:\\bots\\alpha\\.env': 'file',
      'C:\\bots\\alpha': 'directory',
      'C:\\bots\\tool.exe': 'file',
    });
    expect(await planReveal('C:\\bots\\alpha\\.env', 'win32', probe)).toEqual({
      action: 'show-item',
      path: 'C:\\bots\\alpha\\.env',
    });
    expect(await planReveal('C:\\bots\\alpha\\new.env', 'win32', probe)).toEqual({
      action: 'open-folder',
      path: 'C:\\bots\\alpha',
    });
    // A target that *is* an executable: selected in Explorer, not run.
    expect(await planReveal('C:\\bots\\tool.exe', 'win32', probe)).toEqual({
      action: 'show-item',
      path: 'C:\\bots\\tool.exe',
    });
  });

  it('issue 9 #6: UNC and relative paths are refused before any lookup (no SMB contact)', async () => {
    const probe = tableProbe({});
    expect(await planReveal('\\\\evil-host\\share\\.env', 'win32', probe)).toMatchObject({
      action: 'refuse',
      message: expect.stringContaining('network (UNC) path') as unknown,
    });
    expect(await planReveal('//evil-host/share/.env', 'win32', probe)).toMatchObject({
      action: 'refuse',
    });
    expect(await planReveal('\\bots\\.env', 'win32', probe)).toMatchObject({ action: 'refuse' });
    expect(await planReveal('bots/.env', 'linux', probe)).toMatchObject({ action: 'refuse' });
    expect(probe.asked).toEqual([]);
  });

  it('issue 9 #6: on macOS a bundle folder (Calculator.app) is revealed, not opened (opening runs it)', async () => {
    const probe = tableProbe({
      '/Applications/Calculator.app': 'directory',
      '/Users/me/bots': 'directory',
      '/tmp': 'link',
    });
    expect(await planReveal('/Applications/Calculator.app/x.env', 'darwin', probe)).toEqual({
      action: 'show-item',
      path: '/Applications/Calculator.app',
    });
    expect(await planReveal('/Users/me/bots/.env', 'darwin', probe)).toEqual({
      action: 'open-folder',
      path: '/Users/me/bots',
    });
    // A linked folder is selected, never opened through the link.
    expect(await planReveal('/tmp/x.env', 'darwin', probe)).toEqual({
      action: 'show-item',
      path: '/tmp',
    });
  });
});

describe('issue 9 #6: planReveal on real files', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'tokentray-reveal-'));
    made.push(d);
    return d;
  };

  it('issue 9 #6: a path inside an executable file is refused; the executable itself is only revealed', async () => {
    const d = dir();
    const exe = join(d, 'calc.exe');
    writeFileSync(exe, '#!/bin/sh\necho ran\n');
    chmodSync(exe, 0o755);
    expect(await planReveal(join(exe, 'x.env'), 'linux')).toMatchObject({ action: 'refuse' });
    expect(await planReveal(exe, 'linux')).toEqual({ action: 'show-item', path: exe });
  });

  it('issue 9 #6: folders are opened only when they are directories; links, FIFOs and missing folders are not', async () => {
    const d = dir();
    mkdirSync(join(d, 'bots'));
    expect(await planReveal(join(d, 'bots', 'new.env'), 'linux')).toEqual({
      action: 'open-folder',
      path: join(d, 'bots'),
    });
    expect(await planReveal(join(d, 'bots'), 'linux')).toEqual({
      action: 'open-folder',
      path: join(d, 'bots'),
    });
    symlinkSync('/usr/bin/env', join(d, 'linked'));
    expect(await planReveal(join(d, 'linked', 'x.env'), 'linux')).toEqual({
      action: 'show-item',
      path: join(d, 'linked'),
    });
    expect(spawnSync('mkfifo', [join(d, 'pipe')]).status).toBe(0);
    expect(await planReveal(join(d, 'pipe'), 'linux')).toEqual({
      action: 'show-item',
      path: join(d, 'pipe'),
    });
    expect(await planReveal(join(d, 'nope', 'x.env'), 'linux')).toEqual({
      action: 'refuse',
      message: `The folder ${join(d, 'nope')} does not exist yet: create it, or choose another file for the token.`,
    });
  });
});
