/**
 * The simulator's minimal login pages: one self-contained HTML form (no external resources) with a
 * "Log in" and a "Cancel" button that Playwright can click by id (#sim-login, #sim-cancel) or by
 * role and name. The form posts back to the same URL (query kept), and the broker module answers with
 * a 302 to the app's redirect URI.
 */
import type { SimReply } from './types';

export const LOGIN_BUTTON_ID = 'sim-login';
export const CANCEL_BUTTON_ID = 'sim-cancel';

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `body{font:16px system-ui,sans-serif;margin:0;background:#f4f5f7;color:#222}
main{max-width:26rem;margin:4rem auto;padding:2rem;background:#fff;border-radius:8px;box-shadow:0 1px 4px #0002}
h1{font-size:1.3rem;margin-top:0}p.note{color:#a33;font-size:.9rem}code{background:#eee;padding:0 .25rem}
button{font-size:1rem;padding:.5rem 1.2rem;margin-right:.5rem;cursor:pointer}`;

// No script, no external fetches: the page needs nothing but its own inline style.
const HEADERS = {
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
  'Cache-Control': 'no-store',
};

export function loginPage(input: {
  brokerLabel: string;
  apiKey: string;
  userId: string;
  /** Path + query the form posts back to. */
  action: string;
}): SimReply {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.brokerLabel)} login (simulator)</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body><main>
<h1>${escapeHtml(input.brokerLabel)} login</h1>
<p class="note">TokenTray broker simulator — not the real ${escapeHtml(input.brokerLabel)}. Never type real credentials here.</p>
<p>App <code id="sim-app">${escapeHtml(input.apiKey)}</code> wants access for user <code id="sim-user">${escapeHtml(input.userId)}</code>.</p>
<form method="post" action="${escapeHtml(input.action)}">
<button type="submit" id="${LOGIN_BUTTON_ID}" name="decision" value="login">Log in</button>
<button type="submit" id="${CANCEL_BUTTON_ID}" name="decision" value="cancel">Cancel</button>
</form>
</main></body></html>`;
  return { status: 200, headers: HEADERS, html };
}

/** What the real brokers show for a bad client id / redirect URI: an error page, no redirect. */
export function loginErrorPage(brokerLabel: string, message: string): SimReply {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(brokerLabel)} login error (simulator)</title>
<style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(brokerLabel)} login error</h1><p id="sim-error">${escapeHtml(message)}</p></main></body></html>`;
  return { status: 400, headers: HEADERS, html };
}

/** A 302 to the app's redirect URI with the broker's parameters appended (existing ones kept). */
export function redirectTo(redirectUri: string, params: readonly (readonly [string, string])[]) {
  const url = new URL(redirectUri);
  for (const [key, value] of params) url.searchParams.append(key, value);
  return { status: 302, headers: { Location: url.toString(), 'Cache-Control': 'no-store' } };
}
