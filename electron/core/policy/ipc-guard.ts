/**
 * The checks main runs on every IPC message before the app sees it (VS Code's
 * `validatedIpcMain`: "the sender must be our own window, main frame, our own origin"), and the
 * payload validation against shared/ipc-contract.ts. Pure, so the rules are tested in plain Node;
 * electron/platform/ipc.ts feeds them Electron's event fields.
 */
import type { z } from 'zod';
import {
  commandResultSchema,
  loginAllResultSchema,
  localApiResultSchema,
  ipcContract,
  type IpcChannel,
  type IpcRequest,
  type IpcResult,
} from '../../../shared/ipc-contract';
import { webOrigin } from './app-url';

/** What Electron tells us about who sent a message (IpcMainInvokeEvent). */
export interface IpcSender {
  /** `event.senderFrame.url`; null when the frame is already gone. */
  readonly frameUrl: string | null;
  /** Whether `event.senderFrame` is its page's main frame (no parent). */
  readonly isMainFrame: boolean;
  /** `event.sender.id` */
  readonly webContentsId: number;
}

/** Who may talk to main: the dashboard's webContents, serving our own app:// origin. */
export interface TrustedRenderer {
  /** The dashboard's webContents id, or null while there is no dashboard. */
  readonly webContentsId: number | null;
  /** e.g. "app://tokentray" */
  readonly origin: string;
}

export type SenderCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export function checkSender(sender: IpcSender, trusted: TrustedRenderer): SenderCheck {
  if (trusted.webContentsId === null || sender.webContentsId !== trusted.webContentsId) {
    return { ok: false, reason: 'the message did not come from the TokenTray dashboard window' };
  }
  if (!sender.isMainFrame) {
    return { ok: false, reason: 'the message came from a frame inside the page, not the page' };
  }
  if (sender.frameUrl === null) {
    return { ok: false, reason: 'the sending frame is gone' };
  }
  const origin = webOrigin(sender.frameUrl);
  if (origin !== trusted.origin) {
    return {
      ok: false,
      reason: `the sending page is ${origin ?? 'not a web origin'}, not ${trusted.origin}`,
    };
  }
  return { ok: true };
}

/** "id: an account id is 1–63 lowercase …; pin: the PIN is 4 digits" — field paths and zod's words. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

export type ParsedRequest<C extends IpcChannel> =
  | { readonly ok: true; readonly request: IpcRequest<C> }
  | { readonly ok: false; readonly error: string };

/** Validates a request payload with its channel's schema; the error names the channel and fields. */
export function parseIpcRequest<C extends IpcChannel>(
  channel: C,
  payload: unknown,
): ParsedRequest<C> {
  const schema: z.ZodType = ipcContract[channel].request;
  const parsed = schema.safeParse(payload);
  if (parsed.success) return { ok: true, request: parsed.data as IpcRequest<C> };
  return {
    ok: false,
    error: `TokenTray refused a ${channel} request: ${describeIssues(parsed.error)}.`,
  };
}

/** Whether a channel answers with a CommandResult ({ ok, error }), so refusals can be answers. */
export function answersWithCommandResult(channel: IpcChannel): boolean {
  const result = ipcContract[channel].result as z.ZodType;
  // "Log in all" and Local API answer { ok: true, … } or the same { ok: false, error } as a command.
  return (
    result === commandResultSchema ||
    result === loginAllResultSchema ||
    result === localApiResultSchema
  );
}

/**
 * Passes a handler's answer through the channel's result schema on its way out. zod objects drop keys
 * they do not declare, so a field added by mistake (say, a token) never reaches the renderer; an answer
 * that does not fit at all is refused rather than sent.
 */
export function sanitizeIpcResult<C extends IpcChannel>(
  channel: C,
  result: unknown,
):
  | { readonly ok: true; readonly result: IpcResult<C> }
  | { readonly ok: false; readonly error: string } {
  const schema: z.ZodType = ipcContract[channel].result;
  const parsed = schema.safeParse(result);
  if (parsed.success) return { ok: true, result: parsed.data as IpcResult<C> };
  return {
    ok: false,
    error: `TokenTray produced an invalid ${channel} answer (${describeIssues(parsed.error)}).`,
  };
}
