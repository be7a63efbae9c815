/**
 * A recording stand-in for the `electron` module (Beekeeper Studio's security tests do the same):
 * every BrowserWindow remembers its options and the handlers registered on it, sessions remember
 * their permission handlers and webRequest listener, ipcMain its handlers, and so on. Tests install it
 * with
 *
 *   vi.mock('electron', async () => (await import('./fake-electron')).electronModule());
 *
 * then drive the adapters by emitting the events Electron would emit, and read what the adapters did
 * from `fake`. Only what the adapters use is modelled; anything else is absent on purpose, so an
 * adapter that starts using a new API fails here first.
 *
 * Held to Electron 45's own declarations (electron-api.ts reads electron.d.ts):
 * - listening for (or emitting) an event the Electron class does not declare throws — a misspelt
 *   `tray.on('clik')` type-checks against Electron's types (they extend EventEmitter), but fails here;
 * - an event or member declared for other platforms only throws on the emulated `fake.platform`
 *   (`Tray.setTitle` is macOS-only, `unlock-screen` never fires on Linux);
 * - what Electron forbids before `ready` throws until `app.whenReady()` resolved (windows, trays,
 *   notifications, sessions, powerMonitor, protocol.handle, net.fetch), and
 *   `protocol.registerSchemesAsPrivileged` throws after it;
 * - the compile-time checks at the end keep every fake member a real member of its Electron class.
 */
import type * as Electron from 'electron';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { assertDeclaredEvent, assertPlatformMember, type ApiName } from './electron-api';

/** Makes `emitter` refuse events its Electron class does not declare for the emulated platform. */
function declaredEventsOnly<T extends EventEmitter>(emitter: T, api: ApiName): T {
  for (const method of [
    'on',
    'once',
    'addListener',
    'prependListener',
    'prependOnceListener',
    'emit',
  ] as const) {
    const original = emitter[method].bind(emitter) as (...args: unknown[]) => unknown;
    Object.defineProperty(emitter, method, {
      value: (event: string | symbol, ...rest: unknown[]) => {
        assertDeclaredEvent(api, event, fake.platform);
        return original(event, ...rest);
      },
      configurable: true,
      writable: true,
    });
  }
  return emitter;
}

/** Throws like Electron does when a module that needs `ready` is used before it. */
function requireReady(what: string): void {
  if (!fake.app.ready) {
    throw new Error(
      `${what} cannot be used before the app is ready (Electron: wait for app.whenReady())`,
    );
  }
}

/** What Electron passes to will-navigate / will-redirect / will-frame-navigate listeners. */
export interface FakeNavigationEvent {
  readonly url: string;
  readonly isMainFrame: boolean;
  defaultPrevented: boolean;
  preventDefault(): void;
}

