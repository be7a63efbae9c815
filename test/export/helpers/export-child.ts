/**
 * Child process for the crash, race and permission tests (bundled to plain JS by child-bundle.ts so
 * it starts in ~60 ms). Modes:
 *   loop <dir>                     rewrite the crash scenario's files forever, A/B/A/B…; prints
 *                                  "ready" once the first round is written
 *   race <path> <account> <key> <n> export n tokens "<account>-<i>" into <path> (.env or .json)
 *   once <targetJSON> <payloadJSON> one export; prints {"ok":…,"message":…}
 */
import { createFileExporter } from '../../../electron/core/export/file-exporter';
import type { ExportTarget } from '../../../shared/domain';
import type { ExportPayload } from '../../../electron/core/ports';
import { payload, targets } from './crash-scenario';

const exporter = createFileExporter();
const [mode, ...args] = process.argv.slice(2);

async function loop(dir: string): Promise<void> {
  const { env, json } = targets(dir);
  for (let round = 0; ; round++) {
    const p = payload(round % 2 === 0 ? 'A' : 'B');
    await exporter.export(env, p);
    await exporter.export(json, p);
    if (round === 0) process.stdout.write('ready\n');
  }
}

async function race(path: string, accountId: string, key: string, n: number): Promise<void> {
  const target: ExportTarget = path.endsWith('.json')
    ? { kind: 'json', path }
    : { kind: 'env', path, tokenKey: key, expiresAtKey: `${key}_EXPIRES_AT`, extra: {} };
  for (let i = 1; i <= n; i++) {
    await exporter.export(target, {
      accountId,
      broker: 'kite',
      accessToken: `${accountId}-${i}`,
      // Issued one second apart, in loop order: the file must end with the last one.
      issuedAt: new Date(Date.UTC(2025, 11, 31, 0, 0, i)),
      expiresAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
      apiKey: `${accountId}-key`,
      userId: null,
    });
  }
  process.stdout.write('done\n');
}

async function once(target: string, payloadJson: string): Promise<void> {
  const p = JSON.parse(payloadJson) as ExportPayload & { expiresAt: string; issuedAt: string };
  try {
    await exporter.export(JSON.parse(target) as ExportTarget, {
      ...p,
      issuedAt: new Date(p.issuedAt),
      expiresAt: new Date(p.expiresAt),
    });
    process.stdout.write(JSON.stringify({ ok: true }));
  } catch (e) {
    process.stdout.write(JSON.stringify({ ok: false, message: (e as Error).message }));
  }
}

const run =
  mode === 'loop'
    ? loop(args[0]!)
    : mode === 'race'
      ? race(args[0]!, args[1]!, args[2]!, Number(args[3]))
      : mode === 'once'
        ? once(args[0]!, args[1]!)
        : Promise.reject(new Error(`unknown mode ${mode}`));

run.catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
