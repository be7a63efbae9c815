/**
 * Where this run finds its icons, renderer and preload: core's resourcePaths() fed with what Electron
 * says about the run (packaged or not, resources folder, app folder). electron-builder.yml ships
 * build/icons as `extraResources` → `process.resourcesPath/icons`; in development they are read from
 * the repo's build/icons (drawn by scripts/make-icons.mjs).
 */
import { app } from 'electron';
import { resourcePaths, type ResourcePaths } from '../core/app/resource-paths';

export function runtimePaths(): ResourcePaths {
  return resourcePaths({
    isPackaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    appPath: app.getAppPath(),
  });
}
