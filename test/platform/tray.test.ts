/**
 * The tray adapter (electron/platform/tray.ts, tray-menu.ts) against a recording fake: it draws what
 * core's TrayModel says — icon per status and panel colour, tooltip, macOS title, the menu — and turns
 * every click into the matching TrayAction.
 */
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { TrayAction, TrayModel } from '../../electron/core/app/app-ports';
import { silentLogger } from '../../electron/core/ports';
import { FakeTray, fake, resetFake, type FakeNativeImage } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).electronModule());

const { createElectronTray } = await import('../../electron/platform/tray');
const { menuText } = await import('../../electron/platform/tray-menu');

const ICONS = join(new URL('../..', import.meta.url).pathname, 'build', 'icons', 'tray');

interface Item {
  id?: string;
  label?: string;
  type?: string;
  enabled?: boolean;
  checked?: boolean;
  icon?: FakeNativeImage;
  submenu?: Item[];
  click?: () => void;
}

const model: TrayModel = {
  icon: 'expiring',
  tooltip: 'TokenTray — next expiry in 2h 5m\nUpstox · main — 2h 5m\nFYERS · algo — 9h',
  title: '2h 5m',
  accounts: [
    {
      accountId: 'upstox-main',
      label: 'Upstox · main — 2h 5m',
      status: 'expiring',
      canRefresh: false,
      canCopy: true,
      busy: false,
    },
    {
      accountId: 'fyers-algo',
      label: 'FYERS · R&D — 9h',
      status: 'revoked',
      canRefresh: true,
      canCopy: false,
      busy: false,
    },
  ],
  notificationsPausedUntil: null,
  startAtLogin: false,
};

function setUp(platform: NodeJS.Platform = 'linux') {
  fake.platform = platform;
  const actions: TrayAction[] = [];
  const tray = createElectronTray({
    trayIconsDir: ICONS,
    onAction: (a) => actions.push(a),
    logger: silentLogger,
    platform,
  });
  const fakeTray = FakeTray.instances[0];
  if (!fakeTray) throw new Error('no tray');
  const items = () => (fakeTray.menu?.template ?? []) as Item[];
  const find = (id: string) => {
    const all = items().flatMap((i) => [i, ...(i.submenu ?? [])]);
    const item = all.find((i) => i.id === id);
    if (!item) throw new Error(`no menu item ${id}`);
    return item;
  };
  return { tray, fakeTray, actions, items, find };
}

beforeEach(() => {
  resetFake();
});

