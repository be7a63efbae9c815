/**
 * The SettingsStore of the app: electron-store (config.json in the app's userData folder) under the
 * core store, which does all the validation, migration and backup work (core/settings/). This file
 * only builds the electron-store with options that keep conf from throwing on, or wiping, a corrupt
 * file.
 */
import ElectronStore from 'electron-store';
import type { Logger, SecretStore } from '../core/ports';
import { createConfBackend, settingsConfOptions } from '../core/settings/settings-backend';
import { createSettingsStore, type FileSettingsStore } from '../core/settings/settings-store';

export function createElectronSettingsStore(deps: {
  readonly secrets: SecretStore;
  readonly logger: Logger;
  /** Folder for config.json; default: the app's userData folder. */
  readonly cwd?: string;
}): FileSettingsStore {
  const store = new ElectronStore<Record<string, unknown>>({
    name: 'config',
    ...settingsConfOptions,
    ...(deps.cwd ? { cwd: deps.cwd } : {}),
  });
  return createSettingsStore({
    backend: createConfBackend(store),
    secrets: deps.secrets,
    logger: deps.logger,
  });
}
