/**
 * Registers one `ipcMain.handle` per channel of shared/ipc-contract.ts (the preload exposes exactly
 * these) and pushes snapshots to the dashboard. Every message goes through, in order:
 *
 * 1. the sender check (core/policy/ipc-guard.ts checkSender): our dashboard's webContents, its main frame,
 *    the app://tokentray origin — anything else is refused before its payload is even looked at;
 * 2. the channel's zod request schema: a bad payload is answered with an error that names the
 *    fields (a CommandResult `{ ok: false, error }` where the channel answers with one, a rejected
 *    invoke otherwise), and the app's handler is never called;
 * 3. the app's handler (TokenTrayAppHandle.ipc[channel]);
 * 4. the channel's result schema, which drops any key the contract does not declare, so nothing
 *    secret can ride along by mistake (snapshots carry masked tokens only; core/lifecycle/token-service.ts).
 *
 * Errors thrown by a handler reach the renderer only as a TokenTrayError's message (written for the
 * user, never containing a secret); anything else becomes a generic message and goes to the log.
 */
import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import { IPC_CHANNELS, SNAPSHOT_EVENT, type IpcChannel } from '../../shared/ipc-contract';
import type { IpcHandlers, TokenTrayAppHandle } from '../core/app/app-ports';
import { isTokenTrayError } from '../core/errors';
import {
  answersWithCommandResult,
  checkSender,
  parseIpcRequest,
  sanitizeIpcResult,
  type TrustedRenderer,
} from '../core/policy/ipc-guard';
import type { Logger } from '../core/ports';

export interface IpcRegistrationOptions {
  readonly handlers: IpcHandlers;
  /** Who may call, read at each message (the dashboard may be re-created). */
  readonly trusted: () => TrustedRenderer;
  readonly logger: Logger;
}

const GENERIC_FAILURE =
  'Something unexpected went wrong. Check the log file (Help → Open log folder) and try again.';

function senderOf(event: IpcMainInvokeEvent) {
  const frame = event.senderFrame;
  return {
    frameUrl: frame ? frame.url : null,
    isMainFrame: frame !== null && frame.parent === null,
    webContentsId: event.sender.id,
  };
}

/** Registers every channel; returns a function that removes them again. */
export function registerIpcHandlers(options: IpcRegistrationOptions): () => void {
  const { logger } = options;

  function register<C extends IpcChannel>(channel: C): void {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, payload: unknown) => {
      const sender = checkSender(senderOf(event), options.trusted());
      if (!sender.ok) {
        logger.warn('ipc: refused a message', { channel, reason: sender.reason });
        throw new Error(`TokenTray refused ${channel}: ${sender.reason}.`);
      }
      const commandChannel = answersWithCommandResult(channel);
      const parsed = parseIpcRequest(channel, payload);
      if (!parsed.ok) {
        logger.warn('ipc: refused a malformed request', { channel, error: parsed.error });
        if (commandChannel) return { ok: false, error: parsed.error };
        throw new Error(parsed.error);
      }
      let result: unknown;
      let failure: string | null = null;
      try {
        result = await options.handlers[channel](parsed.request);
      } catch (e) {
        failure = isTokenTrayError(e) ? e.message : GENERIC_FAILURE;
        if (!isTokenTrayError(e)) {
          logger.error('ipc: handler failed', {
            channel,
            error: e instanceof Error ? e.name : typeof e,
          });
        }
      }
      if (failure !== null) {
        // A new Error with our words only: the original (its message, its cause) stays in main.
        if (commandChannel) return { ok: false, error: failure };
        throw new Error(failure);
      }
      const safe = sanitizeIpcResult(channel, result);
      if (!safe.ok) {
        logger.error('ipc: handler answer does not fit the contract', {
          channel,
          error: safe.error,
        });
        if (commandChannel) return { ok: false, error: GENERIC_FAILURE };
        throw new Error(GENERIC_FAILURE);
      }
      return safe.result;
    });
  }

  for (const channel of IPC_CHANNELS) register(channel);
  return () => {
    for (const channel of IPC_CHANNELS) ipcMain.removeHandler(channel);
  };
}

/**
 * Forwards the app's snapshots to the dashboard on SNAPSHOT_EVENT, each passed through the snapshot
 * schema first (same reason as answers). Returns the unsubscribe function.
 */
export function forwardSnapshots(
  app: Pick<TokenTrayAppHandle, 'onSnapshot'>,
  send: (channel: string, payload: unknown) => void,
  logger: Logger,
): () => void {
  return app.onSnapshot((snapshot) => {
    const safe = sanitizeIpcResult('snapshot:get', snapshot);
    if (!safe.ok) {
      logger.error('ipc: snapshot does not fit the contract; not sent', { error: safe.error });
      return;
    }
    send(SNAPSHOT_EVENT, safe.result);
  });
}
