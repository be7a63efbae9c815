/// <reference types="vite/client" />
import type { TokenTrayApi } from '../shared/ipc-contract';

declare global {
  interface Window {
    /**
     * Installed by electron/preload.ts (contextBridge) before any page script runs; by the demo
     * bridge in demo.html. Optional: a window opened without the preload must explain, not crash.
     */
    tokentray?: TokenTrayApi;
  }
}

export {};
