/**
 * The one typed IPC contract between main and renderer (after GitHub Desktop's ipc-shared.ts): each
 * channel maps to its request schema and its result schema. Main validates every request with these
 * schemas before acting; the preload exposes one named function per channel and nothing else.
 */
import { z } from 'zod';
import { alertChannelIdSchema, alertChannelStatusSchema } from './alert-settings';
import {
  accountConfigSchema,
  accountIdSchema,
  accountInputSchema,
  activityEntrySchema,
  DEFAULT_ACCOUNT_THRESHOLDS,
  envExportTargetSchema,
  jsonExportTargetSchema,
  preferencesSchema,
  snapshotSchema,
  thresholdsSchema,
} from './domain';
import { remoteExportTargetSchema } from './remote-targets';

const idRequest = z.object({ id: accountIdSchema }).strict();
const empty = z.object({}).strict();

/**
 * Requests are strict at every level: a key the contract does not name is refused with its name, not
 * silently dropped (a misspelt `storePIN` would otherwise save as "off" and say "saved"). The domain
 * schemas themselves stay lenient, because the settings file may carry keys of other versions.
 */
const strictAccountInput = accountInputSchema
  .extend({
    config: accountConfigSchema
      .extend({
        exportTargets: z
          .array(
            z.discriminatedUnion('kind', [
              envExportTargetSchema.strict(),
              jsonExportTargetSchema.strict(),
            ]),
          )
          .max(10)
          .default([]),
        thresholds: thresholdsSchema.strict().default(DEFAULT_ACCOUNT_THRESHOLDS),
      })
      .strict(),
  })
  .strict();

/** Test connection's answer; SSH adds the presented host key and whether it still needs confirming. */
export const connectionTestResultSchema = z.object({
  ok: z.boolean(),
  message: z.string(),
  fingerprint: z.string().optional(),
  needsConfirmation: z.boolean().optional(),
});

/** Every command answers with this: ok, or a message that says what to do. */
export const commandResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type CommandResult = z.infer<typeof commandResultSchema>;

/** "Log in all": the accounts added to the queue, most urgent first (empty: nothing needs a login). */
export const loginAllResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), queued: z.array(accountIdSchema) }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type LoginAllResult = z.infer<typeof loginAllResultSchema>;

/** Settings → Local API: what may change (all optional: `{}` just reads the state). */
export const localApiRequestSchema = z
  .object({
    enabled: z.boolean().optional(),
    port: z
      .number()
      .int()
      .min(1024, 'use a port from 1024 to 65535')
      .max(65535, 'use a port from 1024 to 65535')
      .optional(),
    new_key: z.enum(['status', 'token']).optional(),
  })
  .strict();

export const localApiStateSchema = z.object({
  enabled: z.boolean(),
  port: z.number().int(),
  listening: z.array(z.string()),
  keys: z.array(z.enum(['status', 'token'])),
  /** Only in the answer that made it: shown once. */
  new_key: z.string().optional(),
});
export type LocalApiStateView = z.infer<typeof localApiStateSchema>;

export const localApiResultSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), state: localApiStateSchema }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type LocalApiResult = z.infer<typeof localApiResultSchema>;

export const ipcContract = {
  'snapshot:get': { request: empty, result: snapshotSchema },
  'account:login': { request: idRequest, result: commandResultSchema },
  'account:refresh': {
    request: z
      .object({
        id: accountIdSchema,
        pin: z
          .string()
          .regex(/^\d{4}$/, 'the PIN is 4 digits')
          .optional(),
      })
      .strict(),
    result: commandResultSchema,
  },
  'account:validate': { request: idRequest, result: commandResultSchema },
  'account:forget': { request: idRequest, result: commandResultSchema },
  'account:save': { request: strictAccountInput, result: commandResultSchema },
  'account:open-export-folder': { request: idRequest, result: commandResultSchema },
  'dialog:choose-env-file': {
    request: z.object({ suggestedName: z.string().max(100).optional() }).strict(),
    result: z.object({ path: z.string().nullable() }),
  },
  'preferences:get': { request: empty, result: preferencesSchema },
  'preferences:save': { request: preferencesSchema.strict(), result: commandResultSchema },
  'activity:list': {
    request: z
      .object({
        id: accountIdSchema.optional(),
        limit: z.number().int().min(1).max(500).optional(),
      })
      .strict(),
    result: z.array(activityEntrySchema),
  },
  /** "Log in all" (issue 11): queues every account a login helps now; progress in snapshot.loginQueue. */
  'accounts:login-all': { request: empty, result: loginAllResultSchema },
  /** Cancel during login: closes the account's login window; `rest` also empties the queue. */
  'account:cancel-login': {
    request: z.object({ id: accountIdSchema, rest: z.boolean().optional() }).strict(),
    result: commandResultSchema,
  },
  /** Remote targets (issue 10): Test connection with the form's values (secret not yet saved). */
  'remote:test-connection': {
    request: z
      .object({
        id: accountIdSchema,
        target: remoteExportTargetSchema,
        secret: z.string().max(4096).optional(),
      })
      .strict(),
    result: connectionTestResultSchema,
  },
  /** Stores a remote target's secret in the keychain ('' deletes it); never echoed back. */
  'remote:set-secret': {
    request: z
      .object({
        id: accountIdSchema,
        kind: z.enum(['ssh-passphrase', 'redis-password', 'webhook-secret']),
        value: z.string().max(4096),
      })
      .strict(),
    result: commandResultSchema,
  },
  /** "Retry delivery": the account's failed remote deliveries, now. */
  'account:retry-delivery': { request: idRequest, result: commandResultSchema },
  /** Settings → Alert channels (issue 13): each channel's state; never a secret. */
  'alerts:status': { request: empty, result: z.array(alertChannelStatusSchema) },
  /** Stores the Telegram bot token or the alert webhook's secret in the keychain ('' deletes it). */
  'alerts:set-secret': {
    request: z.object({ channel: alertChannelIdSchema, value: z.string().max(4096) }).strict(),
    result: commandResultSchema,
  },
  /** "Send test message": one attempt now; answers the channel's state after it. */
  'alerts:send-test': {
    request: z.object({ channel: alertChannelIdSchema }).strict(),
    result: alertChannelStatusSchema,
  },
  /**
   * Settings → Local API (issue 15): turn the loopback API on/off, change its port, or make a new key
   * of a scope. The new key is in this answer once and never again (it lives in the keychain).
   */
  'local-api:configure': {
    request: localApiRequestSchema,
    result: localApiResultSchema,
  },
  /** What this desktop cannot do (no tray icon, no notifications, …), for the dashboard's banner. */
  'desktop:notices': {
    request: empty,
    result: z.object({ notices: z.array(z.string().max(1000)).max(10) }),
  },
} as const;

