#!/usr/bin/env node
// `npm test`: every check and every test suite, then one closing line `N passed, N failed`.
// Each static check (types, lint, format, build) counts as one; each vitest test counts as one.
// Exits non-zero on any failure. Vitest runs inside a private D-Bus session with a real keyring.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const artifacts = join(root, 'test-artifacts');
mkdirSync(artifacts, { recursive: true });

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];

function step(name, cmd, args, env = {}) {
  const started = Date.now();
  console.log(`\n▶ ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = r.status === 0;
  console.log(`${ok ? '✔' : '✘'} ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return ok;
}

function check(name, cmd, args) {
  if (step(name, cmd, args)) passed += 1;
  else {
    failed += 1;
    failures.push(name);
  }
}

check('typecheck', npx, ['tsc', '-p', 'tsconfig.json', '--noEmit']);
check('lint', npx, ['eslint', '--max-warnings', '0', '.']);
check('format', npx, ['prettier', '--check', '.']);
check('build', 'npm', ['run', '--silent', 'build']);

// keytar must be built for Node here (after `npm start` it is built for Electron).
check('native modules for Node', 'node', ['scripts/native-for.mjs', 'node']);

const report = join(artifacts, 'vitest-report.json');
rmSync(report, { force: true });
const vitestOk = step('tests', 'bash', [
  'scripts/with-keyring.sh',
  npx,
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
]);

if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  for (const file of r.testResults ?? []) {
    for (const t of file.assertionResults ?? []) {
      if (t.status === 'failed') failures.push(`${file.name.replace(root, '')} › ${t.fullName}`);
    }
    // A file that failed to load has no assertion results but does fail the run.
    if (
      file.status === 'failed' &&
      !(file.assertionResults ?? []).some((t) => t.status === 'failed')
    ) {
      failed += 1;
      failures.push(`${file.name.replace(root, '')} (suite failed to run: ${file.message ?? ''})`);
    }
  }
  if (!vitestOk && r.numFailedTests === 0 && failures.length === 0) {
    failed += 1;
    failures.push('vitest exited non-zero');
  }
} else {
  failed += 1;
  failures.push('vitest produced no report');
}

if (failures.length) {
  console.log('\nFailures:');
  for (const f of failures) console.log(`  ✘ ${f}`);
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 && vitestOk ? 0 : 1);
