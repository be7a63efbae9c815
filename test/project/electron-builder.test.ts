/**
 * Packaging cannot run here (electron-builder downloads Electron), so this test checks
 * electron-builder.yml the way electron-builder itself would: its own schema validation, plus the
 * fields a user's install depends on (id, name, icons, one target per desktop OS).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
// electron-builder's own validator (app-builder-lib is the library behind the CLI).
import { validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import type { Configuration } from 'app-builder-lib';

const root = new URL('../..', import.meta.url).pathname;
const raw: unknown = parse(readFileSync(`${root}electron-builder.yml`, 'utf8'));

const targets = (t: unknown) =>
  z
    .array(z.union([z.string(), z.object({ target: z.string() })]))
    .parse(t)
    .map((x) => (typeof x === 'string' ? x : x.target));

describe('electron-builder.yml', () => {
  const config = z
    .object({
      appId: z.string(),
      productName: z.string(),
      icon: z.string(),
      directories: z.object({ output: z.string(), buildResources: z.string() }),
      files: z.array(z.string()),
      extraResources: z.array(z.object({ from: z.string(), to: z.string() })),
      linux: z.object({ target: z.unknown(), category: z.string(), icon: z.string() }),
      mac: z.looseObject({ target: z.unknown(), category: z.string(), icon: z.string() }),
      win: z.object({ target: z.unknown(), icon: z.string() }),
    })
    .parse(raw);

  it('passes electron-builder’s own schema validation', async () => {
    await expect(
      validateConfiguration(raw as Configuration, new DebugLogger(false)),
    ).resolves.toBeUndefined();
  });

  it('names the app and gives it a reverse-DNS id', () => {
    expect(config.productName).toBe('TokenTray');
    expect(config.appId).toMatch(/^[a-z0-9]+(\.[a-z0-9-]+){2,}$/);
  });

  it('builds AppImage + deb on Linux, dmg on macOS, nsis on Windows', () => {
    expect(targets(config.linux.target).sort()).toEqual(['AppImage', 'deb']);
    expect(targets(config.mac.target)).toEqual(['dmg']);
    expect(targets(config.win.target)).toEqual(['nsis']);
  });

  it('points at icons that exist and are big enough for every platform', () => {
    for (const icon of [config.icon, config.linux.icon, config.mac.icon, config.win.icon]) {
      const path = `${root}${icon}`;
      expect(existsSync(path), `${icon} exists`).toBe(true);
      const png = readFileSync(path);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      // IHDR width/height: electron-builder needs ≥ 512×512 to make a macOS .icns.
      expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(512);
      expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(512);
    }
  });

  it('ships the built app and the tray icons the main process loads at run time', () => {
    expect(config.files).toEqual(expect.arrayContaining(['dist/**', 'dist-electron/**']));
    const tray = config.extraResources.find((r) => r.to === 'icons');
    expect(tray?.from).toBe('build/icons');
    expect(existsSync(`${root}build/icons`)).toBe(true);
  });

  it('deb depends adds libsecret to electron-builder’s defaults instead of replacing them', () => {
    const scheme = z
      .object({
        definitions: z.object({
          DebOptions: z.object({
            properties: z.object({ depends: z.object({ default: z.array(z.string()) }) }),
          }),
        }),
      })
      .parse(JSON.parse(readFileSync(`${root}node_modules/app-builder-lib/scheme.json`, 'utf8')));
    const defaults = scheme.definitions.DebOptions.properties.depends.default;
    const deb = z.object({ deb: z.object({ depends: z.array(z.string()) }) }).parse(raw).deb;
    expect(defaults).toContain('libgtk-3-0');
    expect(deb.depends).toEqual(expect.arrayContaining([...defaults, 'libsecret-1-0']));
  });

  it('macOS: hardened runtime, the entitlements file it names, and notarization', () => {
    const mac = z
      .object({
        hardenedRuntime: z.boolean(),
        notarize: z.boolean(),
        entitlements: z.string(),
        entitlementsInherit: z.string(),
      })
      .parse(config.mac);
    expect(mac.hardenedRuntime).toBe(true);
    expect(mac.notarize).toBe(true);
    const plist = readFileSync(`${root}${mac.entitlements}`, 'utf8');
    expect(plist).toContain('com.apple.security.cs.allow-jit');
    // Nothing beyond what V8 needs: no library-validation exception, no device access.
    expect(plist).not.toMatch(/disable-library-validation|device\.|personal-information/);
    expect(existsSync(`${root}${mac.entitlementsInherit}`)).toBe(true);
  });

  it('matches package.json: the main entry is inside the shipped files', () => {
    const pkg = z
      .object({ main: z.string(), scripts: z.record(z.string(), z.string()) })
      .parse(JSON.parse(readFileSync(`${root}package.json`, 'utf8')));
    expect(pkg.main).toBe('dist-electron/main.js');
    expect(pkg.scripts.dist).toContain('electron-builder --config electron-builder.yml');
  });
});
