/**
 * The app's logger: electron-log's plain-Node entry (so it runs in tests and the main process alike)
 * writing to a size-rotated file in the app's data folder. A hook runs every message through the
 * Redactor before any transport sees it: registered secrets never reach the file.
 *
 * The log is nobody else's business (account ids, paths, broker messages): the folder is created
 * 0700 and every log file 0600 from creation. electron-log opens its files with `writeOptions.mode`
 * (default 0666, i.e. 0644 under the usual umask) both at first use and when it starts a new file
 * after rotation; the rotated `.old.log` is a rename, so it keeps 0600. A file left by an older
 * TokenTray at a looser mode is tightened before the first line is written, and so is its folder.
 */
import electronLog from 'electron-log/node';
import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
} from 'node:fs';
import { join, parse } from 'node:path';
import type { Logger } from './ports';
import { Redactor } from './redactor';

export interface FileLoggerOptions {
  /** Folder for the log file (the app's logs folder in production). */
  readonly dir: string;
  readonly fileName?: string;
  /** Rotate when the file grows past this; the previous file is kept as `<name>.old.log`. */
  readonly maxSizeBytes?: number;
  /** Also print to the console (development). */
  readonly console?: boolean;
  readonly level?: 'error' | 'warn' | 'info';
}

export interface FileLogger extends Logger {
  readonly path: string;
  readonly redactor: Redactor;
}

let instances = 0;

const LOG_MODE = 0o600;

/**
 * Creates the file 0600 if missing, or tightens an existing one of ours to 0600, without following
 * a link (O_NOFOLLOW) and without blocking on a FIFO (O_NONBLOCK). Anything else is left alone and
 * reported; electron-log will then fail to write there and say so on the console.
 */
function ensurePrivateFile(path: string, mustExist: boolean): void {
  let fd: number;
  try {
    fd = openSync(
      path,
      constants.O_WRONLY |
        constants.O_APPEND |
        constants.O_NOFOLLOW |
        constants.O_NONBLOCK |
        (mustExist ? 0 : constants.O_CREAT),
      LOG_MODE,
    );
  } catch {
    return; // missing .old.log, a link, a folder …: nothing of ours to tighten
  }
  try {
    const st = fstatSync(fd);
    const mine = typeof process.getuid !== 'function' || st.uid === process.getuid();
    if (st.isFile() && mine && (st.mode & 0o777) !== LOG_MODE) fchmodSync(fd, LOG_MODE);
  } finally {
    closeSync(fd);
  }
}

export function createFileLogger(options: FileLoggerOptions): FileLogger {
  const redactor = new Redactor();
  const log = electronLog.create({ logId: `tokentray-${++instances}` });
  const path = join(options.dir, options.fileName ?? 'tokentray.log');
  mkdirSync(options.dir, { recursive: true, mode: 0o700 });
  // The folder of an older TokenTray (0755): tightened too, if it is really ours and not a link.
  const folder = lstatSync(options.dir);
  const ours = typeof process.getuid !== 'function' || folder.uid === process.getuid();
  if (folder.isDirectory() && ours && (folder.mode & 0o077) !== 0) chmodSync(options.dir, 0o700);
  ensurePrivateFile(path, false);
  const { dir, name, ext } = parse(path);
  ensurePrivateFile(join(dir, `${name}.old${ext}`), true);
  log.transports.file.resolvePathFn = () => path;
  // Used by electron-log for every file it creates (first use and after each rotation).
  log.transports.file.writeOptions = { flag: 'a', mode: LOG_MODE, encoding: 'utf8' };
  log.transports.file.maxSize = options.maxSizeBytes ?? 1024 * 1024;
  log.transports.file.level = options.level ?? 'info';
  log.transports.file.sync = true;
  log.transports.console.level = options.console ? (options.level ?? 'info') : false;
  // electron-log keeps its hooks in an array of functions that may rewrite a message's data.
  log.hooks.push((message) => ({
    ...message,
    data: message.data.map((d: unknown) => {
      const safe = redactor.redact(d);
      return typeof safe === 'string' ? safe : JSON.stringify(safe);
    }),
  }));
  const write =
    (level: 'info' | 'warn' | 'error') =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (fields) log[level](message, fields);
      else log[level](message);
    };
  return {
    path,
    redactor,
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    registerSecret: (value) => redactor.register(value),
  };
}
