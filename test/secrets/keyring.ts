/**
 * The keychain tests run against a real Secret Service: `bash scripts/with-keyring.sh npx vitest …`
 * starts a private, unlocked gnome-keyring and sets TOKENTRAY_TEST_KEYRING=1. On a developer machine
 * without it they are skipped; in CI (CI set) a missing keyring fails the run loudly instead of
 * skipping quietly, because these are the only tests of the code that guards every secret.
 */
import { randomBytes } from 'node:crypto';

export const keyringAvailable = process.env.TOKENTRAY_TEST_KEYRING === '1';

export function requireKeyringInCi(): void {
  if (process.env.CI && !keyringAvailable) {
    throw new Error(
      'The keychain tests must run against a real Secret Service in CI: run vitest through `bash scripts/with-keyring.sh` (apt install dbus gnome-keyring libsecret-tools).',
    );
  }
}

/** A keychain service name of its own per test file, so parallel files never see each other. */
export function testService(): string {
  return `TokenTray-test-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** The secret the error tests' child process tries to store: no message may ever contain it. */
export const CHILD_SECRET = 'SECRET-VALUE-do-not-print-7f3a';
