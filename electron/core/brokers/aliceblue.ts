/**
 * Alice Blue (brokers-more.md). PLACEHOLDER while the adapter is being written (issue 14): every call
 * fails with a clear 'config' error, so nothing can pretend to work.
 */
import { TokenTrayError } from '../errors';
import type { AdapterContext } from './call';
import { isRedirectTo } from './redirect';
import type { BrokerAdapter } from './types';

/** The raw error code of an answer (call.ts makes it safe before use). */
export function aliceblueBrokerCode(_json: unknown): unknown {
  return undefined;
}

export function createAliceBlueAdapter(ctx: AdapterContext): BrokerAdapter {
  const unfinished = () =>
    new TokenTrayError('config', `${ctx.label} support is not finished in this build.`);
  return {
    broker: 'aliceblue',
    authorizeUrl() {
      throw unfinished();
    },
    isRedirect: isRedirectTo,
    parseRedirect() {
      throw unfinished();
    },
    exchange() {
      return Promise.reject(unfinished());
    },
    validate() {
      return Promise.reject(unfinished());
    },
  };
}
