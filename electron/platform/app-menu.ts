/**
 * The application menu (core/app/desktop.ts appMenuModel → Electron's Menu): on every platform, so
 * Quit and Help → Open log folder / Copy diagnostics are reachable without a tray icon and after a
 * failed start. The window hides its menu bar (autoHideMenuBar) until Alt is pressed on Linux and
 * Windows; macOS shows it in the menu bar.
 */
import { Menu, type MenuItemConstructorOptions } from 'electron';
import { appMenuModel, type AppMenuCommand } from '../core/app/desktop';

export function installAppMenu(
  run: (command: AppMenuCommand) => void,
  platform: NodeJS.Platform = process.platform,
): void {
  const template: MenuItemConstructorOptions[] = appMenuModel(platform).map((section) => ({
    label: section.label,
    submenu: section.items.map((item): MenuItemConstructorOptions => {
      if (item.separator) return { type: 'separator' };
      if (item.role) return { role: item.role, label: item.label };
      const command = item.command;
      return {
        label: item.label,
        ...(item.accelerator ? { accelerator: item.accelerator } : {}),
        ...(command ? { click: () => run(command) } : {}),
      };
    }),
  }));
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
