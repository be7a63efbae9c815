/**
 * The examples in docs/bots.md run against the real API: the Python one (python3, standard library
 * only) and the Node one each read the token, "connect" a pretend feed, and reconnect it when a
 * renewal arrives over SSE — here a FYERS refresh through the API. Neither ever prints the token.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { H, ist, keyringAvailable, requireKeyringInCi, startApiApp } from './api-kit';

requireKeyringInCi();
// Each test runs several child processes; the CPU is shared with other suites.
vi.setConfig({ testTimeout: 60_000 });
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0))
    if (c.exitCode === null && c.pid) process.kill(c.pid, 'SIGKILL');
});

const examples: [string, string[]][] = [
  ['python3 (urllib)', ['python3', 'examples/bot_sse.py']],
  ['node (fetch)', [process.execPath, 'examples/bot-sse.mjs']],
];

describe.skipIf(!keyringAvailable)('bot examples against the real API', () => {
  for (const [name, [cmd, script]] of examples) {
    it(`${name}: connects, and reconnects its feed on token-renewed`, async () => {
      const a = await startApiApp({ start: ist('2026-12-08T10:00') });
      await a.h.addAccount('fyers', { pin: '1234' });
      await a.h.login('fyers-main');
      const child = spawn(cmd ?? '', [script ?? '', 'fyers-main', '--max-renewals', '1'], {
        env: { PATH: process.env.PATH, TOKENTRAY_URL: a.base, TOKENTRAY_API_KEY: a.tokenKey },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      let out = '';
      child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr?.setEncoding('utf8').on('data', (d: string) => (out += d));
      const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
      for (let i = 0; i < 400 && !out.includes('events: connected'); i += 1) {
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(out).toContain('feed: connected');
      expect(out).toContain('events: connected');
      for (let i = 0; i < 200 && a.api.events.subscriberCount === 0; i += 1) {
        await new Promise((r) => setTimeout(r, 10));
      }
      await a.h.advance(H);
      const res = await fetch(`${a.base}/api/token/force-refresh`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.tokenKey}` },
        body: JSON.stringify({ account: 'fyers-main' }),
      });
      expect(res.status).toBe(200);
      expect(await exited).toBe(0);
      expect(out).toContain('feed: reconnected after token-renewed');
      const token = a.h.botToken('fyers-main') ?? '';
      expect(out).toContain(`token ...${token.slice(-4)}`);
      expect(out).not.toContain(token);
    });
  }
});
