/**
 * The developer switch that points TokenTray at the local broker simulator instead of the real
 * brokers:
 *
 *   npx tsx test/simulator/cli.ts --port 4010            # terminal 1: the pretend brokers
 *   TOKENTRAY_BROKER_SIMULATOR=http://127.0.0.1:4010 npm start   # terminal 2: the app
 *
 * Every broker's API and login page then live at that one base URL (the simulator serves all three).
 * Only a loopback http(s) URL is accepted: the switch exists to try logins with fake apps, never to
 * send an API secret anywhere else. Unset or empty: the real brokers.
 */
import { BROKER_IDS, type BrokerId } from '../../../shared/brokers';
import { TokenTrayError } from '../errors';
import { isLoopbackHostname } from './base-url';

export const SIMULATOR_ENV = 'TOKENTRAY_BROKER_SIMULATOR';

export type SimulatorBaseUrls = Record<BrokerId, { readonly api: string; readonly login: string }>;

/**
 * Brokers whose real login page is a host's root (`/?appcode=…`): the simulator serves every broker
 * on one origin, so their login base there carries a path prefix and the root stays the simulator's
 * index page.
 */
export const SIMULATOR_LOGIN_PREFIX: Readonly<Partial<Record<BrokerId, string>>> = {
  aliceblue: '/aliceblue',
  iifl: '/iifl',
};

/** Every broker's base URLs in a simulator at `base` (no trailing slash). */
export function simulatorBrokerBases(base: string): SimulatorBaseUrls {
  return Object.fromEntries(
    BROKER_IDS.map((id) => [
      id,
      { api: base, login: `${base}${SIMULATOR_LOGIN_PREFIX[id] ?? ''}` },
    ]),
  ) as SimulatorBaseUrls;
}

/**
 * `{ baseUrls }` for createBrokerAdapters when the switch is set, `{}` when it is not. Throws
 * TokenTrayError 'config' naming the variable and the fix when it is set to anything but a loopback
 * http(s) URL without credentials, query or fragment.
 */
export function simulatorBaseUrls(env: Readonly<Record<string, string | undefined>>): {
  baseUrls?: SimulatorBaseUrls;
} {
  const raw = env[SIMULATOR_ENV]?.trim();
  if (!raw) return {};
  const fix = `set ${SIMULATOR_ENV} to the URL the simulator printed, e.g. http://127.0.0.1:4010, or unset it to use the real brokers`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TokenTrayError('config', `${SIMULATOR_ENV} is not a URL: ${fix}.`);
  }
  const loopback =
    (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHostname(url.hostname);
  if (
    !loopback ||
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== ''
  ) {
    throw new TokenTrayError(
      'config',
      `${SIMULATOR_ENV} must point at this computer (127.0.0.1, ::1 or localhost) with no user, password, query or fragment: ${fix}.`,
    );
  }
  const base = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
  return { baseUrls: simulatorBrokerBases(base) };
}
