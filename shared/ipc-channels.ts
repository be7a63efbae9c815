/**
 * The IPC channel names and the preload's function names, without the schemas: the preload imports
 * only this file, so the sandboxed preload bundle carries no zod (a few hundred bytes instead of
 * ~190 KB). Every name is still checked by the compiler against ipc-contract.ts (type-only imports:
 * nothing of that module is loaded here).
 */
import type { IpcChannel, TokenTrayApi } from './ipc-contract';

/** Main → renderer push channel: a new snapshot. */
export const SNAPSHOT_EVENT = 'snapshot:changed';

/** Which preload function serves which channel: one name per channel, checked by the compiler. */
export const API_NAMES: Readonly<Record<IpcChannel, Exclude<keyof TokenTrayApi, 'onSnapshot'>>> = {
  'snapshot:get': 'getSnapshot',
  'account:login': 'login',
  'account:refresh': 'refresh',
  'account:validate': 'validate',
  'account:forget': 'forget',
  'account:save': 'saveAccount',
  'account:open-export-folder': 'openExportFolder',
  'dialog:choose-env-file': 'chooseEnvFile',
  'preferences:get': 'getPreferences',
  'preferences:save': 'savePreferences',
  'activity:list': 'listActivity',
  'accounts:login-all': 'loginAll',
  'account:cancel-login': 'cancelLogin',
  'remote:test-connection': 'testRemoteConnection',
  'remote:set-secret': 'setRemoteSecret',
  'account:retry-delivery': 'retryDelivery',
  'alerts:status': 'getAlertChannels',
  'alerts:set-secret': 'setAlertSecret',
  'alerts:send-test': 'sendTestAlert',
  'local-api:configure': 'configureLocalApi',
  'desktop:notices': 'getDesktopNotices',
};

/** Every channel, in the contract's order. */
export const IPC_CHANNELS = Object.keys(API_NAMES) as IpcChannel[];
