/**
 * Turns keytar/libsecret failures into errors that say what is wrong and what to do. The texts below
 * are the ones libsecret really produces (reproduced in test/secrets/keychain-errors.test.ts):
 *   no session bus     "Cannot autolaunch D-Bus without X11 $DISPLAY", "Could not connect: …"
 *   no Secret Service  "The name org.freedesktop.secrets was not provided by any .service files"
 *   no/locked login    "Object does not exist at path “/org/freedesktop/secrets/collection/login”",
 *                      "Cannot create an item in a locked collection"
 *   prompt dismissed   "… dismissed …" / "… cancelled …"
 *   daemon stopped     "The name :1.5 was not provided by any .service files" (libsecret's proxy still
 *                      names the unique bus name of the daemon that went away), "NameHasNoOwner",
 *                      "Remote peer disconnected"; the bus itself gone: "Connection refused"
 * The original text is kept in brackets for support, after removing any secret value from it.
 */
import { TokenTrayError } from '../errors';
import type { SecretKind } from '../ports';
import { secretLabel } from './secret-names';

export type KeychainOperation = 'read' | 'save' | 'delete' | 'check';

interface Rule {
  readonly test: RegExp;
  readonly advice: string;
  /** Where the keyring answered earlier in this process, this is what the message means. */
  readonly afterItAnswered?: string;
}

/** How to bring a keyring back that was running (said whenever one may have stopped). */
const RESTART =
  'restart it (log out and back in, or run `gnome-keyring-daemon --start --components=secrets`), unlock it, then try again';

const STOPPED = `the keyring service stopped while TokenTray was using it (killed, crashed, or its session ended): ${RESTART}`;

const RULES: readonly Rule[] = [
  {
    // Checked first: "not provided by any .service files" also appears here, but for the unique
    // name (":1.5") of the daemon TokenTray was talking to, which therefore existed and went away.
    test: /name :\d+\.\d+ was not provided|NameHasNoOwner|has no owner|Remote peer disconnected|connection (is|was) closed|Message recipient disconnected/i,
    advice: STOPPED,
  },
  {
    // A socket address that exists but nobody answers: the session bus (and the keyring on it) stopped.
    test: /Connection refused/i,
    advice: `the D-Bus session the keyring runs on stopped answering (connection refused), so the keyring service is gone with it: ${RESTART}; if this keeps happening, start TokenTray from your desktop session`,
  },
  {
    test: /autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|Could not connect|Failed to connect to socket|dbus-launch/i,
    advice:
      'no D-Bus session bus is reachable, so TokenTray cannot talk to the keyring. Start TokenTray from your desktop session (where DBUS_SESSION_BUS_ADDRESS is set); on a headless machine run it under `dbus-run-session` with gnome-keyring started and unlocked',
  },
  {
    test: /org\.freedesktop\.secrets|ServiceUnknown|not provided by any \.service files/i,
    // Nobody owns org.freedesktop.secrets and the bus cannot start one: either the keyring that ran
    // here stopped (and this bus has no .service file to restart it), or none is installed.
    advice:
      "no keyring service is running. If your keyring was running, it stopped: restart it (log out and back in, or run `gnome-keyring-daemon --start --components=secrets`) and unlock it. If none is installed, install gnome-keyring (sudo apt install gnome-keyring) or turn on KeePassXC's Secret Service integration, then log out and back in",

    // ... but if it answered this process before, it was installed and running: it stopped.
    afterItAnswered: STOPPED,
  },
  {
    test: /locked collection|is locked|Object does not exist at path|No such object|collection\/login|default collection/i,
    advice:
      'the keyring is locked, or there is no default ("Login") keyring: unlock it (Passwords and Keys → right-click Login → Unlock, or log out and in) or create a default keyring, then try again',
    // It worked before in this process: it was locked since, or its service stopped and the desktop
    // started a fresh, locked one (what D-Bus activation does after the daemon is killed).
    afterItAnswered:
      'the keyring is locked now (it was unlocked earlier: it has been locked since, or its service stopped and was restarted locked): unlock it (Passwords and Keys → right-click Login → Unlock, or log out and in), then try again',
  },
  {
    test: /Timeout was reached|timed out/i,
    advice:
      'the keyring did not answer in time; it may be waiting for you to unlock it. Unlock your keyring, then try again',
  },
  {
    test: /dismiss|cancel|denied|not allowed|NotAuthorized|AccessDenied|errSecAuthFailed|user interaction/i,
    advice:
      'access to the keyring was refused: allow TokenTray when your keyring asks, then try again',
  },
];

const VERB: Record<KeychainOperation, string> = {
  read: 'read',
  save: 'save',
  delete: 'delete',
  check: 'check',
};

function rawMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return typeof e === 'string' ? e : '';
}

/** The library's own words, minus any secret and trimmed, for the brackets at the end. */
function detail(message: string, secrets: readonly string[]): string {
  let safe = message;
  for (const s of secrets) if (s.length > 0) safe = safe.split(s).join('[secret]');
  safe = safe.replace(/\s+/g, ' ').trim();
  return safe.length > 160 ? `${safe.slice(0, 157)}…` : safe;
}

/**
 * The user-facing error for a failed keychain call. `subject` names what we were handling
 * (kind + account) or is null for the keyring as a whole; `secrets` are values that must not appear.
 */
export function keychainError(
  e: unknown,
  op: KeychainOperation,
  subject: { readonly accountId: string; readonly kind: SecretKind } | null,
  secrets: readonly string[] = [],
  /** Whether an earlier keychain call of this process succeeded (the keyring was running then). */
  answeredBefore = false,
): TokenTrayError {
  const message = rawMessage(e);
  const rule = RULES.find((r) => r.test.test(message));
  const what = subject
    ? `the ${secretLabel(subject.kind)} of account "${subject.accountId}"`
    : 'its secrets';
  const said = detail(message, secrets);
  const advice =
    (answeredBefore ? rule?.afterItAnswered : undefined) ??
    rule?.advice ??
    'check that your keyring is running and unlocked, then try again';
  return new TokenTrayError(
    'keychain',
    `TokenTray could not ${VERB[op]} ${what} in the system keychain: ${advice}.${said ? ` (keyring said: ${said})` : ''}`,
  );
}

/** keytar itself (a native module) could not be loaded. */
export function keytarLoadError(e: unknown): TokenTrayError {
  const said = detail(rawMessage(e), []);
  return new TokenTrayError(
    'keychain',
    `TokenTray cannot reach the system keychain because its keychain module (keytar) failed to load: reinstall TokenTray; on Linux also install libsecret (sudo apt install libsecret-1-0). Secrets are never stored anywhere else.${said ? ` (${said})` : ''}`,
  );
}