describe('tray', () => {
  it('shows the worst status as its icon, on the panel colour, with the tooltip', () => {
    const { tray, fakeTray } = setUp();
    expect(fakeTray.image.path).toBe(join(ICONS, 'none-light.png'));
    tray.render(model);
    expect(fakeTray.image.path).toBe(join(ICONS, 'expiring-light.png'));
    expect(fakeTray.image.isEmpty()).toBe(false); // the file exists (scripts/make-icons.mjs)
    expect(fakeTray.tooltip).toBe(model.tooltip);
    expect(fakeTray.title).toBeNull(); // setTitle is macOS-only

    fake.nativeTheme.shouldUseDarkColors = true;
    fake.nativeTheme.emit('updated');
    expect(fakeTray.image.path).toBe(join(ICONS, 'expiring-dark.png'));
  });

  it('macOS: countdown as the title, and a template image when there is nothing to show', () => {
    const { tray, fakeTray } = setUp('darwin');
    expect(fakeTray.image.path).toBe(join(ICONS, 'noneTemplate.png'));
    expect(fakeTray.image.template).toBe(true);
    tray.render(model);
    expect(fakeTray.title).toBe('2h 5m');
    tray.render({ ...model, icon: 'none', title: '', accounts: [] });
    expect(fakeTray.title).toBe('');
    expect(fakeTray.image.path).toBe(join(ICONS, 'noneTemplate.png'));
  });

  it('has one line per account with Log in / Refresh now / Validate / Copy token', () => {
    const { tray, items, find } = setUp();
    tray.render(model);
    const [upstox, fyers] = items();
    expect(upstox?.label).toBe('Upstox · main — 2h 5m');
    expect(upstox?.icon?.path).toBe(join(ICONS, 'expiring-light.png'));
    expect(upstox?.submenu?.map((i) => i.label)).toEqual([
      'Log in',
      'Validate',
      'Copy token to clipboard',
    ]);
    // "&" is an access-key marker on Windows/Linux; the label must show it as typed.
    expect(fyers?.label).toBe('FYERS · R&&D — 9h');
    expect(fyers?.icon?.path).toBe(join(ICONS, 'expired-light.png')); // revoked shows as expired
    expect(fyers?.submenu?.map((i) => i.label)).toEqual([
      'Log in',
      'Refresh now',
      'Validate',
      'Copy token to clipboard',
    ]);
    expect(find('fyers-algo:copy-token').enabled).toBe(false);
    expect(find('upstox-main:copy-token').enabled).toBe(true);
    expect(items().map((i) => i.label ?? i.type)).toEqual([
      'Upstox · main — 2h 5m',
      'FYERS · R&&D — 9h',
      'separator',
      'Open dashboard',
      'Pause notifications until tomorrow',
      'Start at login',
      'separator',
      'Quit TokenTray',
    ]);
  });

  it('turns every click into its TrayAction', () => {
    const { tray, find, actions } = setUp();
    tray.render(model);
    for (const id of [
      'upstox-main:login',
      'upstox-main:validate',
      'upstox-main:copy-token',
      'fyers-algo:refresh',
      'open-dashboard',
      'pause-notifications',
      'start-at-login',
      'quit',
    ]) {
      find(id).click?.();
    }
    expect(actions).toEqual([
      { kind: 'login', accountId: 'upstox-main' },
      { kind: 'validate', accountId: 'upstox-main' },
      { kind: 'copy-token', accountId: 'upstox-main' },
      { kind: 'refresh', accountId: 'fyers-algo' },
      { kind: 'open-dashboard' },
      { kind: 'pause-notifications' },
      { kind: 'set-start-at-login', enabled: true },
      { kind: 'quit' },
    ]);
  });

  it('offers Resume while paused, and turns Start at login off when it is on', () => {
    const { tray, find, actions } = setUp();
    tray.render({
      ...model,
      notificationsPausedUntil: '2026-03-11T03:30:00.000Z',
      startAtLogin: true,
    });
    const pause = find('pause-notifications');
    expect(pause.checked).toBe(true);
    expect(pause.label).toMatch(/^Notifications paused until 09:00 IST, Wed 11 Mar/);
    pause.click?.();
    find('start-at-login').click?.();
    expect(actions).toEqual([
      { kind: 'resume-notifications' },
      { kind: 'set-start-at-login', enabled: false },
    ]);
  });

  it('disables the account commands while the account is busy', () => {
    const { tray, find } = setUp();
    tray.render({
      ...model,
      accounts: model.accounts.map((a) => ({ ...a, busy: true })),
    });
    for (const id of [
      'upstox-main:login',
      'upstox-main:validate',
      'upstox-main:copy-token',
      'fyers-algo:refresh',
    ]) {
      expect(find(id).enabled, id).toBe(false);
    }
  });

  it('says so when there are no accounts', () => {
    const { tray, items } = setUp();
    tray.render({ ...model, icon: 'none', accounts: [] });
    expect(items()[0]).toMatchObject({
      label: expect.stringMatching(/No accounts yet/) as unknown,
      enabled: false,
    });
  });

  it('rebuilds the menu only when the model changes (Linux needs a fresh setContextMenu each time)', () => {
    const { tray, fakeTray } = setUp();
    const initial = fakeTray.menusSet; // the start-up menu (Open dashboard, Quit)
    tray.render(model);
    tray.render({ ...model });
    expect(fakeTray.menusSet).toBe(initial + 1);
    tray.render({ ...model, title: '2h 4m' });
    expect(fakeTray.menusSet).toBe(initial + 2);
  });

  it('Windows and Linux (KDE): a click on the icon opens the dashboard; macOS leaves it to the menu', () => {
    for (const platform of ['win32', 'linux'] as const) {
      resetFake();
      const { fakeTray, actions } = setUp(platform);
      fakeTray.emit('click');
      expect(actions, platform).toEqual([{ kind: 'open-dashboard' }]);
    }
    resetFake();
    const { fakeTray } = setUp('darwin');
    expect(fakeTray.listenerCount('click')).toBe(0);
  });

  it('has a menu with Quit from the start, before any model', () => {
    const { fakeTray, actions } = setUp();
    const template = (fakeTray.menu?.template ?? []) as Item[];
    expect(template.map((i) => i.id)).toEqual(['open-dashboard', undefined, 'quit']);
    template.find((i) => i.id === 'quit')?.click?.();
    expect(actions).toEqual([{ kind: 'quit' }]);
  });

  it('when the app could not start, the menu says so and still offers the log folder and Quit', () => {
    fake.platform = 'linux';
    const openLogFolder = vi.fn();
    const quit = vi.fn();
    const tray = createElectronTray({
      trayIconsDir: ICONS,
      onAction: () => undefined,
      logger: silentLogger,
      platform: 'linux',
      openLogFolder,
      quit,
    });
    tray.renderStartFailure('the settings file is not valid JSON');
    const fakeTray = FakeTray.instances[0];
    const template = (fakeTray?.menu?.template ?? []) as Item[];
    expect(template[0]).toMatchObject({ label: 'TokenTray could not start', enabled: false });
    template.find((i) => i.id === 'open-log-folder')?.click?.();
    template.find((i) => i.id === 'quit')?.click?.();
    expect(openLogFolder).toHaveBeenCalledTimes(1);
    expect(quit).toHaveBeenCalledTimes(1);
    expect(fakeTray?.tooltip).toMatch(/could not start/);
  });

  it('Windows: a tooltip listing many accounts is cut to whole lines within 128 characters', () => {
    const { tray, fakeTray } = setUp('win32');
    const long = [
      'TokenTray: 1 needs you',
      ...Array.from({ length: 9 }, (_, i) => `Kite · account number ${i} — good until 06:00`),
    ].join('\n');
    tray.render({ ...model, tooltip: long });
    expect(fakeTray.tooltip.length).toBeLessThanOrEqual(127);
    expect(fakeTray.tooltip).toMatch(/more — open TokenTray$/);
  });

  it('Windows: the icon variant follows the taskbar, not the app theme', () => {
    const { tray, fakeTray } = setUp('win32');
    fake.nativeTheme.shouldUseDarkColors = false; // light app theme
    fake.nativeTheme.panelDark = true; // dark taskbar
    tray.render(model);
    expect(fakeTray.image.path).toMatch(/-dark\.png$/);
  });

  it('Linux: never reads the macOS/Windows-only panel colour; GNOME’s top bar gets the dark variant', () => {
    fake.platform = 'linux';
    createElectronTray({
      trayIconsDir: ICONS,
      onAction: () => undefined,
      logger: silentLogger,
      platform: 'linux',
      env: { XDG_CURRENT_DESKTOP: 'ubuntu:GNOME' },
    }).render(model);
    expect(FakeTray.instances[0]?.image.path).toMatch(/-dark\.png$/);
  });

  it('destroys the tray on quit', () => {
    const { tray, fakeTray } = setUp();
    const initial = fakeTray.menusSet;
    tray.destroy();
    expect(fakeTray.destroyed).toBe(true);
    tray.render(model); // a late render after quit is ignored
    expect(fakeTray.menusSet).toBe(initial);
  });

  it('menuText doubles ampersands only', () => {
    expect(menuText('A & B && C')).toBe('A && B &&&& C');
  });
});
