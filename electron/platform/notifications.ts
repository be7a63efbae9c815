/**
 * NotificationPort over Electron's main-process `Notification`.
 *
 * - Every shown notification is kept in a map by id until it is replaced, withdrawn or clicked:
 *   Electron holds only a weak reference, so an unreferenced Notification can be garbage-collected
 *   and its `click` silently never fires (electron/electron#16922, #12690). The map is bounded by the
 *   number of distinct ids (one per account and purpose).
 * - The same id replaces: the old one is closed first (and the OS id lets macOS/Windows replace it in
 *   Notification Center / Action Center too).
 * - `withdraw` closes it (on Windows that also removes it from the Action Center; Electron docs,
 *   Notification "close()").
 * - Where the system has no notification service (`Notification.isSupported()` false, e.g. a Linux
 *   session without a notification daemon) it logs once and does nothing: the tray and dashboard
 *   still show everything, and `availability()` tells main to put a banner in the dashboard.
 * - macOS delivers through UNUserNotificationCenter, which drops every notification of an unsigned
 *   app without a word (only a log line): main passes `deliverable: false` for such a build, and the
 *   port then behaves as unsupported.
 * - The id becomes Windows' toast tag, which allows 64 characters (core/app/desktop.ts).
 * - `failed` is emitted on macOS and Windows only (electron.d.ts), so it is listened to only there.
 */
import { Notification } from 'electron';
import type { DesktopNotification, NotificationPort } from '../core/app/app-ports';
import { notificationTag } from '../core/app/desktop';
import type { Logger } from '../core/ports';

export type NotificationAvailability = 'ok' | 'unsupported' | 'unsigned';

export interface ElectronNotificationsOptions {
  readonly logger: Logger;
  /** Icon shown beside the text (Linux, Windows). */
  readonly icon?: string;
  readonly platform?: NodeJS.Platform;
  /** False for an unsigned macOS build: macOS would drop every notification silently. */
  readonly deliverable?: boolean;
}

export interface ElectronNotifications extends NotificationPort {
  /** How many notifications are held (for tests and diagnostics). */
  readonly size: number;
  /** Closes every notification (app quit). */
  closeAll(): void;
  /** Whether notifications can reach the user here; anything but 'ok' deserves a dashboard banner. */
  availability(): NotificationAvailability;
}

export function createElectronNotifications(
  options: ElectronNotificationsOptions,
): ElectronNotifications {
  const platform = options.platform ?? process.platform;
  const shown = new Map<string, Notification>();
  let warnedUnsupported = false;

  const availability = (): NotificationAvailability => {
    if (options.deliverable === false) return 'unsigned';
    return Notification.isSupported() ? 'ok' : 'unsupported';
  };

  function drop(id: string): void {
    const old = shown.get(id);
    if (!old) return;
    shown.delete(id);
    old.removeAllListeners();
    old.close();
  }

  return {
    get size() {
      return shown.size;
    },
    availability,
    show(notification: DesktopNotification, onClick: () => void): void {
      const state = availability();
      if (state !== 'ok') {
        if (!warnedUnsupported) {
          warnedUnsupported = true;
          options.logger.warn(
            state === 'unsigned'
              ? 'notifications: macOS drops notifications of an unsigned build; alerts show in the tray and dashboard only'
              : 'notifications: this system has no notification service; alerts show in the tray and dashboard only',
          );
        }
        return;
      }
      drop(notification.id);
      const critical = notification.urgency === 'critical';
      const n = new Notification({
        id: notificationTag(notification.id),
        title: notification.title,
        body: notification.body,
        silent: !critical,
        // Linux/Windows: a critical one stays until the user acts on it.
        urgency: critical ? 'critical' : 'normal',
        timeoutType: critical ? 'never' : 'default',
        ...(options.icon ? { icon: options.icon } : {}),
      });
      n.on('click', () => {
        if (shown.get(notification.id) === n) shown.delete(notification.id);
        onClick();
      });
      if (platform === 'darwin' || platform === 'win32') {
        n.on('failed', (_event, error) => {
          options.logger.warn('notifications: the system refused a notification', { error });
          if (shown.get(notification.id) === n) shown.delete(notification.id);
        });
      }
      shown.set(notification.id, n);
      n.show();
    },
    withdraw(id: string): void {
      drop(id);
    },
    closeAll(): void {
      for (const id of [...shown.keys()]) drop(id);
    },
  };
}
