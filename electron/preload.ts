/**
 * The preload: the only bridge between the sandboxed renderer and main. It exposes one named function
 * per IPC channel on `window.tokentray` (VS Code's sandbox preload, GitHub Desktop's typed wrappers)
 * and never `ipcRenderer` itself, so a compromised page can call our commands and nothing else. Main
 * validates every payload and checks the sender regardless; this side stays dumb on purpose.
 *
 * Built as CommonJS (dist-electron/preload.cjs): a sandboxed preload cannot be an ES module.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
// Names only (ipc-channels.ts): the schemas stay out of the sandboxed preload bundle.
import { API_NAMES, IPC_CHANNELS, SNAPSHOT_EVENT } from '../shared/ipc-channels';
import type { IpcChannel, IpcResult } from '../shared/ipc-contract';

type Snapshot = IpcResult<'snapshot:get'>;

function invoker(channel: IpcChannel) {
  // Only the request object crosses; the renderer cannot pick another channel.
  return (request?: unknown) => ipcRenderer.invoke(channel, request ?? {}) as Promise<never>;
}

// Shaped as TokenTrayApi: API_NAMES is checked against it by the compiler in shared/ipc-channels.ts.
const api: Record<string, unknown> = {};
for (const channel of IPC_CHANNELS) api[API_NAMES[channel]] = invoker(channel);
api.onSnapshot = (listener: (snapshot: Snapshot) => void) => {
  const handler = (_event: IpcRendererEvent, snapshot: Snapshot) => listener(snapshot);
  ipcRenderer.on(SNAPSHOT_EVENT, handler);
  return () => {
    ipcRenderer.removeListener(SNAPSHOT_EVENT, handler);
  };
};

contextBridge.exposeInMainWorld('tokentray', Object.freeze(api));
