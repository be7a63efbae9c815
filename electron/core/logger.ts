/**
 * The app's logger: electron-log's plain-Node entry (so it runs in tests and the main process alike)
 * writing to a size-rotated file in the app's data folder. A hook runs every message through the
 * Redactor before any transport sees it: registered secrets never reach the file.
 */
import electronLog from 'electron-log/node';
import { join } from 'node:path';
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

export function createFileLogger(options: FileLoggerOptions): FileLogger {
  const redactor = new Redactor();
  const log = electronLog.create({ logId: `tokentray-${++instances}` });
  const path = join(options.dir, options.fileName ?? 'tokentray.log');
  log.transports.file.resolvePathFn = () => path;
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
