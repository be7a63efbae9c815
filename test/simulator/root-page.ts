/**
 * The simulator's root page (GET /): what it is, the base URL to point TokenTray at, every endpoint
 * it serves, and the fake test apps and users to type into TokenTray's Add account form. Everything
 * shown is fake; the page has no script and loads nothing.
 */
import { BROKERS, type BrokerId } from '../../shared/brokers';
import type { SimApp, SimReply, SimUser } from './types';

export interface RootPageInput {
  /** The Host header the browser used, e.g. "127.0.0.1:4010". */
  readonly host: string;
  readonly routes: readonly { broker: BrokerId; method: string; path: string }[];
  readonly apps: readonly SimApp[];
  readonly users: Readonly<Record<BrokerId, SimUser>>;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Only a loopback host:port is echoed; anything else is shown as the generic form. */
function safeHost(host: string): string {
  return /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\]):\d{1,5}$/.test(host)
    ? host
    : '127.0.0.1:PORT';
}

export function rootPage(input: RootPageInput): SimReply {
  const base = `http://${safeHost(input.host)}`;
  const routes = [...input.routes]
    .sort((a, b) => a.broker.localeCompare(b.broker) || a.path.localeCompare(b.path))
    .map(
      (r) =>
        `<tr><td>${esc(BROKERS[r.broker].label)}</td><td><code>${esc(r.method)}</code></td><td><code>${esc(r.path)}</code></td></tr>`,
    )
    .join('\n');
  const apps = input.apps
    .map((a) => {
      const user = input.users[a.broker];
      const info = BROKERS[a.broker];
      const clientId =
        info.clientIdLabel !== undefined && a.clientId !== undefined
          ? `${esc(info.clientIdLabel)}: <code>${esc(a.clientId)}</code>`
          : '';
      return `<tr><td>${esc(info.label)}</td><td>${esc(info.apiKeyLabel)}: <code>${esc(a.apiKey)}</code></td><td>${esc(info.apiSecretLabel)}: <code>${esc(a.apiSecret)}</code></td><td>${clientId}</td><td><code>${esc(a.redirectUri)}</code></td><td>${esc(user.userName)} (<code>${esc(user.userId)}</code>)${user.pin ? `, PIN <code>${esc(user.pin)}</code>` : ''}</td></tr>`;
    })
    .join('\n');
  const labels = [...new Set(input.routes.map((r) => BROKERS[r.broker].label))];
  const brokerList =
    labels.length > 1
      ? `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`
      : (labels[0] ?? '');
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>TokenTray broker simulator</title>
<style>body{font:15px/1.45 system-ui,sans-serif;margin:2rem;max-width:60rem}td,th{padding:.2rem .6rem;text-align:left;border-bottom:1px solid #ddd}code{font-size:.9em}</style>
</head>
<body>
<h1>TokenTray broker simulator</h1>
<p>Pretend ${esc(brokerList)} on this computer, for trying TokenTray's login flow. Every key,
secret, user and token here is fake; nothing reaches a real broker.</p>
<h2>Point TokenTray at it</h2>
<p>Start the app with <code>TOKENTRAY_BROKER_SIMULATOR=${esc(base)} npm start</code>. Every broker's
API and login page then live at <code>${esc(base)}</code>.</p>
<h2>Test apps (type these into Add account)</h2>
<table><thead><tr><th>Broker</th><th>Key</th><th>Secret</th><th>Client ID</th><th>Redirect URI</th><th>Logs in as</th></tr></thead>
<tbody>
${apps}
</tbody></table>
<h2>Endpoints</h2>
<table><thead><tr><th>Broker</th><th>Method</th><th>Path</th></tr></thead>
<tbody>
${routes}
</tbody></table>
</body>
</html>
`;
  return { status: 200, html };
}
