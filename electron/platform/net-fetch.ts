/**
 * Broker HTTP through Electron's `net.fetch` (Chromium's network stack) instead of Node's `fetch`:
 * it honours the system proxy settings and the OS certificate store, as a trader behind a corporate
 * proxy or TLS-inspecting antivirus needs. Same WHATWG fetch contract, so the broker clients take it
 * through their existing `fetch` port (core/brokers/index.ts); tests and the CLI keep Node's fetch.
 * Only usable after `ready` (Electron docs, net).
 */
import { net } from 'electron';

export const electronFetch: typeof fetch = (input, init) => {
  const url = input instanceof URL ? input.href : input;
  return net.fetch(url, init);
};
