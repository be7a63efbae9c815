/**
 * Issue 11 in the tray menu: "Log in all (N)" heads the menu when a login helps N accounts now, and
 * its click is the app's 'login-all' action; each account's dot comes from its readiness.
 * trayMenuTemplate only imports Electron's types, so the template is inspected directly.
 */
import { describe, expect, it } from 'vitest';
import type { TrayAction, TrayModel } from '../../electron/core/app/app-ports';
import { trayMenuTemplate } from '../../electron/platform/tray-menu';

const base: TrayModel = {
  icon: 'valid',
  tooltip: 'TokenTray',
  title: '',
  accounts: [
    {
      accountId: 'upstox-main',
      label: 'Upstox · main — Log in after 03:30',
      status: 'critical', // the token's clock says "under an hour"…
      icon: 'valid', // …but readiness says nothing is wrong yet
      canRefresh: false,
      canCopy: true,
      busy: false,
    },
  ],
  notificationsPausedUntil: null,
  startAtLogin: false,
};

describe('tray menu: Log in all', () => {
  it('is offered first, with the count, when a login helps; its click is login-all', () => {
    const actions: TrayAction[] = [];
    const menu = trayMenuTemplate({ ...base, loginAllCount: 2 }, (a) => actions.push(a));
    expect(menu[0]).toMatchObject({ id: 'login-all', label: 'Log in all (2)' });
    menu[0]?.click?.(undefined as never, undefined, undefined as never);
    expect(actions).toEqual([{ kind: 'login-all' }]);
  });

  it('is absent when nobody needs a login now (or the model predates it)', () => {
    for (const model of [{ ...base, loginAllCount: 0 }, base]) {
      const menu = trayMenuTemplate(model, () => undefined);
      expect(menu.map((m) => m.id)).not.toContain('login-all');
    }
  });

  it("draws each account's dot from its readiness, not its countdown", () => {
    const drawn: string[] = [];
    trayMenuTemplate(
      base,
      () => undefined,
      (status) => {
        drawn.push(status);
        return {} as never;
      },
    );
    expect(drawn).toEqual(['valid']);
  });
});
