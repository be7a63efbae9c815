/**
 * NotificationPort over Electron's Notification (electron/platform/notifications.ts): references are
 * kept (so clicks arrive), the same id replaces, withdraw closes, unsupported systems degrade quietly.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { DesktopNotification } from '../../electron/core/app/app-ports';
import type { Logger } from '../../electron/core/ports';
import { FakeNotification, fake, resetFake } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule());

const { createElectronNotifications } = await import('../../electron/platform/notifications');

const warnings: string[] = [];
const logger: Logger = {
  info: () => undefined,
  warn: (m) => void warnings.push(m),
  error: () => undefined,
  registerSecret: () => undefined,
};

const expiring: DesktopNotification = {
  id: 'upstox-main:expiry',
  accountId: 'upstox-main',
  title: 'Upstox token expires in 15 minutes',
  body: '"main" expires at 03:30 IST. Click to log in.',
  urgency: 'normal',
};

beforeEach(() => {
  resetFake();
  warnings.length = 0;
});

describe('notifications', () => {
  it('shows with the text, holds the reference, and runs the click callback', () => {
    const port = createElectronNotifications({ logger, icon: '/icons/app-256.png' });
    const onClick = vi.fn();
    port.show(expiring, onClick);
    const [n] = FakeNotification.instances;
    expect(n?.options).toMatchObject({
      id: expiring.id,
      title: expiring.title,
      body: expiring.body,
      icon: '/icons/app-256.png',
      urgency: 'normal',
      silent: true,
    });
    expect(n?.shown).toBe(1);
    expect(port.size).toBe(1); // kept alive: Electron holds only a weak reference (#16922)
    n?.emit('click', {});
    expect(onClick).toHaveBeenCalledTimes(1);
    expect(port.size).toBe(0);
  });

  it('keeps a notification the OS closed, so a later click from the notification centre still arrives', () => {
    const port = createElectronNotifications({ logger });
    const onClick = vi.fn();
    port.show(expiring, onClick);
    const [n] = FakeNotification.instances;
    n?.emit('close', {});
    expect(port.size).toBe(1);
    n?.emit('click', {});
    expect(onClick).toHaveBeenCalledTimes(1);
  });

  it('replaces by id: the old one is closed and its click no longer fires', () => {
    const port = createElectronNotifications({ logger });
    const first = vi.fn();
    const second = vi.fn();
    port.show(expiring, first);
    port.show({ ...expiring, title: 'Upstox token expires in 5 minutes' }, second);
    const [old, current] = FakeNotification.instances;
    expect(old?.closed).toBe(1);
    expect(port.size).toBe(1);
    old?.emit('click', {});
    current?.emit('click', {});
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('critical ones stay on screen and make a sound', () => {
    const port = createElectronNotifications({ logger });
    port.show({ ...expiring, id: 'x', urgency: 'critical' }, () => undefined);
    expect(FakeNotification.instances[0]?.options).toMatchObject({
      urgency: 'critical',
      timeoutType: 'never',
      silent: false,
    });
  });

  it('withdraw closes a stale one; unknown ids are ignored', () => {
    const port = createElectronNotifications({ logger });
    port.show(expiring, () => undefined);
    port.withdraw('nope');
    port.withdraw(expiring.id);
    expect(FakeNotification.instances[0]?.closed).toBe(1);
    expect(port.size).toBe(0);
  });

  it('without a notification service: nothing is created, one warning', () => {
    FakeNotification.supported = false;
    const port = createElectronNotifications({ logger });
    port.show(expiring, () => undefined);
    port.show({ ...expiring, id: 'other' }, () => undefined);
    expect(FakeNotification.instances).toHaveLength(0);
    expect(warnings).toHaveLength(1);
  });

  it('Windows: a long id becomes a toast tag of at most 64 characters; failures are heard', () => {
    fake.platform = 'win32';
    const port = createElectronNotifications({ logger, platform: 'win32' });
    const id = `${'a'.repeat(63)}:refresh-token`;
    port.show({ ...expiring, id }, () => undefined);
    const [n] = FakeNotification.instances;
    expect(String(n?.options.id).length).toBeLessThanOrEqual(64);
    n?.emit('failed', {}, 'toast refused');
    expect(warnings).toEqual(['notifications: the system refused a notification']);
    expect(port.size).toBe(0);
  });

  it('Linux: does not listen for `failed`, which Electron emits on macOS and Windows only', () => {
    const port = createElectronNotifications({ logger, platform: 'linux' });
    port.show(expiring, () => undefined);
    expect(FakeNotification.instances[0]?.listenerCount('failed')).toBe(0);
    expect(port.availability()).toBe('ok');
  });

  it('an unsigned macOS build: nothing is handed to the OS (it would drop it), one warning, a banner is due', () => {
    fake.platform = 'darwin';
    const port = createElectronNotifications({ logger, platform: 'darwin', deliverable: false });
    port.show(expiring, () => undefined);
    expect(FakeNotification.instances).toHaveLength(0);
    expect(port.availability()).toBe('unsigned');
    expect(warnings.join('\n')).toMatch(/unsigned/);
  });

  it('closeAll on quit', () => {
    const port = createElectronNotifications({ logger });
    port.show(expiring, () => undefined);
    port.show({ ...expiring, id: 'b' }, () => undefined);
    port.closeAll();
    expect(FakeNotification.instances.map((n) => n.closed)).toEqual([1, 1]);
  });
});
