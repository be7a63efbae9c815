#!/usr/bin/env node
// A pretend trading bot that reconnects its feed when TokenTray renews the token (Node 20+, no
// dependencies: fetch + a small Server-Sent Events reader). Needs the Local API on and a key with
// the "token" scope:
//
//   TOKENTRAY_API_KEY=ttk_token_... node examples/bot-sse.mjs fyers-main
//
// Environment: TOKENTRAY_URL (default http://127.0.0.1:5056), TOKENTRAY_API_KEY.
// --max-renewals N exits after N reconnects (the tests use it). The token is never printed.
const BASE = (process.env.TOKENTRAY_URL ?? 'http://127.0.0.1:5056').replace(/\/$/, '');
const KEY = process.env.TOKENTRAY_API_KEY ?? '';
const auth = { authorization: `Bearer ${KEY}` };
const say = (text) => process.stdout.write(`${text}\n`);

async function readToken(account) {
  const res = await fetch(`${BASE}/api/v1/accounts/${encodeURIComponent(account)}/token`, {
    headers: auth,
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`${res.status} ${body.error?.code}: ${body.error?.message}`);
  return body;
}

/** Yields {id, event, data} from /api/v1/events; heartbeats (comments) are skipped. */
async function* events(lastEventId) {
  const controller = new AbortController();
  let idle = setTimeout(() => controller.abort(), 45_000); // heartbeat every 15 s
  const res = await fetch(`${BASE}/api/v1/events`, {
    headers: {
      ...auth,
      accept: 'text/event-stream',
      ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
    },
    signal: controller.signal,
  });
  if (!res.ok) throw new Error(`events: ${res.status}`);
  say('events: connected');
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of res.body) {
      clearTimeout(idle);
      idle = setTimeout(() => controller.abort(), 45_000);
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const msg = { id: undefined, event: 'message', data: [] };
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) continue;
          const i = line.indexOf(':');
          const field = i < 0 ? line : line.slice(0, i);
          const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
          if (field === 'id') msg.id = value;
          else if (field === 'event') msg.event = value;
          else if (field === 'data') msg.data.push(value);
        }
        if (msg.data.length > 0) yield { ...msg, data: JSON.parse(msg.data.join('\n')) };
      }
    }
  } finally {
    clearTimeout(idle);
    controller.abort();
  }
}

/** Stands in for a broker websocket: connect with a token, reconnect when it changes. */
const feed = {
  connect(token) {
    say(`feed: connected (token ...${token.access_token.slice(-4)}, expires ${token.expires_at})`);
  },
};

const args = process.argv.slice(2);
let maxRenewals = Infinity;
const m = args.indexOf('--max-renewals');
if (m >= 0) {
  maxRenewals = Number(args[m + 1]);
  args.splice(m, 2);
}
const [account] = args;
if (!account || !KEY) {
  console.error('usage: TOKENTRAY_API_KEY=... bot-sse.mjs ACCOUNT_ID [--max-renewals N]');
  process.exit(2);
}

feed.connect(await readToken(account));
let renewals = 0;
let lastId;
for (;;) {
  try {
    for await (const e of events(lastId)) {
      lastId = e.id ?? lastId;
      if (e.data.account !== account) continue;
      if (e.event === 'token-renewed') {
        feed.connect(await readToken(account));
        renewals += 1;
        say('feed: reconnected after token-renewed');
        if (renewals >= maxRenewals) process.exit(0);
      } else if (e.event === 'token-expired' || e.event === 'token-revoked') {
        say(`feed: paused, ${e.event}; waiting for a new token`);
      }
    }
  } catch (err) {
    // Dropped: resume where we were (Last-Event-ID), so no renewal is missed.
    say(`events: connection lost (${err.name}); retrying`);
  }
  await new Promise((r) => setTimeout(r, 2000));
}
