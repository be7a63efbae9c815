/**
 * Where the settings document is stored. The store (settings-store.ts) holds all the logic —
 * validation, migrations, backups — over this small interface, so it runs in plain Node: with a JSON
 * file here, or with `conf` (electron-store's engine) in tests and electron-store in the app.
 */
import { mkdir, open } from 'node:fs/promises';
import { constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../export/atomic-write';
import { errnoCode } from '../export/fs-errors';
import { jsonErrorPosition } from '../export/json-error-position';

export type StoredSettings =
  | { readonly kind: 'missing' }
  | { readonly kind: 'ok'; readonly value: Record<string, unknown> }
  /** The file exists but is not a JSON object; `reason` locates the problem without quoting it. */
  | { readonly kind: 'unparseable'; readonly reason: string };

export interface SettingsBackend {
  /** The settings file (shown in messages; safety copies go beside it). */
  readonly path: string;
  read(): Promise<StoredSettings>;
  /** Replaces the whole document, atomically. */
  write(document: Record<string, unknown>): Promise<void>;
}

export function serializeSettings(document: Record<string, unknown>): string {
  return JSON.stringify(document, null, 2) + '\n';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses settings text; never throws, never echoes the text. */
export function parseSettings(text: string): StoredSettings {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'unparseable', reason: `it is not valid JSON (${jsonErrorPosition(text)})` };
  }
  return isRecord(value)
    ? { kind: 'ok', value }
    : { kind: 'unparseable', reason: 'its top level is not a JSON object' };
}

/** A settings file is a few KB; anything near this is not one, and is not read into memory. */
export const MAX_SETTINGS_BYTES = 8 * 1024 * 1024;
/** Never blocking on a FIFO or device: open() returns at once and fstat says what it is. */
const READ_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/**
 * The text of a settings file, or null when there is none. Only a regular file is read (a FIFO
 * would block the open and every read for ever, a device would stream without end) and only up to
 * MAX_SETTINGS_BYTES; anything else is `unparseable` with the reason, so the store explains it.
 */
async function readSettingsText(path: string): Promise<string | StoredSettings | null> {
  let handle;
  try {
    handle = await open(path, READ_FLAGS);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return null;
    throw e;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      return {
        kind: 'unparseable',
        reason: `it is not a regular file (${info.isDirectory() ? 'a folder' : info.isFIFO() ? 'a named pipe' : 'a device or socket'}): remove it`,
      };
    }
    if (info.size > MAX_SETTINGS_BYTES) {
      return {
        kind: 'unparseable',
        reason: `it is ${Math.ceil(info.size / 1024 / 1024)} MB, far larger than any settings file (at most ${MAX_SETTINGS_BYTES / 1024 / 1024} MB)`,
      };
    }
    // Read at most one byte past the limit: a file growing while we read is still bounded.
    const bytes = Buffer.alloc(Math.min(Number(info.size), MAX_SETTINGS_BYTES) + 1);
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > MAX_SETTINGS_BYTES) {
      return { kind: 'unparseable', reason: 'it kept growing while TokenTray read it' };
    }
    return bytes.subarray(0, filled).toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * For readers that open the file by themselves and synchronously (electron-store/conf at start):
 * what is wrong with the settings path, decided from stat alone — never opening it, so a FIFO cannot
 * block and a device cannot stream. null when it is absent or a regular file of a sane size.
 */
export function settingsPathProblem(path: string): string | null {
  let info;
  try {
    info = statSync(path); // follows a link: what a reader would open
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return null;
    return `the settings file ${path} cannot be checked (${errnoCode(e) ?? 'unknown error'})`;
  }
  if (!info.isFile()) {
    const what = info.isDirectory()
      ? 'a folder'
      : info.isFIFO()
        ? 'a named pipe'
        : 'a device or socket';
    return `the settings file ${path} is not a regular file (${what}): remove it, then start TokenTray again`;
  }
  if (info.size > MAX_SETTINGS_BYTES) {
    return `the settings file ${path} is ${Math.ceil(info.size / 1024 / 1024)} MB, far larger than any settings file: move it away, then start TokenTray again`;
  }
  return null;
}

/** A plain JSON file, written with the same atomic temp + fsync + rename as the exports. */
export function createJsonFileBackend(path: string): SettingsBackend {
  return {
    path,
    async read() {
      const text = await readSettingsText(path);
      if (text === null) return { kind: 'missing' };
      return typeof text === 'string' ? parseSettings(text) : text;
    },
    async write(document) {
      await mkdir(dirname(path), { recursive: true });
      await writeFileAtomic(path, serializeSettings(document), { mode: 0o600 });
    },
  };
}

// ------------------------------------------------------------------------------------- conf
/** What we use of a `conf` / electron-store instance. */
export interface ConfLike {
  readonly path: string;
  store: Record<string, unknown>;
}

const UNPARSEABLE = '__tokentray_unparseable__';

/**
 * Options for `new Conf(…)` / `new ElectronStore(…)`. conf would throw from its constructor on a
 * corrupt file (or, with clearInvalidConfig, silently wipe it); our deserialize never throws and
 * marks the problem instead, so the store can keep a copy and explain. conf writes through
 * `atomically` (temp + fsync + rename). Mode 0600: the file is not secret but it is nobody else's.
 */
export const settingsConfOptions = {
  clearInvalidConfig: false,
  accessPropertiesByDotNotation: false,
  configFileMode: 0o600,
  serialize: (value: Record<string, unknown>): string => serializeSettings(value),
  deserialize: (text: string): Record<string, unknown> => {
    const parsed = parseSettings(text);
    if (parsed.kind === 'ok') return parsed.value;
    return { [UNPARSEABLE]: parsed.kind === 'unparseable' ? parsed.reason : 'it is empty' };
  },
};

/** Adapts a conf/electron-store built with settingsConfOptions. */
export function createConfBackend(conf: ConfLike): SettingsBackend {
  return {
    path: conf.path,
    read() {
      // conf answers {} for a missing file; we need to tell "new" from "emptied".
      if (!existsSync(conf.path)) return Promise.resolve({ kind: 'missing' });
      const store = conf.store;
      const problem = store[UNPARSEABLE];
      if (problem !== undefined) {
        const reason = typeof problem === 'string' ? problem : 'it is not valid JSON';
        return Promise.resolve({ kind: 'unparseable', reason });
      }
      return Promise.resolve({ kind: 'ok', value: store });
    },
    write(document) {
      conf.store = document;
      return Promise.resolve();
    },
  };
}
