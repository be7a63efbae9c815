/**
 * The contract between the platform-free app (electron/core/app.ts: TokenService + Scheduler +
 * notification policy + tray presenter, all plain Node) and the thin Electron adapters in
 * electron/platform/. main.ts builds the adapters, hands them to `createTokenTrayApp`, and wires
 * Electron's events to the handle it gets back. Tests and the trading-week bench plug in recording
 * fakes instead, so everything a user sees is decided here, in code that runs without Electron.
 */
import type { IpcChannel, IpcRequest, IpcResult } from '../../../shared/ipc-contract';
import type { TokenStatus } from '../../../shared/status';

/** Icon colour set: the worst status over all accounts (revoked shows as expired). */
export type TrayIconStatus = 'valid' | 'expiring' | 'critical' | 'expired' | 'none';

export interface TrayAccountItem {
  readonly accountId: string;
  /** "Upstox · main — 5h 12m" */
  readonly label: string;
  readonly status: TokenStatus;
  /** The item's dot, from its readiness (issue 11); absent: drawn from `status`. */
  readonly icon?: TrayIconStatus;
  /** Refresh now is offered only where the broker allows renewal without the login page. */
  readonly canRefresh: boolean;
  readonly canCopy: boolean;
  readonly busy: boolean;
}

/** Everything the tray shows; the platform adapter renders it and nothing else. */
export interface TrayModel {
  readonly icon: TrayIconStatus;
  /** Tooltip on every platform: soonest countdown and a line per account. */
  readonly tooltip: string;
  /** macOS menu-bar title: the soonest countdown ("5h 12m"), '' when there is nothing to count. */
  readonly title: string;
  readonly accounts: readonly TrayAccountItem[];
  readonly notificationsPausedUntil: string | null;
  readonly startAtLogin: boolean;
  /** How many accounts "Log in all" would open now (readiness needs-login or broken → log in). */
  readonly loginAllCount?: number;
}

export type TrayAction =
  | { readonly kind: 'login' | 'refresh' | 'validate' | 'copy-token'; readonly accountId: string }
  | { readonly kind: 'open-dashboard' }
  /** Opens the login windows of every account a login helps now, one after another. */
  | { readonly kind: 'login-all' }
  | { readonly kind: 'pause-notifications' }
  | { readonly kind: 'resume-notifications' }
  | { readonly kind: 'set-start-at-login'; readonly enabled: boolean }
  | { readonly kind: 'quit' };

export interface TrayPort {
  render(model: TrayModel): void;
}

export interface DesktopNotification {
  /** Stable per account and purpose, so a newer one replaces an older one and stale ones can be withdrawn. */
  readonly id: string;
  readonly accountId: string | null;
  readonly title: string;
  readonly body: string;
  readonly urgency: 'normal' | 'critical';
}

export interface NotificationPort {
  /** Shows (or replaces, same id) a notification; `onClick` runs when the user clicks it. */
  show(notification: DesktopNotification, onClick: () => void): void;
  /** Removes a notification that is no longer true (e.g. the account was renewed). */
  withdraw(id: string): void;
}

/** The system clipboard; async because Electron's clipboard API is (electron.d.ts, Clipboard). */
export interface ClipboardPort {
  readText(): Promise<string>;
  writeText(text: string): Promise<void>;
}

/** OS integration the dashboard's commands need. */
export interface ShellPort {
  /** Shows the folder of an export target in the file manager. */
  showInFolder(path: string): Promise<void>;
  /** Asks the user for a .env file to write to; null when cancelled. */
  chooseEnvFile(suggestedName?: string): Promise<string | null>;
  openDashboard(): void;
  setStartAtLogin(enabled: boolean): void;
  quit(): void;
}

export type PowerEvent = 'suspend' | 'resume' | 'unlock-screen' | 'clock-changed';

/** One handler per IPC channel; main's IPC adapter validates the payload and the sender first. */
export type IpcHandlers = {
  readonly [C in IpcChannel]: (request: IpcRequest<C>) => Promise<IpcResult<C>>;
};

/** What `createTokenTrayApp` returns to main.ts. */
export interface TokenTrayAppHandle {
  /** Loads settings, validates tokens, starts the scheduler, renders the tray. */
  start(): Promise<void>;
  stop(): void;
  readonly ipc: IpcHandlers;
  /** Subscribes to snapshots for the renderer push channel (masked tokens only). */
  onSnapshot(listener: (snapshot: IpcResult<'snapshot:get'>) => void): () => void;
  handleTrayAction(action: TrayAction): Promise<void>;
  handlePowerEvent(event: PowerEvent): void;
}
