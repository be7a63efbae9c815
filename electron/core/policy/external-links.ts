/**
 * Which addresses TokenTray hands to the system browser (`shell.openExternal`). Opening a URL outside
 * the sandbox is a classic Electron escalation (an attacker-controlled `file:`, `smb:` or custom-scheme
 * URL can run programs; Electron security checklist, "Do not use shell.openExternal with untrusted
 * content"), so only https pages of the brokers we support get through: their developer-console /
 * app-registration pages (shared/brokers.ts `appRegistrationUrl`), their login origins, and their API
 * documentation (the sources listed in the project's brokers.md).
 */
import { BROKERS, BROKER_IDS } from '../../../shared/brokers';

/** Broker documentation hosts TokenTray links to (brokers.md §5). */
const DOC_ORIGINS = ['https://upstox.com', 'https://kite.trade', 'https://myapi.fyers.in'] as const;

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** Every origin an external link may point at, exact scheme://host[:port]. */
export const EXTERNAL_LINK_ORIGINS: ReadonlySet<string> = new Set(
  [
    ...BROKER_IDS.flatMap((id) => [BROKERS[id].appRegistrationUrl, ...BROKERS[id].loginOrigins]),
    ...DOC_ORIGINS,
  ]
    .map(originOf)
    .filter((o): o is string => o !== null && o.startsWith('https://')),
);

export type ExternalLinkDecision =
  { readonly ok: true; readonly url: string } | { readonly ok: false; readonly reason: string };

/**
 * Allows a URL for shell.openExternal only if it is https, on an allow-listed origin, without user
 * info. Returns the normalised URL to open (what the check saw is what gets opened).
 */
export function checkExternalUrl(url: string): ExternalLinkDecision {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, reason: 'not a valid address' };
  }
  if (u.protocol !== 'https:') {
    return { ok: false, reason: `only https pages open outside TokenTray, not ${u.protocol}` };
  }
  if (u.username !== '' || u.password !== '') {
    return { ok: false, reason: 'the address carries a user name or password' };
  }
  if (!EXTERNAL_LINK_ORIGINS.has(u.origin)) {
    return { ok: false, reason: `${u.origin} is not a broker page TokenTray links to` };
  }
  return { ok: true, url: u.href };
}
