/**
 * Adversarial (lifecycle): the settings file stops taking writes between the token exchange and the
 * end of a login — here config.json is really swapped for a folder right after the export (a disk
 * full or a broken settings file does the same). Before: the login said "Login failed", the keychain
 * kept the previous token (which Kite had just ended) and was never given the new one, nothing was
 * retried: after a restart TokenTray's only copy of the live token was gone. Now the keychain still
 * gets the new token, the message says what was and was not saved, and the settings write is
 * retried each minute until it takes. Real gnome-keyring, loopback simulator, real files.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Exporter } from '../../electron/core/ports';
import { createKeytarSecretStore } from '../../electron/core/secrets/keytar-secret-store';
import { tokenFingerprint } from '../../electron/core/lifecycle/token-fingerprint';
import { ist, startTestApp } from '../core/app-kit';
import {
  privateKeyringTools,
  startPrivateKeyring,
  type PrivateKeyring,
} from '../core/private-keyring';
import { testService } from '../secrets/keyring';

let keyring: PrivateKeyring;
const harnesses: { close(): Promise<void> }[] = [];

beforeAll(async () => {
  if (!privateKeyringTools) return;
  keyring = await startPrivateKeyring();
  keyring.useInThisProcess();
}, 30_000);

afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close().catch(() => undefined);
});

afterAll(async () => {
  await keyring?.stop();
});

describe.skipIf(!privateKeyringTools)('settings that stop taking writes during a login', () => {
  it('the keychain still gets the new token, the message is honest, and the settings write is retried', async () => {
    const armed = { on: false };
    let dir = '';
    const configPath = () => join(dir, 'config.json');
    const wrapExporter = (inner: Exporter): Exporter => ({
      async export(target, payload) {
        await inner.export(target, payload);
        if (armed.on) {
          armed.on = false;
          // After the files, before the settings: config.json becomes a folder.
          renameSync(configPath(), `${configPath()}.aside`);
          mkdirSync(configPath());
          writeFileSync(join(configPath(), 'x'), 'x');
        }
      },
    });
    const h = await startTestApp({
      start: ist('2026-12-08T10:00'),
      secrets: createKeytarSecretStore({ service: testService() }),
      wrapExporter,
    });
    harnesses.push(h);
    dir = h.dir;
    const id = await h.addAccount('kite');
    await h.login(id);
    const first = await h.secrets.get(id, 'access-token');

    armed.on = true;
    const result = await h.app.ipc['account:login']({ id });
    await h.app.whenIdle();
    const second = h.botToken(id) ?? '';
    expect(second).not.toBe(first);
    // Kite ended the first session when the second began: the keychain must not keep that one.
    expect(h.sim.tokenStatus('kite', first ?? '')).toBe('revoked');
    expect(h.sim.tokenStatus('kite', second)).toBe('valid');
    expect(await h.secrets.get(id, 'access-token')).toBe(second);

    // Not a success, and not a contradictory "Login failed: Logged in".
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(
      /^Logged in: the new token is saved to the keychain and your files, but TokenTray could not record it in its settings/,
    );
    const activity = h.app.service.listActivity(id).map((e) => e.message);
    expect(activity.some((m) => /Login failed: Logged in/.test(m))).toBe(false);
    expect(await h.app.service.readAccessToken(id)).toBe(second);

    // The settings file is repaired: the minute tick records the new token's details.
    rmSync(configPath(), { recursive: true });
    renameSync(`${configPath()}.aside`, configPath());
    await h.advance(60_000);
    const stored = (await import('node:fs')).readFileSync(configPath(), 'utf8');
    expect(stored).toContain(tokenFingerprint(id, second));
    expect(stored).not.toContain(second);
    expect(h.app.service.snapshot().accounts[0]?.lastError).toBeNull();

    // And a restart over those settings and that keychain uses the live token, not a stale verdict.
    await h.restart();
    const view = h.app.service.snapshot().accounts[0];
    expect(view?.status).toBe('valid');
    expect(view?.lastError).toBeNull();
    expect(await h.app.service.readAccessToken(id)).toBe(second);
  }, 60_000);
});