export type IpcChannel = keyof typeof ipcContract;
export type IpcRequest<C extends IpcChannel> = z.input<(typeof ipcContract)[C]['request']>;
export type IpcResult<C extends IpcChannel> = z.infer<(typeof ipcContract)[C]['result']>;

// Channel and function names live in ipc-channels.ts (schema-free, for the preload bundle).
export { API_NAMES, IPC_CHANNELS, SNAPSHOT_EVENT } from './ipc-channels';

/**
 * The API the preload exposes on `window.tokentray`. Renderer code and the demo bridge both implement
 * or consume exactly this type.
 */
export interface TokenTrayApi {
  getSnapshot(): Promise<IpcResult<'snapshot:get'>>;
  login(req: IpcRequest<'account:login'>): Promise<CommandResult>;
  refresh(req: IpcRequest<'account:refresh'>): Promise<CommandResult>;
  validate(req: IpcRequest<'account:validate'>): Promise<CommandResult>;
  forget(req: IpcRequest<'account:forget'>): Promise<CommandResult>;
  saveAccount(req: IpcRequest<'account:save'>): Promise<CommandResult>;
  openExportFolder(req: IpcRequest<'account:open-export-folder'>): Promise<CommandResult>;
  chooseEnvFile(
    req: IpcRequest<'dialog:choose-env-file'>,
  ): Promise<IpcResult<'dialog:choose-env-file'>>;
  getPreferences(): Promise<IpcResult<'preferences:get'>>;
  savePreferences(req: IpcRequest<'preferences:save'>): Promise<CommandResult>;
  listActivity(req: IpcRequest<'activity:list'>): Promise<IpcResult<'activity:list'>>;
  /**
   * Opens the login windows of every account that needs one, one after another (issue 11). The
   * preload always provides it (one function per channel); optional so that in-page bridges (demo,
   * tests) written before it still type-check.
   */
  loginAll?(): Promise<LoginAllResult>;
  /** Closes the account's open login window; `rest: true` also drops the queued ones. Optional as above. */
  cancelLogin?(req: IpcRequest<'account:cancel-login'>): Promise<CommandResult>;
  /** Remote targets (issue 10); optional as above. */
  testRemoteConnection?(
    req: IpcRequest<'remote:test-connection'>,
  ): Promise<IpcResult<'remote:test-connection'>>;
  setRemoteSecret?(req: IpcRequest<'remote:set-secret'>): Promise<CommandResult>;
  retryDelivery?(req: IpcRequest<'account:retry-delivery'>): Promise<CommandResult>;
  /** Alert channels (issue 13); optional as above. */
  getAlertChannels?(): Promise<IpcResult<'alerts:status'>>;
  setAlertSecret?(req: IpcRequest<'alerts:set-secret'>): Promise<CommandResult>;
  sendTestAlert?(req: IpcRequest<'alerts:send-test'>): Promise<IpcResult<'alerts:send-test'>>;
  /** Settings → Local API (issue 15); optional as above. */
  configureLocalApi?(req: IpcRequest<'local-api:configure'>): Promise<LocalApiResult>;
  /** Desktop limits for the dashboard banner (issue 12); optional as above. */
  getDesktopNotices?(): Promise<IpcResult<'desktop:notices'>>;
  /** Subscribes to snapshots pushed by main; returns the unsubscribe function. */
  onSnapshot(listener: (snapshot: IpcResult<'snapshot:get'>) => void): () => void;
}
