/**
 * Settings → Local API over IPC (`local-api:configure`): the dashboard turns the loopback API on and
 * off, changes nothing it was not asked to, and gets a new key exactly once — the same configure the
 * `tokentray api` command uses, against the real local API, keychain and HTTP server.
 */
import { describe, expect, it } from 'vitest';
import { createIpcHandlers } from '../../electron/core/app/app-ipc';
import { ist, keyringAvailable, requireKeyringInCi, startApiApp } from './api-kit';

requireKeyringInCi();

describe.skipIf(!keyringAvailable)('Settings → Local API over IPC', () => {
  it('turns the API on, makes a key shown once, and the key works on the real server', async () => {
    const { h, api } = await startApiApp({ start: ist('2026-12-02T08:00:00'), http: false });
    let started = false;
    const handlers = createIpcHandlers({
      service: h.app.service,
      // Not used by these two channels.
      navigator: undefined as never,
      shell: undefined as never,
      logger: h.logger,
      ready: () => Promise.resolve(),
      savePreferences: (p) => h.app.service.savePreferences(p),
      commands: h.app.commands,
      loginAll: () => [],
      cancelLogin: () => undefined,
      localApi: () => (started ? (input) => api.configure(input) : null),
      desktopNotices: () => ['Your desktop shows no tray icons.'],
    });

    // Before the API has started, the dashboard is told so instead of a crash.
    const early = await handlers['local-api:configure']({});
    expect(early).toMatchObject({ ok: false });

    started = true;
    const on = await handlers['local-api:configure']({ enabled: true, new_key: 'status' });
    if (!on.ok) throw new Error(on.error);
    expect(on.state.enabled).toBe(true);
    expect(on.state.keys).toContain('status');
    const key = on.state.new_key ?? '';
    expect(key.length).toBeGreaterThan(20);

    // Shown once: reading the state again never repeats it.
    const again = await handlers['local-api:configure']({});
    expect(again.ok && again.state.new_key).toBeFalsy();

    const port = api.http()?.port ?? 0;
    const res = await fetch(`http://127.0.0.1:${port}/api/token/status`, {
      headers: { Authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(200);

    // A hostile request is refused with words, not thrown.
    const bad = await handlers['local-api:configure']({ port: 80 });
    expect(bad).toMatchObject({ ok: false });
    if (!bad.ok) expect(bad.error).toMatch(/1024/);
    const extra = await handlers['local-api:configure']({ enabled: true, token: 'x' } as never);
    expect(extra).toMatchObject({ ok: false });

    const off = await handlers['local-api:configure']({ enabled: false });
    expect(off.ok && off.state.listening).toEqual([]);

    await expect(handlers['desktop:notices']({})).resolves.toEqual({
      notices: ['Your desktop shows no tray icons.'],
    });
  });
});
