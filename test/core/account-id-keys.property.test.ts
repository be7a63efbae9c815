/**
 * Issue 9 item 10: account ids that name Object.prototype members (`constructor`, `__proto__`,
 * `toString`, `hasOwnProperty` …). The v0 migration makes `constructor` from a label "Constructor",
 * and the schema accepts it; nothing keyed by an account id may find a prototype member instead of
 * nothing, and one account that cannot be planned must not stop the others.
 *
 * A fast-check property drives sets of such ids (and ordinary ones) through the real settings file,
 * the real TokenService (login against the broker simulator over loopback, the real keychain), the
 * JSON export into one real file, the planner, and a restart over the same files.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrokerAdapters } from '../../electron/core/brokers';
import { createFileExporter } from '../../electron/core/export/file-exporter';
import { planEvents, type PlannerAccount } from '../../electron/core/lifecycle/event-planner';
import { TokenService } from '../../electron/core/lifecycle/token-service';
import { silentLogger } from '../../electron/core/ports';
import { createKeytarSecretStore } from '../../electron/core/secrets/keytar-secret-store';
import { createJsonFileBackend } from '../../electron/core/settings/settings-backend';
import { createSettingsStore } from '../../electron/core/settings/settings-store';
import { accountConfigSchema, accountIdSchema, preferencesSchema } from '../../shared/domain';
import { FakeClock } from '../helpers/fake-clock';
import { HttpLoginNavigator } from '../helpers/http-login-navigator';
import { testService } from '../secrets/keyring';
import { startBrokerSimulator, type BrokerSimulator } from '../simulator/index';
import { ist, keyringAvailable, requireKeyringInCi } from './app-kit';

requireKeyringInCi();

/** Names every plain object inherits, in the spellings a user or a migration could produce. */
const PROTOTYPE_NAMES = [
  'constructor',
  '__proto__',
  'toString',
  'tostring',
  'hasOwnProperty',
  'hasownproperty',
  'valueOf',
  'valueof',
  'isprototypeof',
  'propertyisenumerable',
  'tolocalestring',
  'prototype',
  '__definegetter__',
];

const accountIds = fc.uniqueArray(
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,12}$/) },
  ),
  { minLength: 1, maxLength: 4 },
);

const NOW = ist('2026-12-08T10:00');
let sim: BrokerSimulator;
const clock = new FakeClock(NOW);

beforeAll(async () => {
  sim = await startBrokerSimulator({ now: () => clock.now() });
});
afterAll(async () => {
  await sim?.close();
});

describe.skipIf(!keyringAvailable)('account ids that name prototype members', () => {
  it('settings, TokenService, JSON export, planner and a restart treat them as plain names', async () => {
    await fc.assert(
      fc.asyncProperty(accountIds, async (ids) => {
        const dir = mkdtempSync(join(tmpdir(), 'tokentray-ids-'));
        const secrets = createKeytarSecretStore({ service: testService() });
        const settingsFile = join(dir, 'config.json');
        const exportFile = join(dir, 'tokens.json');
        const settings = createSettingsStore({
          backend: createJsonFileBackend(settingsFile),
          secrets,
        });
        const makeService = () =>
          new TokenService({
            clock,
            settings,
            secrets,
            brokers: createBrokerAdapters({
              baseUrls: sim.baseUrls,
              now: () => clock.now(),
              sleep: () => Promise.resolve(),
              random: () => 0.5,
              timeoutMs: 5_000,
            }),
            exporter: createFileExporter(),
            logger: silentLogger,
            localZone: 'Asia/Kolkata',
          });
        const valid = ids.filter((id) => accountIdSchema.safeParse(id).success);
        try {
          const service = makeService();
          await service.init();
          const app = sim.app('upstox');
          for (const id of ids) {
            const config = {
              id,
              broker: 'upstox' as const,
              label: id.slice(0, 40),
              apiKey: app.apiKey,
              redirectUri: app.redirectUri,
              exportTargets: [{ kind: 'json' as const, path: exportFile }],
            };
            if (!valid.includes(id)) {
              // Not an account id (upper case, underscores): refused, with nothing stored.
              await expect(
                service.saveAccount({ config: config as never, apiSecret: app.apiSecret }),
              ).rejects.toThrow();
              expect(await settings.getTokenMeta(id)).toBeNull();
              continue;
            }
            // Before the account has a token, its name finds nothing.
            expect(await settings.getTokenMeta(id)).toBeNull();
            await service.saveAccount({
              config: accountConfigSchema.parse(config),
              apiSecret: app.apiSecret,
            });
            expect(await settings.getTokenMeta(id)).toBeNull();
            await service.login(id, new HttpLoginNavigator());
          }

          const json = (
            valid.length > 0 ? JSON.parse(readFileSync(exportFile, 'utf8')) : { accounts: {} }
          ) as { accounts: Record<string, { access_token: string }> };
          for (const id of valid) {
            const token = await secrets.get(id, 'access-token');
            const meta = await settings.getTokenMeta(id);
            expect(typeof meta?.expiresAt).toBe('string');
            expect(Object.hasOwn(json.accounts, id)).toBe(true);
            expect(json.accounts[id]?.access_token).toBe(token);
          }
          for (const name of PROTOTYPE_NAMES.filter((n) => !valid.includes(n))) {
            expect(await settings.getTokenMeta(name)).toBeNull();
          }

          // A restart over the same files: every account comes back and is planned.
          const again = makeService();
          await again.init();
          expect(again.snapshot().accounts.map((a) => a.id)).toEqual(valid);
          const events = planEvents(again.plannerAccounts(), preferencesSchema.parse({}), NOW);
          for (const id of valid) {
            expect(events.some((e) => e.accountId === id && e.kind === 'expired')).toBe(true);
            expect(again.snapshot().accounts.find((a) => a.id === id)?.status).toBe('valid');
          }
        } finally {
          for (const id of valid) await secrets.deleteAll(id).catch(() => undefined);
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});

describe('one account that cannot be planned does not stop the others', () => {
  it('the planner skips (and reports) an account whose state throws, and plans the rest', () => {
    const config = (id: string) =>
      accountConfigSchema.parse({
        id,
        broker: 'kite',
        label: id,
        apiKey: 'k',
        redirectUri: 'http://127.0.0.1:5055/kite/callback',
      });
    const good: PlannerAccount = {
      config: config('good'),
      expiresAt: ist('2026-12-09T06:00'),
      revoked: false,
      refreshExpiresAt: null,
    };
    // What an account id "constructor" used to get from settings: Object, whose expiresAt is
    // undefined — an Invalid Date that throws when planned.
    const broken: PlannerAccount = {
      config: config('constructor'),
      expiresAt: new Date(Number.NaN),
      revoked: false,
      refreshExpiresAt: null,
    };
    const failed: string[] = [];
    const events = planEvents([broken, good], preferencesSchema.parse({}), NOW, (id) =>
      failed.push(id),
    );
    expect(failed).toEqual(['constructor']);
    expect(events.some((e) => e.accountId === 'good' && e.kind === 'expired')).toBe(true);
  });
});
