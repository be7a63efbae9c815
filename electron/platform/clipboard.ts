/**
 * ClipboardPort over Electron's clipboard (async in Electron 45: electron.d.ts, Clipboard). "Copy
 * token" writes the token, and a minute later app.ts clears the clipboard only if it still holds the
 * token, so whatever the user copied since stays theirs. The content is compared, never logged.
 */
import { clipboard } from 'electron';
import type { ClipboardPort } from '../core/app/app-ports';

export function createElectronClipboard(): ClipboardPort {
  return {
    readText: () => clipboard.readText(),
    writeText: (text) => clipboard.writeText(text),
  };
}
