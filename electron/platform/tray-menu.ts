/**
 * The tray's context menu as an Electron menu template, built from core's TrayModel and nothing else:
 * every label, every enabled state comes from the model, and every click becomes a TrayAction for
 * the app (TokenTrayAppHandle.handleTrayAction). No Electron calls here, only its types, so the
 * template is inspected directly in tests.
 *
 *   Upstox · main — 5h 12m   ▸ Log in / Refresh now / Validate / Copy token to clipboard
 *   ──────────
 *   Open dashboard
 *   ☐ Pause notifications until tomorrow
 *   ☑ Start at login
 *   ──────────
 *   Quit TokenTray
 */
import type { MenuItemConstructorOptions, NativeImage } from 'electron';
import type { TrayAccountItem, TrayAction, TrayIconStatus, TrayModel } from '../core/app/app-ports';
import type { TokenStatus } from '../../shared/status';
import { describeInstant } from '../../shared/countdown';

/**
 * On Windows and Linux "&" in a label marks the next letter as the access key (Electron docs,
 * MenuItem "label"); an account called "Mom & Dad" must show its "&".
 */
export function menuText(text: string): string {
  return text.replace(/&/g, '&&');
}

export function iconStatusOf(status: TokenStatus): TrayIconStatus {
  return status === 'revoked' ? 'expired' : status;
}

/** "09:15" in the user's locale and zone. */
/** When the pause ends, in IST (the brokers' and the reminders' zone) with the local time beside. */
function timeOf(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const { ist, local } = describeInstant(d, Intl.DateTimeFormat().resolvedOptions().timeZone);
  return local ? `${ist} · ${local}` : ist;
}

function accountItem(
  account: TrayAccountItem,
  act: (action: TrayAction) => void,
  icon: ((status: TrayIconStatus) => NativeImage) | undefined,
): MenuItemConstructorOptions {
  const id = account.accountId;
  const submenu: MenuItemConstructorOptions[] = [
    {
      id: `${id}:login`,
      label: 'Log in',
      enabled: !account.busy,
      click: () => act({ kind: 'login', accountId: id }),
    },
  ];
  if (account.canRefresh) {
    submenu.push({
      id: `${id}:refresh`,
      label: 'Refresh now',
      enabled: !account.busy,
      click: () => act({ kind: 'refresh', accountId: id }),
    });
  }
  submenu.push(
    {
      id: `${id}:validate`,
      label: 'Validate',
      enabled: !account.busy && account.status !== 'none',
      click: () => act({ kind: 'validate', accountId: id }),
    },
    {
      id: `${id}:copy-token`,
      label: 'Copy token to clipboard',
      enabled: account.canCopy && !account.busy,
      click: () => act({ kind: 'copy-token', accountId: id }),
    },
  );
  return {
    id: `account:${id}`,
    label: menuText(account.label),
    ...(icon ? { icon: icon(account.icon ?? iconStatusOf(account.status)) } : {}),
    submenu,
  };
}

export function trayMenuTemplate(
  model: TrayModel,
  act: (action: TrayAction) => void,
  icon?: (status: TrayIconStatus) => NativeImage,
): MenuItemConstructorOptions[] {
  const accounts: MenuItemConstructorOptions[] =
    model.accounts.length > 0
      ? model.accounts.map((a) => accountItem(a, act, icon))
      : [
          {
            id: 'no-accounts',
            label: 'No accounts yet — add one in the dashboard',
            enabled: false,
          },
        ];
  const paused = model.notificationsPausedUntil;
  // Issue 11: one click for every account a login helps now (their windows open one by one).
  const loginAll: MenuItemConstructorOptions[] =
    (model.loginAllCount ?? 0) > 0
      ? [
          {
            id: 'login-all',
            label: `Log in all (${model.loginAllCount ?? 0})`,
            click: () => act({ kind: 'login-all' }),
          },
        ]
      : [];
  return [
    ...loginAll,
    ...accounts,
    { type: 'separator' },
    {
      id: 'open-dashboard',
      label: 'Open dashboard',
      click: () => act({ kind: 'open-dashboard' }),
    },
    {
      id: 'pause-notifications',
      type: 'checkbox',
      label: paused
        ? `Notifications paused until ${timeOf(paused)}`
        : 'Pause notifications until tomorrow',
      checked: paused !== null,
      click: () => act(paused ? { kind: 'resume-notifications' } : { kind: 'pause-notifications' }),
    },
    {
      id: 'start-at-login',
      type: 'checkbox',
      label: 'Start at login',
      checked: model.startAtLogin,
      click: () => act({ kind: 'set-start-at-login', enabled: !model.startAtLogin }),
    },
    { type: 'separator' },
    { id: 'quit', label: 'Quit TokenTray', click: () => act({ kind: 'quit' }) },
  ];
}
