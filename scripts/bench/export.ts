/**
 * Export figures for issue 4 (`npm run bench`):
 * - time to rewrite our key in a 10,000-line .env: the pure rewrite, and the whole export (lock,
 *   read, rewrite, temp + fsync + rename + folder fsync), median and p95 (goal ≤ 20 ms), for a
 *   simple file and for one taking the checked path (constructs the readers disagree on: both
 *   readers then read the old and the new text);
 * - the .env property test at ≥ 10,000 random files, read back by dotenv and python-dotenv;
 * - the crash test: ≥ 1,000 SIGKILLs of writers mid-export, torn files found (must be 0).
 * The property and crash runs are the test suite's own (test/export/helpers), at bench sizes.
 * TOKENTRAY_BENCH_CASES / TOKENTRAY_BENCH_KILLS shrink them for a quick look.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rewriteEnv } from '../../electron/core/export/env-file';
import { createFileExporter } from '../../electron/core/export/file-exporter';
import { bigEnv } from '../../test/export/helpers/big-env';
import { disposeChildScript } from '../../test/export/helpers/child-bundle';
import { runCrashTest } from '../../test/export/helpers/crash';
import { runEnvProperty } from '../../test/export/helpers/env-property';

const LINES = 10_000;
const RUNS = 60;

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `median ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms (n=${sorted.length})`;
}

async function time(fn: (i: number) => unknown, runs = RUNS, warmup = 5): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn(i);
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  return samples;
}

const updates = (i: number) => [
  { key: 'UPSTOX_ACCESS_TOKEN', value: `eyJhbGciOiJIUzI1NiJ9.bench-${i}.signature` },
  {
    key: 'UPSTOX_ACCESS_TOKEN_EXPIRES_AT',
    value: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  },
];

export async function run(log: (line: string) => void): Promise<void> {
  // ------------------------------------------------------------------ rewrite speed
  const simple = bigEnv(LINES);
  // One line in dotenv-only syntax makes the file "not simple": every rewrite is then checked by
  // reading the whole file, before and after, with both readers.
  const checked = simple.replace('KEY_1=value-1\n', 'LEGACY: yes\n');
  log(
    `rewrite one key in a ${LINES.toLocaleString('en')}-line .env (${(simple.length / 1024).toFixed(0)} KB), goal ≤ 20 ms:`,
  );
  log(
    `  pure rewrite (in memory)                  ${stats(await time((i) => rewriteEnv(simple, updates(i))))}`,
  );
  log(
    `  pure rewrite, file needing the reader check ${stats(await time((i) => rewriteEnv(checked, updates(i))))}`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'tokentray-bench-'));
  try {
    const path = join(dir, 'bot.env');
    writeFileSync(path, simple);
    const exporter = createFileExporter();
    const target = {
      kind: 'env' as const,
      path,
      tokenKey: 'UPSTOX_ACCESS_TOKEN',
      expiresAtKey: 'UPSTOX_ACCESS_TOKEN_EXPIRES_AT',
      extra: {},
    };
    const exportOnce = (i: number) =>
      exporter.export(target, {
        accountId: 'bench',
        broker: 'upstox',
        accessToken: updates(i)[0]!.value,
        issuedAt: new Date(1_800_000_000_000 + i),
        expiresAt: new Date(updates(i)[1]!.value),
        apiKey: 'bench-key',
        userId: null,
      });
    log(
      `  whole export to disk (lock, read, rewrite, fsync, rename, dir fsync) ${stats(await time(exportOnce))}`,
    );
    writeFileSync(path, checked);
    log(`  whole export, file needing the reader check ${stats(await time(exportOnce))}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // ------------------------------------------------------------------ property test
  const cases = Number(process.env.TOKENTRAY_BENCH_CASES ?? 10_000);
  const started = Date.now();
  try {
    const r = runEnvProperty({ numRuns: cases });
    log(
      `.env property test: ${r.cases.toLocaleString('en')} random files — PASSED (seed ${r.seed}; ${r.rewritten} rewritten, ${r.refused} refused with a clear error, ${r.fastPath} on the fast path; ${r.pythonFiles.toLocaleString('en')} files read by the real python-dotenv, ${r.agreeable} where dotenv and python-dotenv must agree on every key) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } catch (e) {
    log(
      `.env property test: ${cases.toLocaleString('en')} random files — FAILED: ${(e as Error).message}`,
    );
  }

  // ------------------------------------------------------------------ crash test
  const kills = Number(process.env.TOKENTRAY_BENCH_KILLS ?? 1_000);
  try {
    const c = await runCrashTest({ kills, parallel: 4 });
    log(
      `crash test: ${c.kills.toLocaleString('en')} writers SIGKILLed mid-export — torn files found: ${c.torn} (must be 0); ${c.midWrite} died with a temp file written, ${c.staleLocks} holding the lock; left over after the next export: ${c.leftovers}; ${(c.ms / 1000).toFixed(1)} s`,
    );
    for (const p of c.problems.slice(0, 5)) log(`  ${p}`);
  } finally {
    await disposeChildScript();
  }
}
