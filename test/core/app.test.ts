/**
 * The platform-free app end to end, with real parts (broker simulator over HTTP, real adapters,
 * JSON settings file, real .env exports, real keychain) and recording fakes for what only Electron
 * can do: the tray, IPC error mapping, Copy token, pause, start at login, power events.
 */
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createTokenTrayApp } from '../../electron/core/app/app';
import { createBrokerAdapters } from '../../electron/core/brokers';
import { createFileExporter } from '../../electron/core/export/file-exporter';
import { createJsonFileBackend } from '../../electron/core/settings/settings-backend';
import { createSettingsStore } from '../../electron/core/settings/settings-store';
import { H, M, ist, keyringAvailable, requireKeyringInCi, startTestApp } from './app-kit';

requireKeyringInCi();

describe.skipIf(!keyringAvailable)('TokenTray app', () => {
  it('re-renders the tray on the minute and on changes only, with no per-second timer', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T10:00') }); // Tue, a trading day
    const setTimer = vi.spyOn(h.clock, 'setTimer');
    const first = h.app.stats.trayRenders;
    expect(first).toBe(1);
    expect(h.tray.last).toMatchObject({ icon: 'none', title: '' });

    // Nothing changes without accounts: ten minute ticks, no redraw.
    await h.advance(10 * M);
    expect(h.app.stats.trayRenders).toBe(first);

    await h.addAccount('upstox');
    await h.login('upstox-main');
    // Ready for today's session (until 03:30): green, nothing in the title (issue 11: readiness).
    expect(h.tray.last).toMatchObject({ icon: 'valid', title: '' });
    const afterLogin = h.app.stats.trayRenders;
    setTimer.mockClear();

    await h.advance(H);
    // Checked every minute, redrawn only when readiness changes: not in this hour.
    expect(h.app.stats.trayRenders - afterLogin).toBe(0);
    await h.advanceTo(ist('2026-12-08T15:31')); // the session closes: now it waits for Wednesday
    expect(h.app.stats.trayRenders - afterLogin).toBe(1);
    expect(h.tray.last?.accounts[0]?.label).toBe('Upstox · main — Log in after 03:30 tomorrow');
    setTimer.mockClear();
    await h.advance(H);
    // Timers armed in that hour: the scheduler's (≤ 60 s each) and the tray ticker's, ≈ 2 a minute.
    expect(setTimer.mock.calls.length).toBeLessThanOrEqual(125);
    const delays = setTimer.mock.calls.map(([ms]) => ms);
    expect(delays.filter((ms) => ms < 1_000)).toEqual([]);
    expect(h.clock.pendingTimers).toBe(2);
    // The ticker is armed on the wall-clock minute: every redraw happened at hh:mm:00.000.
    expect(h.clock.now().getTime() % M).toBe(0);
  });

  it('maps command failures to { ok: false, error } in words, never leaking a secret', async () => {
    let decision: 'login' | 'cancel' = 'cancel';
    const h = await startTestApp({ start: ist('2026-12-08T10:00'), decision: () => decision });
    await h.addAccount('upstox');
    const secret = h.sim.app('upstox').apiSecret;

    expect(await h.app.ipc['account:login']({ id: 'nobody' })).toEqual({
      ok: false,
      error: 'No account "nobody": it may have been removed.',
    });
    expect(await h.app.ipc['account:refresh']({ id: 'upstox-main' })).toEqual({
      ok: false,
      error: 'Upstox tokens can only be renewed by logging in: click Log in.',
    });
    const cancelled = await h.app.ipc['account:login']({ id: 'upstox-main' });
    expect(cancelled).toMatchObject({ ok: false });
    expect(!cancelled.ok && cancelled.error).toMatch(/cancelled.*Click Log in to try again/);

    // The broker refuses the exchange: the message says what to do, without the secret.
    decision = 'login';
    h.sim.inject({ path: '/v2/login/authorization/token', fault: { kind: 'status', status: 503 } });
    const down = await h.app.ipc['account:login']({ id: 'upstox-main' });
    expect(down.ok).toBe(false);
    expect(JSON.stringify(down)).not.toContain(secret);
    expect(h.botToken('upstox-main')).toBeUndefined();

    // Schema failures name the field.
    const bad = await h.app.ipc['account:save']({
      config: { ...h.app.service.getAccount('upstox-main')!, apiKey: '  ' },
    });
    expect(bad).toEqual({
      ok: false,
      error:
        'The request was not valid (config.apiKey: paste the API key / App ID from the broker).',
    });
    const badPrefs = await h.app.ipc['preferences:save']({
      ...h.app.service.getPreferences(),
      morningReminder: '8:30',
    });
    expect(badPrefs).toMatchObject({ ok: false });
    expect(!badPrefs.ok && badPrefs.error).toContain('use 24-hour HH:MM');

    // A port that throws a raw Error (which may quote anything) becomes a generic message.
    h.shell.showInFolder = () => Promise.reject(new Error(`EACCES /home/me/${secret}`));
    const folder = await h.app.ipc['account:open-export-folder']({ id: 'upstox-main' });
    expect(folder).toEqual({
      ok: false,
      error:
        'Something unexpected went wrong. Check the log file (Help → Open log folder) and try again.',
    });
    expect(h.logger.text()).not.toContain(secret);
  });

  it('answers every query channel', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T10:00') });
    await h.addAccount('kite');
    await h.login('kite-main');
    const token = h.botToken('kite-main')!;

    const snapshot = await h.app.ipc['snapshot:get']({});
    expect(snapshot.accounts.map((a) => [a.id, a.status])).toEqual([['kite-main', 'valid']]);
    expect(JSON.stringify(snapshot)).not.toContain(token);
    expect((await h.app.ipc['preferences:get']({})).morningReminder).toBe('08:30');
    const activity = await h.app.ipc['activity:list']({ id: 'kite-main' });
    expect(activity.map((e) => e.message)).toContain(
      'Logged in as Simulated Kite User; token valid until 06:00 IST, Wed 9 Dec',
    );
    expect(JSON.stringify(activity)).not.toContain(token);

    expect(await h.app.ipc['account:open-export-folder']({ id: 'kite-main' })).toEqual({
      ok: true,
    });
    expect(h.shell.calls).toContain(`showInFolder ${h.dir}/kite-main.env`);
    h.shell.chooseResult = '/home/me/bot/.env';
    expect(await h.app.ipc['dialog:choose-env-file']({ suggestedName: '.env' })).toEqual({
      path: '/home/me/bot/.env',
    });
    expect(await h.app.ipc['account:validate']({ id: 'kite-main' })).toEqual({ ok: true });
    expect(await h.app.ipc['account:forget']({ id: 'kite-main' })).toEqual({ ok: true });
    expect((await h.app.ipc['snapshot:get']({})).accounts).toEqual([]);
  });

  it('a forgotten account never reappears idle after its secrets are gone', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T10:00') });
    await h.addAccount('kite');
    await h.login('kite-main');
    const seen: (string | null)[] = [];
    h.app.onSnapshot((s) => {
      const view = s.accounts.find((a) => a.id === 'kite-main');
      seen.push(view ? view.busy : 'gone');
    });
    expect(await h.app.ipc['account:forget']({ id: 'kite-main' })).toEqual({ ok: true });
    expect(seen[0]).toBe('forget');
    expect(seen.at(-1)).toBe('gone');
    expect(seen.filter((b) => b !== 'forget' && b !== 'gone')).toEqual([]);
  });

  it('Copy token clears the clipboard after 60 s, only if it still holds the token', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T10:00') });
    await h.addAccount('upstox');
    await h.login('upstox-main');
    const token = h.botToken('upstox-main')!;

    await h.app.handleTrayAction({ kind: 'copy-token', accountId: 'upstox-main' });
    await h.app.whenIdle();
    expect(h.clipboard.text).toBe(token);
    await h.advance(59_000);
    expect(h.clipboard.text).toBe(token);
    await h.advance(1_000);
    expect(h.clipboard.text).toBe('');

    await h.app.handleTrayAction({ kind: 'copy-token', accountId: 'upstox-main' });
    await h.app.whenIdle();
    await h.clipboard.writeText('something the user copied');
    await h.advance(2 * M);
    expect(h.clipboard.text).toBe('something the user copied');
    expect(h.logger.text()).not.toContain(token);
  });

  it('a copied token does not outlive its minute across a suspend or a quit', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T10:00') });
    await h.addAccount('upstox');
    await h.login('upstox-main');
    const token = h.botToken('upstox-main')!;

    await h.app.handleTrayAction({ kind: 'copy-token', accountId: 'upstox-main' });
    await h.app.whenIdle();
    h.app.handlePowerEvent('suspend');
    h.clock.suspend(2 * H); // the lid closed: timers stood still
    h.app.handlePowerEvent('resume');
    await h.app.whenIdle();
    expect(h.clipboard.text).toBe('');

    await h.app.handleTrayAction({ kind: 'copy-token', accountId: 'upstox-main' });
    await h.app.whenIdle();
    expect(h.clipboard.text).toBe(token);
    await h.app.handleTrayAction({ kind: 'quit' });
    await h.app.whenIdle();
    expect(h.clipboard.text).toBe('');
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('stop() while start() is still loading leaves no timer running', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T10:00') });
    h.app.stop();
    const app = createTokenTrayApp({
      clock: h.clock,
      settings: createSettingsStore({
        backend: createJsonFileBackend(join(h.dir, 'config.json')),
        secrets: h.secrets,
        logger: h.logger,
      }),
      secrets: h.secrets,
      brokers: createBrokerAdapters({ baseUrls: h.sim.baseUrls, logger: h.logger }),
      exporter: createFileExporter({ logger: h.logger }),
      logger: h.logger,
      navigator: h.navigator,
      notifications: h.notifications,
      tray: h.tray,
      clipboard: h.clipboard,
      shell: h.shell,
    });
    const starting = app.start();
    app.stop(); // Quit while the settings are still loading
    await starting;
    await app.whenIdle();
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('pause lasts until 00:00 IST and shows in the snapshot and the tray', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T10:00') });
    await h.app.handleTrayAction({ kind: 'pause-notifications' });
    const until = ist('2026-12-09T00:00').toISOString();
    expect((await h.app.ipc['snapshot:get']({})).notificationsPausedUntil).toBe(until);
    expect(h.tray.last?.notificationsPausedUntil).toBe(until);

    await h.advanceTo(ist('2026-12-09T00:01'));
    expect((await h.app.ipc['snapshot:get']({})).notificationsPausedUntil).toBeNull();
    expect(h.tray.last?.notificationsPausedUntil).toBeNull();

    await h.app.handleTrayAction({ kind: 'pause-notifications' });
    await h.app.handleTrayAction({ kind: 'resume-notifications' });
    expect(h.tray.last?.notificationsPausedUntil).toBeNull();
  });

  it('start at login: saved, applied to the OS, shown in the tray', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T10:00') });
    await h.app.handleTrayAction({ kind: 'set-start-at-login', enabled: true });
    expect(h.shell.startAtLogin).toBe(true);
    expect(h.app.service.getPreferences().startAtLogin).toBe(true);
    expect(h.tray.last?.startAtLogin).toBe(true);
    await h.app.handleTrayAction({ kind: 'quit' });
    expect(h.shell.calls.at(-1)).toBe('quit');
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('on resume it re-checks tokens with the broker: a session ended elsewhere turns red', async () => {
    const h = await startTestApp({ start: ist('2026-12-08T10:00') });
    await h.addAccount('kite');
    await h.login('kite-main');
    h.app.handlePowerEvent('suspend');
    h.clock.suspend(2 * H);
    h.sim.revokeAll('kite'); // the user logged in to Kite Web meanwhile
    h.app.handlePowerEvent('resume');
    await h.app.whenIdle();
    expect(h.tray.last).toMatchObject({ icon: 'expired', title: '1 needs you' });
    expect(h.tray.last?.accounts[0]?.label).toBe('Zerodha Kite · main — Revoked');
    expect(h.notifications.shown.map((n) => n.title)).toEqual([
      'Zerodha Kite · main: token rejected',
    ]);
  });
});
