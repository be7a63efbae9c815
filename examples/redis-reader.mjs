import { createClient } from 'redis';

// REDIS_URL=redis://bot:BOT_PASSWORD@vps:6379/0 (credentials in the URL: node-redis ignores a
// separate `password` option when the URL names a user)
const client = createClient({ url: process.env.REDIS_URL });
await client.connect();
const ACCOUNT = 'upstox-main';
const key = `tokentray:${ACCOUNT}:access_token`;
const say = (text) => process.stdout.write(`${text}\n`);
// Never print or log a whole token.
const shown = (token) => (token === null ? 'none' : `...${token.slice(-4)}`);

let token = await client.get(key); // null: no valid token right now
say(`token ${shown(token)}`);
const sub = client.duplicate();
await sub.connect();
await sub.subscribe('tokentray:events', async (message) => {
  const event = JSON.parse(message);
  if (event.account !== ACCOUNT) return;
  token = await client.get(key);
  say(`new token ${shown(token)} valid until ${event.expires_at} - reconnect the feed`);
});
