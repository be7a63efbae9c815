/**
 * A Logger for tests that keeps every line raw (before any redaction), so a test can assert that a
 * secret never reached the logger at all, and which values were registered for masking.
 */
import type { Logger } from '../../electron/core/ports';

export interface LogEntry {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Record<string, unknown> | undefined;
}

export class RecordingLogger implements Logger {
  readonly entries: LogEntry[] = [];
  readonly registered = new Set<string>();
  info(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: 'info', message, fields });
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: 'warn', message, fields });
  }
  error(message: string, fields?: Record<string, unknown>): void {
    this.entries.push({ level: 'error', message, fields });
  }
  registerSecret(value: string): void {
    this.registered.add(value);
  }
  /** Everything written, as one string. */
  text(): string {
    return this.entries
      .map((e) => `${e.level} ${e.message} ${JSON.stringify(e.fields)}`)
      .join('\n');
  }
}
