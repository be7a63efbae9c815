/**
 * docs/bots.md's Redis readers, run as written: the Python (redis-py, Debian python3-redis) and Node
 * (node-redis) blocks must equal examples/redis-reader.{py,mjs} byte for byte, and those files run as
 * real child processes against a real redis-server, as the read-only ACL user the docs tell users to
 * make. TokenTray's own Redis delivery (deliverRedis) writes the tokens. Each reader must show the
 * token it read at start, ignore another account's event, and on its account's PUBLISH re-read the
 * key and show the new token with the event's expiry.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deliverRedis } from '../../electron/core/export/redis';
import type { ExportPayload } from '../../electron/core/ports';
import { redisExportTargetSchema } from '../../shared/remote-targets';
import { PYTHON } from '../export/helpers/python-dotenv';
import {
  killChild,
  REDIS_ADMIN_PASSWORD,
  REDIS_BOT_PASSWORD,
  startRedisServer,
  type TestRedis,
} from '../helpers/redis-server';

const ROOT = join(__dirname, '..', '..');
const PY_FILE = join(ROOT, 'examples', 'redis-reader.py');
const JS_FILE = join(ROOT, 'examples', 'redis-reader.mjs');
// Distinct tails: the readers show only the last 4 characters of a token.
const TOKEN_1 = 'fake-redis-reader-token-one-0001-AAA1';
const TOKEN_2 = 'fake-redis-reader-token-two-0002-BBB2';
const OTHER = 'fake-redis-reader-token-kite-0003-CCC3';

/** The fenced block right after `heading` in docs/bots.md. */
function docBlock(heading: string, fence: string): string {
  const doc = readFileSync(join(ROOT, 'docs', 'bots.md'), 'utf8');
  const at = doc.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`docs/bots.md has no "${heading}" heading`);
  const open = doc.indexOf(`\n\`\`\`${fence}\n`, at);
  const close = doc.indexOf('\n```\n', open + 1);
  if (open < 0 || close < 0) throw new Error(`no \`\`\`${fence} block after "${heading}"`);
  return doc.slice(open + `\n\`\`\`${fence}\n`.length, close + 1);
}

let redis: TestRedis;
const children: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
}, 30_000);

afterEach(async () => {
  for (const child of children.splice(0)) await killChild(child);
});

afterAll(async () => {
  for (const child of children.splice(0)) await killChild(child);
  await redis?.stop();
});

const target = () => redisExportTargetSchema.parse({ kind: 'redis', url: redis.url });

function payload(accountId: string, accessToken: string, expiresAt: Date): ExportPayload {
  return {
    accountId,
    broker: accountId.startsWith('kite') ? 'kite' : 'upstox',
    accessToken,
    issuedAt: new Date(),
    expiresAt,
    apiKey: 'fake-api-key',
    userId: 'AB1234',
  };
}

interface Reader {
  readonly lines: string[];
  /** Resolves with the first line matching, or rejects when the reader exits first. */
  waitFor(pattern: RegExp): Promise<string>;
}

function startReader(command: string, args: string[], env: Record<string, string>): Reader {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (l: string) => void }[] = [];
  let buffered = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const w of waiters.splice(0)) {
        if (w.pattern.test(line)) w.resolve(line);
        else waiters.push(w);
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`${args[0]} exited (${code ?? signal}): ${stderr.slice(0, 2000)}`)),
    ),
  );
  exited.catch(() => undefined);
  return {
    lines,
    waitFor: (pattern) => {
      const seen = lines.find((l) => pattern.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return Promise.race([
        new Promise<string>((resolve) => waiters.push({ pattern, resolve })),
        exited,
      ]);
    },
  };
}

/** Waits until `n` clients are subscribed to the events channel (the readers are listening). */
async function subscribers(n: number): Promise<void> {
  const admin = createClient({
    url: `redis://127.0.0.1:${redis.port}`,
    password: REDIS_ADMIN_PASSWORD,
  });
  await admin.connect();
  try {
    for (;;) {
      const counts = await admin.pubSubNumSub('tokentray:events');
      if ((counts['tokentray:events'] ?? 0) >= n) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await admin.disconnect();
  }
}

describe('docs/bots.md Redis readers', () => {
  it('the doc shows examples/redis-reader.py and examples/redis-reader.mjs verbatim', () => {
    expect(docBlock('### Python (redis-py)', 'python')).toBe(readFileSync(PY_FILE, 'utf8'));
    expect(docBlock('### Node (node-redis)', 'js')).toBe(readFileSync(JS_FILE, 'utf8'));
  });

  it('Python and Node readers, as a read-only ACL user, show the token and follow its PUBLISH event', async () => {
    const expires1 = new Date(Date.now() + 6 * 3600_000);
    await deliverRedis(target(), payload('upstox-main', TOKEN_1, expires1), REDIS_BOT_PASSWORD);

    const python = startReader(PYTHON, [PY_FILE], {
      REDIS_URL: `redis://reader@127.0.0.1:${redis.port}/0`,
      REDIS_PASSWORD: 'fake-reader-pw',
    });
    const node = startReader(process.execPath, [JS_FILE], {
      REDIS_URL: `redis://reader:fake-reader-pw@127.0.0.1:${redis.port}/0`,
    });
    // At start: the token TokenTray delivered (its tail: the readers never print a whole token).
    expect(await python.waitFor(/^token /)).toBe('token ...AAA1');
    expect(await node.waitFor(/^token /)).toBe('token ...AAA1');
    await subscribers(2);

    // Another account's token and event: not theirs, ignored. Then their own, in that order.
    await deliverRedis(
      target(),
      payload('kite-main', OTHER, new Date(Date.now() + 3600_000)),
      REDIS_BOT_PASSWORD,
    );
    const expires2 = new Date(Date.now() + 12 * 3600_000);
    await deliverRedis(target(), payload('upstox-main', TOKEN_2, expires2), REDIS_BOT_PASSWORD);

    const expected = `new token ...BBB2 valid until ${expires2.toISOString()} - reconnect the feed`;
    expect(await python.waitFor(/^new token /)).toBe(expected);
    expect(await node.waitFor(/^new token /)).toBe(expected);
    // Exactly one reaction each (the kite event came first on the channel and was ignored), and
    // no line ever held a whole token.
    for (const reader of [python, node]) {
      expect(reader.lines.filter((l) => l.startsWith('new token'))).toHaveLength(1);
      for (const t of [TOKEN_1, TOKEN_2, OTHER]) expect(reader.lines.join('\n')).not.toContain(t);
    }
  }, 30_000);
});
