/**
 * Shared set-up for the app tests: the harness (test/helpers/app-harness.ts) with the real keytar
 * store under a per-file keychain service. The app tests need the keychain, like every test that
 * stores a secret: they run under `bash scripts/with-keyring.sh` and are skipped without it.
 */
import { DateTime } from 'luxon';
import { afterEach } from 'vitest';
import { createKeytarSecretStore } from '../../electron/core/secrets/keytar-secret-store';
import { startAppHarness, type AppHarness, type AppHarnessOptions } from '../helpers/app-harness';
import { testService } from '../secrets/keyring';

export { keyringAvailable, requireKeyringInCi } from '../secrets/keyring';

export const M = 60_000;
export const H = 60 * M;

/** An IST wall-clock time as an instant: ist('2026-12-08T10:00'). */
export const ist = (iso: string): Date =>
  DateTime.fromISO(iso, { zone: 'Asia/Kolkata' }).toJSDate();

const open: AppHarness[] = [];

afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
});

/** A harness closed automatically after the test. */
export async function startTestApp(
  options: Omit<AppHarnessOptions, 'secrets'> & Partial<Pick<AppHarnessOptions, 'secrets'>>,
): Promise<AppHarness> {
  const secrets = options.secrets ?? createKeytarSecretStore({ service: testService() });
  const h = await startAppHarness({ ...options, secrets });
  open.push(h);
  return h;
}
