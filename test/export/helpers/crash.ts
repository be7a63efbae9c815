/**
 * The crash test, shared by test/export/crash.test.ts (a few dozen kills) and the bench (≥ 1,000):
 * child processes rewrite a .env and a JSON file in a loop (lock → backup → temp → fsync → rename)
 * and are SIGKILLed at random moments. After every kill each file must be byte-for-byte one of the
 * contents a complete export can produce — the original or the result of export A or B — and the
 * one-time backup, if present, must be the complete original. Leftover temp files are counted (a
 * kill that landed mid-write) and must all be swept by the next export, and the stale lock of a
 * killed writer must not block the next one.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileExporter } from '../../../electron/core/export/file-exporter';
import { backupPathFor } from '../../../electron/core/export/backup';
import { childScript } from './child-bundle';
import { INITIAL_ENV, INITIAL_JSON, payload, targets } from './crash-scenario';

export interface CrashReport {
  readonly kills: number;
  /** Kills after which a file held anything but a complete old or new content. Must be 0. */
  readonly torn: number;
  /** Kills that left a temp file behind: the child died between creating and renaming it. */
  readonly midWrite: number;
  /** Kills that left the writer's lock file behind (broken by the next writer). */
  readonly staleLocks: number;
  /** Temp or lock files still there after one more export at the end. Must be 0. */
  readonly leftovers: number;
  readonly problems: readonly string[];
  readonly ms: number;
}

/** Runs export A, B, A in-process on a copy of the originals: the only contents a file may have. */
async function validContents(): Promise<{ env: Set<string>; json: Set<string> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tokentray-crash-expect-'));
  try {
    const t = targets(dir);
    writeFileSync(t.env.path, INITIAL_ENV);
    writeFileSync(t.json.path, INITIAL_JSON);
    const exporter = createFileExporter();
    const env = new Set([INITIAL_ENV]);
    const json = new Set([INITIAL_JSON]);
    for (const which of ['A', 'B', 'A'] as const) {
      await exporter.export(t.env, payload(which));
      await exporter.export(t.json, payload(which));
      env.add(readFileSync(t.env.path, 'utf8'));
      json.add(readFileSync(t.json.path, 'utf8'));
    }
    // Initial, A, B: and the last A must equal the first (else the loop would not alternate).
    if (env.size !== 3 || json.size !== 3) throw new Error('export A/B/A did not cycle');
    if (readFileSync(t.env.path, 'utf8') === [...env][2]) {
      throw new Error('export A/B/A did not cycle');
    }
    return { env, json };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts a child, waits for its first complete round, lets it run `delayMs` more, SIGKILLs it. */
function killMidLoop(script: string, dir: string, delayMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, 'loop', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let ready = false;
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      if (ready || !d.toString().includes('ready')) return;
      ready = true;
      setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`crash child exited by itself (${code}): ${stderr}`));
    });
  });
}

export async function runCrashTest(options: {
  kills: number;
  parallel?: number;
  maxDelayMs?: number;
}): Promise<CrashReport> {
  const started = Date.now();
  const script = await childScript();
  const valid = await validContents();
  const parallel = options.parallel ?? 2;
  const maxDelay = options.maxDelayMs ?? 30;
  const problems: string[] = [];
  let kills = 0;
  let torn = 0;
  let midWrite = 0;
  let staleLocks = 0;
  let leftovers = 0;

  const slot = async (index: number, count: number) => {
    const dir = mkdtempSync(join(tmpdir(), `tokentray-crash-${index}-`));
    const t = targets(dir);
    writeFileSync(t.env.path, INITIAL_ENV);
    writeFileSync(t.json.path, INITIAL_JSON);
    try {
      for (let i = 0; i < count; i++) {
        await killMidLoop(script, dir, Math.random() * maxDelay);
        kills++;
        const names = readdirSync(dir);
        if (names.some((n) => n.endsWith('.tmp'))) midWrite++;
        if (names.some((n) => n.endsWith('.tokentray.lock'))) staleLocks++;
        let bad = false;
        for (const [path, allowed, original] of [
          [t.env.path, valid.env, INITIAL_ENV],
          [t.json.path, valid.json, INITIAL_JSON],
        ] as const) {
          const now = readFileSync(path, 'utf8');
          if (!allowed.has(now)) {
            bad = true;
            problems.push(
              `kill ${kills}: ${path} holds ${now.length} bytes matching no complete export`,
            );
          }
          const backup = names.includes(`${path.split('/').pop()}.tokentray-backup`)
            ? readFileSync(backupPathFor(path), 'utf8')
            : original;
          if (backup !== original) {
            bad = true;
            problems.push(`kill ${kills}: the backup of ${path} is not the original`);
          }
        }
        if (bad) torn++;
      }
      // One more export must clean up after all those deaths: no temp file, no lock left.
      const exporter = createFileExporter();
      await exporter.export(t.env, payload('A'));
      await exporter.export(t.json, payload('A'));
      const rest = readdirSync(dir).filter((n) => n.endsWith('.tmp') || n.endsWith('.lock'));
      leftovers += rest.length;
      if (rest.length) problems.push(`left behind after the final export: ${rest.join(', ')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  const perSlot = Math.ceil(options.kills / parallel);
  await Promise.all(
    Array.from({ length: parallel }, (_, i) =>
      slot(i, Math.min(perSlot, options.kills - i * perSlot)),
    ),
  );
  return { kills, torn, midWrite, staleLocks, leftovers, problems, ms: Date.now() - started };
}
