/**
 * The OpenAPI document: the server serves exactly the committed docs/openapi.json (regenerate it
 * with the command in its test failure), it is OpenAPI 3.1, and every route the server answers is
 * described with the methods it accepts — probed against the real server, not read from its source.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyRing } from '../../electron/core/api/api-keys';
import { startApiServer, type ApiServer } from '../../electron/core/api/http-server';
import { OPENAPI_DOCUMENT } from '../../electron/core/api/openapi';
import { TokenEventHub } from '../../electron/core/api/token-events';
import { CommandError } from '../../electron/core/commands/command-error';
import type { Commands } from '../../electron/core/commands/commands';
import { silentLogger } from '../../electron/core/ports';
import { BROKER_IDS } from '../../shared/brokers';
import { READINESS_STATES } from '../../shared/readiness';
import { TOKEN_STATUSES } from '../../shared/status';

const KEY = 'ttk_token_' + 'k'.repeat(43);
// Every command refuses: this test is about routing, not commands.
const commands: Commands = {
  run: () => Promise.reject(new CommandError('not-found', 'No account "x".')),
  statusOf: () => {
    throw new Error('unused');
  },
};
let server: ApiServer;

beforeAll(async () => {
  server = await startApiServer({
    commands,
    events: new TokenEventHub({ now: () => new Date() }),
    keys: new ApiKeyRing([{ scope: 'token', key: KEY }]),
    logger: silentLogger,
    port: 0,
  });
});
afterAll(() => server.close());

describe('OpenAPI document', () => {
  it('is served at /api/openapi.json without a key and equals the committed docs/openapi.json', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/api/openapi.json`);
    expect(res.status).toBe(200);
    const served: unknown = await res.json();
    const committed: unknown = JSON.parse(readFileSync('docs/openapi.json', 'utf8'));
    // On failure: npx tsx -e "import('./electron/core/api/openapi.ts').then(m => process.stdout.write(JSON.stringify(m.OPENAPI_DOCUMENT, null, 2) + '\n'))" > docs/openapi.json && npx prettier --write docs/openapi.json
    expect(served).toEqual(committed);
    expect(OPENAPI_DOCUMENT.openapi).toBe('3.1.0');
  });

  it('names every broker, token status and readiness state the server can answer with', () => {
    const schemas = (OPENAPI_DOCUMENT.components as { schemas: Record<string, unknown> }).schemas;
    const account = schemas['AccountStatus'] as {
      properties: Record<string, { enum?: unknown[] }>;
    };
    expect(account.properties['broker']?.enum).toEqual([...BROKER_IDS]);
    expect(account.properties['broker']?.enum).toContain('dhan');
    expect(account.properties['status']?.enum).toEqual([...TOKEN_STATUSES]);
    expect(account.properties['readiness']?.enum).toEqual([...READINESS_STATES]);
  });

  it('documents every route the server answers, with exactly the methods it accepts', async () => {
    const paths = OPENAPI_DOCUMENT.paths as Record<string, Record<string, unknown>>;
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
    const probes = [
      ...Object.keys(paths).map((p) => p.replace('{id}', 'x')),
      '/api/token/refresh',
      '/api/v1/accounts/x/secret',
      '/api/v1/token',
      '/api',
    ];
    for (const path of probes) {
      const documented = Object.entries(paths).find(([p]) =>
        new RegExp(`^${p.replace('{id}', '[^/]+')}$`).test(path),
      );
      for (const method of methods) {
        const res = await fetch(`http://127.0.0.1:${server.port}${path}`, {
          method,
          headers: { authorization: `Bearer ${KEY}` },
          ...(method === 'GET' ? {} : { body: '{}' }),
        });
        if (path === '/api/v1/events' && res.status === 200) {
          await res.body?.cancel();
        }
        const routed = res.status !== 404 || (await res.text()).includes('No account');
        const accepted = routed && res.status !== 405;
        expect(
          { path, method, accepted },
          'a route the server accepts must be in the OpenAPI document',
        ).toEqual({
          path,
          method,
          accepted: documented !== undefined && method.toLowerCase() in documented[1],
        });
      }
    }
  });
});
