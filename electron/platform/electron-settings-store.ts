/**
 * The SettingsStore of the app: electron-store (config.json in the app's userData folder) under the
 * core store, which does all the validation, migration and backup work (core/settings/). This file
 * only builds the electron-store with options that keep conf from throwing on, or wiping, a corrupt
 * file.
 */
import { app } from 'electron';
import ElectronStore from 'electron-store';
import { join } from 'node:path';
import { TokenTrayError } from '../core/errors';
import type { Logger, SecretStore } from '../core/ports';
import {
  createConfBackend,
  settingsConfOptions,
  settingsPathProblem,
} from '../core/settings/settings-backend';
import { createSettingsStore, type FileSettingsStore } from '../core/settings/settings-store';

export function createElectronSettingsStore(deps: {
  readonly secrets: SecretStore;
  readonly logger: Logger;
  /** Folder for config.json; default: the app's userData folder. */
  readonly cwd?: string;
}): FileSettingsStore {
  // conf reads config.json synchronously in its constructor: a FIFO planted there would block the
  // app at start for ever, a link to a device would stream without end. Decided from stat first.
  const problem = settingsPathProblem(join(deps.cwd ?? app.getPath('userData'), 'config.json'));
  if (problem)
    throw new TokenTrayError('config', `${problem[0]?.toUpperCase() ?? ''}${problem.slice(1)}.`);
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
