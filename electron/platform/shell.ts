/**
 * ShellPort (core/app/app-ports.ts) over Electron's dialog and shell.
 *
 * - chooseEnvFile: a Save dialog, because the .env file may not exist yet. TokenTray rewrites only its
 *   own lines in an existing file (core/export), which the dialog's message says where the OS shows
 *   one (macOS); hidden files are shown, since `.env` is one.
 * - showInFolder: carries out core/policy/reveal-path.ts `planReveal`: `shell.showItemInFolder` for
 *   an existing file (it selects, never runs), `shell.openPath` only for a path just checked to be
 *   a plain directory — never for a file, which openPath would launch (`…\calc.exe\x.env`).
 * - openDashboard / setStartAtLogin / quit: handed in by main.ts, which owns those objects.
 */
import { dialog, shell, type BrowserWindow, type SaveDialogOptions } from 'electron';
import type { ShellPort } from '../core/app/app-ports';
import { TokenTrayError } from '../core/errors';
import { planReveal } from '../core/policy/reveal-path';

export interface ElectronShellOptions {
  /** The dashboard window, as the dialogs' parent (null: no parent). */
  readonly parentWindow: () => BrowserWindow | null;
  readonly openDashboard: () => void;
  readonly setStartAtLogin: (enabled: boolean) => void;
  readonly quit: () => void;
}

export function createElectronShell(options: ElectronShellOptions): ShellPort {
  return {
    async chooseEnvFile(suggestedName) {
      const dialogOptions: SaveDialogOptions = {
        title: 'Choose the .env file your bot reads',
        buttonLabel: 'Use this file',
        defaultPath: suggestedName ?? '.env',
        message:
          'TokenTray updates only its own lines in this file; everything else stays as it is.',
        nameFieldLabel: 'File',
        filters: [
          { name: 'Environment files', extensions: ['env'] },
          { name: 'All files', extensions: ['*'] },
        ],
        properties: ['showHiddenFiles', 'createDirectory', 'dontAddToRecent'],
      };
      const parent = options.parentWindow();
      const result = parent
        ? await dialog.showSaveDialog(parent, dialogOptions)
        : await dialog.showSaveDialog(dialogOptions);
      if (result.canceled || !result.filePath) return null;
      return result.filePath;
    },
    async showInFolder(path) {
      const plan = await planReveal(path);
      if (plan.action === 'refuse') throw new TokenTrayError('config', plan.message);
      if (plan.action === 'show-item') {
        shell.showItemInFolder(plan.path);
        return;
      }
      const error = await shell.openPath(plan.path);
      if (error) {
        throw new TokenTrayError('export', `Could not open the folder ${plan.path}: ${error}.`);
      }
    },
    openDashboard: () => options.openDashboard(),
    setStartAtLogin: (enabled) => options.setStartAtLogin(enabled),
    quit: () => options.quit(),
  };
}
