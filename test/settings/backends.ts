/**
 * The two real backends the settings store runs on in tests: `conf` (electron-store's engine, with
 * the options the app passes to electron-store) and a plain JSON file. Both in a fresh temp folder.
 */
import Conf from 'conf';
import { join } from 'node:path';
import {
  createConfBackend,
  createJsonFileBackend,
  settingsConfOptions,
  type SettingsBackend,
} from '../../electron/core/settings/settings-backend';

export interface BackendCase {
  readonly name: string;
  /** A backend whose file is `<dir>/config.json`. */
  readonly make: (dir: string) => SettingsBackend;
}

export const BACKENDS: readonly BackendCase[] = [
  {
    name: 'conf (electron-store engine)',
    make: (dir) =>
      createConfBackend(
        new Conf<Record<string, unknown>>({
          cwd: dir,
          configName: 'config',
          projectName: 'tokentray-test',
          ...settingsConfOptions,
        }),
      ),
  },
  { name: 'JSON file', make: (dir) => createJsonFileBackend(join(dir, 'config.json')) },
];