export function navigationEvent(url: string, isMainFrame = true): FakeNavigationEvent {
  return {
    url,
    isMainFrame,
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

export interface PreventableEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

export function preventable(): PreventableEvent {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

type WindowOpenHandler = (details: { url: string }) => { action: 'allow' | 'deny' };
type BeforeRequestListener = (
  details: { url: string; resourceType: string; webContentsId?: number },
  callback: (response: { cancel?: boolean }) => void,
) => void;

let nextWebContentsId = 1;

export class FakeWebRequest {
  filter: unknown = null;
  beforeRequest: BeforeRequestListener | null = null;
  onBeforeRequest(filterOrListener: unknown, maybeListener?: BeforeRequestListener | null): void {
    if (maybeListener === undefined) {
      this.filter = null;
      this.beforeRequest = filterOrListener as BeforeRequestListener | null;
    } else {
      this.filter = filterOrListener;
      this.beforeRequest = maybeListener;
    }
  }
  /** Runs a request through the listener; returns what it answered (allowed when none). */
  request(url: string, resourceType: string, webContentsId?: number): { cancel?: boolean } {
    let answer: { cancel?: boolean } | undefined;
    if (!this.beforeRequest) return {};
    this.beforeRequest(
      { url, resourceType, ...(webContentsId !== undefined ? { webContentsId } : {}) },
      (r) => {
        answer = r;
      },
    );
    if (!answer) throw new Error('onBeforeRequest listener did not call back');
    return answer;
  }
}

export class FakeProtocol {
  readonly handlers = new Map<string, (request: Request) => Promise<Response> | Response>();
  privileged: unknown[] = [];
  handle(scheme: string, handler: (request: Request) => Promise<Response> | Response): void {
    requireReady('protocol.handle');
    this.handlers.set(scheme, handler);
  }
  registerSchemesAsPrivileged(schemes: unknown[]): void {
    if (fake.app.ready) {
      throw new Error(
        'protocol.registerSchemesAsPrivileged can only be used before the app is ready',
      );
    }
    this.privileged.push(...schemes);
  }
}

export class FakeSession extends EventEmitter {
  permissionRequestHandler:
    | ((
        wc: unknown,
        permission: string,
        callback: (granted: boolean) => void,
        details: { requestingUrl?: string; isMainFrame: boolean },
      ) => void)
    | null = null;
  permissionCheckHandler:
    | ((
        wc: unknown,
        permission: string,
        origin: string,
        details: { requestingUrl?: string; isMainFrame: boolean },
      ) => boolean)
    | null = null;
  devicePermissionHandler: ((details: unknown) => boolean) | null = null;
  readonly webRequest = new FakeWebRequest();
  readonly protocol = new FakeProtocol();
  storageCleared = 0;
  constructor(readonly partition: string) {
    super();
    declaredEventsOnly(this, 'Session');
  }
  setPermissionRequestHandler(h: FakeSession['permissionRequestHandler']): void {
    this.permissionRequestHandler = h;
  }
  setPermissionCheckHandler(h: FakeSession['permissionCheckHandler']): void {
    this.permissionCheckHandler = h;
  }
  setDevicePermissionHandler(h: FakeSession['devicePermissionHandler']): void {
    this.devicePermissionHandler = h;
  }
  clearStorageData(): Promise<void> {
    this.storageCleared += 1;
    return Promise.resolve();
  }
  /** Asks the request handler; resolves with its answer. */
  requestPermission(
    permission: string,
    details: { requestingUrl?: string; isMainFrame: boolean } = { isMainFrame: true },
  ): boolean {
    let granted: boolean | undefined;
    if (!this.permissionRequestHandler) return true; // Electron's default: granted
    this.permissionRequestHandler({}, permission, (g) => (granted = g), details);
    if (granted === undefined) throw new Error('permission handler did not call back');
    return granted;
  }
  checkPermission(
    permission: string,
    origin: string,
    details: { requestingUrl?: string; isMainFrame: boolean } = { isMainFrame: true },
  ): boolean {
    if (!this.permissionCheckHandler) return true;
    return this.permissionCheckHandler({}, permission, origin, details);
  }
}

export class FakeWebContents extends EventEmitter {
  readonly id = nextWebContentsId++;
  windowOpenHandler: WindowOpenHandler | null = null;
  readonly sent: { channel: string; payload: unknown }[] = [];
  loading = false;
  destroyed = false;
  reloads = 0;
  constructor(readonly session: FakeSession) {
    super();
    declaredEventsOnly(this, 'WebContents');
  }
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  isLoading(): boolean {
    return this.loading;
  }
  reload(): void {
    this.reloads += 1;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Emits a navigation event like Electron; returns it so the test can see preventDefault. */
  navigate(
    event: 'will-navigate' | 'will-redirect' | 'will-frame-navigate',
    url: string,
    isMainFrame = true,
  ): FakeNavigationEvent {
    const e = navigationEvent(url, isMainFrame);
    this.emit(event, e, url);
    return e;
  }
  /** What window.open(url) would get. */
  openWindow(url: string): { action: 'allow' | 'deny' } {
    return this.windowOpenHandler ? this.windowOpenHandler({ url }) : { action: 'allow' };
  }
}

export interface FakeBrowserWindowOptions {
  readonly webPreferences?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

export class FakeBrowserWindow extends EventEmitter {
  static instances: FakeBrowserWindow[] = [];
  readonly webContents: FakeWebContents;
  readonly loaded: string[] = [];
  destroyed = false;
  visible = false;
  minimized = false;
  title = '';
  focused = 0;
  constructor(readonly options: FakeBrowserWindowOptions = {}) {
    super();
    requireReady('new BrowserWindow()');
    declaredEventsOnly(this, 'BrowserWindow');
    const partition = options.webPreferences?.partition;
    const session =
      typeof partition === 'string' ? fake.session.fromPartition(partition) : fake.defaultSession;
    this.webContents = new FakeWebContents(session);
    FakeBrowserWindow.instances.push(this);
    fake.app.emit('web-contents-created', {}, this.webContents);
  }
  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
    this.emit('show');
  }
  hide(): void {
    this.visible = false;
    this.emit('hide');
  }
  focus(): void {
    this.focused += 1;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  minimize(): void {
    this.minimized = true;
    this.emit('minimize');
  }
  restore(): void {
    this.minimized = false;
  }
  setTitle(title: string): void {
    this.title = title;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Like a user clicking the close button: 'close' (preventable), then 'closed'. */
  close(): PreventableEvent {
    const e = preventable();
    this.emit('close', e);
    if (!e.defaultPrevented) this.destroy();
    return e;
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.webContents.emit('destroyed');
    this.emit('closed');
  }
}

export class FakeNativeImage {
  template = false;
  constructor(readonly path: string) {}
  isEmpty(): boolean {
    return !existsSync(this.path);
  }
  setTemplateImage(on: boolean): void {
    this.template = on;
  }
}

export class FakeTray extends EventEmitter {
  static instances: FakeTray[] = [];
  image: FakeNativeImage;
  tooltip = '';
  title: string | null = null;
  menu: { template: unknown[] } | null = null;
  menusSet = 0;
  destroyed = false;
  constructor(image: FakeNativeImage) {
    super();
    requireReady('new Tray()');
    declaredEventsOnly(this, 'Tray');
    this.image = image;
    FakeTray.instances.push(this);
  }
  setImage(image: FakeNativeImage): void {
    this.image = image;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setTitle(title: string): void {
    assertPlatformMember('Tray', 'setTitle', fake.platform);
    this.title = title;
  }
  setContextMenu(menu: { template: unknown[] }): void {
    this.menu = menu;
    this.menusSet += 1;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export class FakeNotification extends EventEmitter {
  static instances: FakeNotification[] = [];
  static supported = true;
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  shown = 0;
  closed = 0;
  constructor(readonly options: Record<string, unknown>) {
    super();
    requireReady('new Notification()');
    declaredEventsOnly(this, 'Notification');
    FakeNotification.instances.push(this);
  }
  show(): void {
    this.shown += 1;
  }
  close(): void {
    this.closed += 1;
  }
}

type IpcHandler = (event: unknown, ...args: unknown[]) => unknown;

export interface FakeOptions {
  /** The emulated platform: platform-only events and members are checked against it. */
  readonly platform?: NodeJS.Platform;
  /** Whether app.whenReady() has resolved already (adapter tests); main's wiring starts false. */
  readonly ready?: boolean;
}

function createFake(options: FakeOptions = {}) {
  const sessions = new Map<string, FakeSession>();
  const defaultSession = new FakeSession('');
  const ipcHandlers = new Map<string, IpcHandler>();
  const paths: Record<string, string> = {};
  const app = Object.assign(declaredEventsOnly(new EventEmitter(), 'App'), {
    ready: options.ready ?? true,
    isPackaged: false,
    paths,
    appPath: '/app',
    dockCalls: { hidden: 0, shown: 0 },
    loginItems: [] as unknown[],
    wasOpenedAtLogin: false,
    quits: 0,
    singleInstance: true,
    userModelId: '',
    getPath: (name: string) => app.paths[name] ?? `/fake/${name}`,
    getVersion: () => '0.0.0-test',
    requestSingleInstanceLock: () => app.singleInstance,
    whenReady: () =>
      Promise.resolve().then(() => {
        app.ready = true;
      }),
    isReady: () => app.ready,
    setAppUserModelId: (id: string) => {
      assertPlatformMember('App', 'setAppUserModelId', fake.platform);
      app.userModelId = id;
    },
    /** Like Electron: quitting emits before-quit. */
    quit: () => {
      app.quits += 1;
      app.emit('before-quit', preventable());
    },
    exit: (code: number) => {
      throw new Error(`app.exit(${code})`);
    },
    getAppPath: () => app.appPath,
    loginItemStatus: 'not-registered',
    setLoginItemSettings: (settings: unknown) => {
      assertPlatformMember('App', 'setLoginItemSettings', fake.platform);
      app.loginItems.push(settings);
    },
    getLoginItemSettings: () => ({
      openAtLogin: app.loginItems.some(
        (s) => typeof s === 'object' && s !== null && (s as { openAtLogin?: boolean }).openAtLogin,
      ),
      wasOpenedAtLogin: app.wasOpenedAtLogin,
      status: app.loginItemStatus,
    }),
    applicationMenu: null as { template: unknown[] } | null,
    logsPathsSet: 0,
  });
  // Electron: `app.dock` exists on macOS only (undefined elsewhere).
  Object.defineProperty(app, 'dock', {
    get: () =>
      fake.platform === 'darwin'
        ? {
            hide: () => void app.dockCalls.hidden++,
            show: () => Promise.resolve(void app.dockCalls.shown++),
          }
        : undefined,
  });
  return {
    platform: options.platform ?? 'linux',
    app,
    defaultSession,
    sessions,
    ipcHandlers,
    protocol: new FakeProtocol(),
    opened: [] as string[],
    shownInFolder: [] as string[],
    openedPaths: [] as string[],
    openPathResult: '',
    saveDialogs: [] as unknown[],
    messageBoxes: [] as unknown[],
    ipcListeners: [] as string[],
    saveDialogResult: { canceled: false, filePath: '/home/me/bot/.env' } as {
      canceled: boolean;
      filePath?: string;
    },
    clipboardText: '',
    exposed: new Map<string, unknown>(),
    invoked: [] as { channel: string; args: unknown[] }[],
    rendererListeners: new Map<string, unknown[]>(),
    nativeTheme: Object.assign(declaredEventsOnly(new EventEmitter(), 'NativeTheme'), {
      shouldUseDarkColors: false,
      panelDark: false,
    }),
    powerMonitor: declaredEventsOnly(new EventEmitter(), 'PowerMonitor'),
    fetched: [] as string[],
    fetchImpl: null as ((input: string, init?: RequestInit) => Promise<Response>) | null,
    session: {
      fromPartition(partition: string): FakeSession {
        let s = sessions.get(partition);
        if (!s) {
          s = new FakeSession(partition);
          sessions.set(partition, s);
        }
        return s;
      },
    },
  };
}

/** The recorded state; reset between tests with resetFake(). */
export let fake = createFake();

export function resetFake(options: FakeOptions = {}): void {
  fake = createFake(options);
  FakeBrowserWindow.instances = [];
  FakeTray.instances = [];
  FakeNotification.instances = [];
  FakeNotification.supported = true;
}

/** Calls an ipcMain.handle handler the way Electron would for an invoke. */
export function invokeIpc(
  channel: string,
  sender: { webContentsId: number; frameUrl: string | null; isMainFrame?: boolean },
  payload: unknown,
): Promise<unknown> {
  const handler = fake.ipcHandlers.get(channel);
  if (!handler) return Promise.reject(new Error(`no ipcMain handler for ${channel}`));
  const frame =
    sender.frameUrl === null
      ? null
      : {
          url: sender.frameUrl,
          parent: sender.isMainFrame === false ? { url: 'app://tokentray/index.html' } : null,
        };
  // Electron awaits the handler and turns a throw into a rejected invoke; so does this.
  return Promise.resolve().then(() =>
    handler({ sender: { id: sender.webContentsId }, senderFrame: frame }, payload),
  );
}

/** The `electron` module as the adapters see it. Getters, so resetFake() takes effect. */
export function electronModule(): Record<string, unknown> {
  const mod = {
    BrowserWindow: FakeBrowserWindow,
    Tray: FakeTray,
    Notification: FakeNotification,
    Menu: {
      buildFromTemplate: (template: unknown[]) => ({ template }),
      setApplicationMenu: (menu: { template: unknown[] } | null) =>
        void (fake.app.applicationMenu = menu),
    },
    nativeImage: { createFromPath: (path: string) => new FakeNativeImage(path) },
    get app() {
      return fake.app;
    },
    get session() {
      return {
        fromPartition: (p: string) => {
          requireReady('session.fromPartition');
          return fake.session.fromPartition(p);
        },
        get defaultSession() {
          requireReady('session.defaultSession');
          return fake.defaultSession;
        },
      };
    },
    net: {
      fetch: (input: string, init?: RequestInit) => {
        requireReady('net.fetch');
        fake.fetched.push(input);
        return fake.fetchImpl
          ? fake.fetchImpl(input, init)
          : Promise.reject(new Error('fake net.fetch: no fetchImpl set'));
      },
    },
    get protocol() {
      return fake.protocol;
    },
    get nativeTheme() {
      const theme = fake.nativeTheme;
      // darwin/win32 only (electron.d.ts); reading it elsewhere is an adapter bug.
      if (!Object.getOwnPropertyDescriptor(theme, 'shouldUseDarkColorsForSystemIntegratedUI')) {
        Object.defineProperty(theme, 'shouldUseDarkColorsForSystemIntegratedUI', {
          get: () => {
            assertPlatformMember(
              'NativeTheme',
              'shouldUseDarkColorsForSystemIntegratedUI',
              fake.platform,
            );
            return theme.panelDark;
          },
        });
      }
      return theme;
    },
    get powerMonitor() {
      requireReady('powerMonitor');
      return fake.powerMonitor;
    },
    ipcMain: {
      handle: (channel: string, handler: IpcHandler) => {
        if (fake.ipcHandlers.has(channel)) throw new Error(`second handler for ${channel}`);
        fake.ipcHandlers.set(channel, handler);
      },
      removeHandler: (channel: string) => void fake.ipcHandlers.delete(channel),
      /** electron-store registers a sync channel for its renderer API (unused by TokenTray). */
      on: (channel: string) => void fake.ipcListeners.push(channel),
    },
    shell: {
      openExternal: (url: string) => {
        fake.opened.push(url);
        return Promise.resolve();
      },
      showItemInFolder: (path: string) => void fake.shownInFolder.push(path),
      openPath: (path: string) => {
        fake.openedPaths.push(path);
        return Promise.resolve(fake.openPathResult);
      },
    },
    dialog: {
      showSaveDialog: (...args: unknown[]) => {
        fake.saveDialogs.push(args);
        return Promise.resolve(fake.saveDialogResult);
      },
      showMessageBox: (options: unknown) => {
        fake.messageBoxes.push(options);
        return Promise.resolve({ response: 0 });
      },
      showErrorBox: (title: string, content: string) => {
        fake.messageBoxes.push({ title, content });
      },
    },
    clipboard: {
      readText: () => Promise.resolve(fake.clipboardText),
      writeText: (text: string) => {
        fake.clipboardText = text;
        return Promise.resolve();
      },
    },
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => void fake.exposed.set(key, api),
    },
    ipcRenderer: {
      invoke: (channel: string, ...args: unknown[]) => {
        fake.invoked.push({ channel, args });
        return Promise.resolve(undefined);
      },
      on: (channel: string, listener: unknown) => {
        fake.rendererListeners.set(channel, [
          ...(fake.rendererListeners.get(channel) ?? []),
          listener,
        ]);
      },
      removeListener: (channel: string, listener: unknown) => {
        fake.rendererListeners.set(
          channel,
          (fake.rendererListeners.get(channel) ?? []).filter((l) => l !== listener),
        );
      },
    },
  };
  // Not spread: the getters must stay getters, so every access sees the current (reset) fake.
  return Object.defineProperty(mod, 'default', { value: mod, enumerable: true });
}

// Compile-time: every member of a fake is a member of the Electron class it stands for, apart from
// the recorded state the tests read. A misspelt method (`setTooltip`) fails the type check.
type ExtraMembers<F, E, Recorded extends PropertyKey> = Exclude<keyof F, keyof E | Recorded>;
function onlyElectronMembers<T extends never>(): T | undefined {
  return undefined;
}
onlyElectronMembers<
  ExtraMembers<
    FakeTray,
    Electron.Tray,
    'image' | 'tooltip' | 'title' | 'menu' | 'menusSet' | 'destroyed'
  >
>();
onlyElectronMembers<
  ExtraMembers<
    FakeBrowserWindow,
    Electron.BrowserWindow,
    'options' | 'loaded' | 'destroyed' | 'visible' | 'minimized' | 'title' | 'focused'
  >
>();
onlyElectronMembers<
  ExtraMembers<
    FakeWebContents,
    Electron.WebContents,
    'windowOpenHandler' | 'sent' | 'loading' | 'destroyed' | 'reloads' | 'navigate' | 'openWindow'
  >
>();
onlyElectronMembers<
  ExtraMembers<
    FakeSession,
    Electron.Session,
    | 'permissionRequestHandler'
    | 'permissionCheckHandler'
    | 'devicePermissionHandler'
    | 'storageCleared'
    | 'partition'
    | 'requestPermission'
    | 'checkPermission'
  >
>();
onlyElectronMembers<
  ExtraMembers<FakeNotification, Electron.Notification, 'options' | 'shown' | 'closed'>
>();
