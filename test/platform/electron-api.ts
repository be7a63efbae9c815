/**
 * What Electron 45 itself declares, read from the installed `electron.d.ts`: for each class or
 * interface the fake stands in for, the event names its `on(event: '…')` overloads accept and the
 * members it has, each with the platforms its doc comment names (`@platform darwin,win32`).
 *
 * Electron's classes extend Node's EventEmitter, so `tray.on('clik', …)` type-checks; only this list
 * can tell a misspelt event from a real one. The fake (fake-electron.ts) refuses anything not here,
 * so an adapter that listens for an event Electron never emits fails its tests instead of going deaf
 * on a real desktop.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ApiName =
  | 'App'
  | 'BrowserWindow'
  | 'WebContents'
  | 'Session'
  | 'Tray'
  | 'Notification'
  | 'PowerMonitor'
  | 'NativeTheme';

export interface DeclaredApi {
  /** event name → platforms (null: every platform). */
  readonly events: ReadonlyMap<string, readonly string[] | null>;
  /** member name → platforms (null: every platform). */
  readonly members: ReadonlyMap<string, readonly string[] | null>;
}

const BLOCKS: Readonly<Record<ApiName, readonly string[]>> = {
  App: ['interface App extends'],
  BrowserWindow: ['class BaseWindow extends', 'class BrowserWindow extends'],
  WebContents: ['class WebContents extends'],
  Session: ['class Session extends'],
  Tray: ['class Tray extends'],
  Notification: ['class Notification extends'],
  PowerMonitor: ['interface PowerMonitor extends'],
  NativeTheme: ['interface NativeTheme extends'],
};

let source: string[] | null = null;

function lines(): string[] {
  if (!source) {
    const require = createRequire(import.meta.url);
    const file = join(dirname(require.resolve('electron/package.json')), 'electron.d.ts');
    source = readFileSync(file, 'utf8').split('\n');
  }
  return source;
}

function parseBlock(
  header: string,
  events: Map<string, string[] | null>,
  members: Map<string, string[] | null>,
): void {
  const all = lines();
  const start = all.findIndex((l) => l.startsWith(`  ${header}`));
  if (start < 0)
    throw new Error(`electron.d.ts has no "${header}": update test/platform/electron-api.ts`);
  let doc: string[] = [];
  let inDoc = false;
  for (let i = start + 1; i < all.length; i += 1) {
    const line = all[i] ?? '';
    if (line.startsWith('  }')) break;
    const trimmed = line.trim();
    // Only a member's own doc comment (4 spaces in) counts; parameter docs sit deeper.
    if (/^ {4}\/\*\*/.test(line)) {
      inDoc = true;
      doc = [];
    }
    if (inDoc) {
      doc.push(trimmed);
      if (trimmed.endsWith('*/')) inDoc = false;
      continue;
    }
    const platformLine = doc.find((d) => d.includes('@platform'));
    const platforms = platformLine
      ? (platformLine.split('@platform')[1] ?? '')
          .trim()
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean)
      : null;
    const ev = /^ {4}(?:on|off|once|addListener|removeListener)\(event: '([^']+)'/.exec(line);
    if (ev?.[1]) {
      // on/once/addListener/removeListener repeat each event; the first one with a doc comment counts.
      if (!events.has(ev[1]) || doc.length > 0) events.set(ev[1], platforms);
      doc = [];
      continue;
    }
    const member = /^ {4}(?:static |readonly )*([A-Za-z_$][\w$]*)[?]?[(:<]/.exec(line);
    if (member?.[1]) {
      members.set(member[1], platforms);
      doc = [];
    }
  }
}

const cache = new Map<ApiName, DeclaredApi>();

export function declaredApi(name: ApiName): DeclaredApi {
  let api = cache.get(name);
  if (!api) {
    const events = new Map<string, string[] | null>();
    const members = new Map<string, string[] | null>();
    for (const header of BLOCKS[name]) parseBlock(header, events, members);
    api = { events, members };
    cache.set(name, api);
  }
  return api;
}

/** Node's EventEmitter events every emitter has. */
const EMITTER_EVENTS = new Set(['newListener', 'removeListener']);

/**
 * Throws when `event` is not one Electron declares for `name`, or is declared only for other
 * platforms than `platform` (listening is harmless there, but it never fires: the adapter is wrong).
 */
export function assertDeclaredEvent(name: ApiName, event: string | symbol, platform: string): void {
  if (typeof event !== 'string' || EMITTER_EVENTS.has(event)) return;
  const api = declaredApi(name);
  if (!api.events.has(event)) {
    throw new Error(`Electron's ${name} has no event '${event}' (electron.d.ts): misspelt?`);
  }
  const platforms = api.events.get(event);
  if (platforms && !platforms.includes(platform)) {
    throw new Error(
      `Electron's ${name} emits '${event}' on ${platforms.join(', ')} only, never on ${platform}`,
    );
  }
}

/** Throws when `member` is declared for other platforms only. */
export function assertPlatformMember(name: ApiName, member: string, platform: string): void {
  const api = declaredApi(name);
  if (!api.members.has(member)) {
    throw new Error(`Electron's ${name} has no member '${member}' (electron.d.ts)`);
  }
  const platforms = api.members.get(member);
  if (platforms && !platforms.includes(platform)) {
    throw new Error(
      `Electron's ${name}.${member} exists on ${platforms.join(', ')} only, not on ${platform}`,
    );
  }
}
