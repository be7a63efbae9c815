/**
 * The pure IPC checks (electron/core/policy/ipc-guard.ts) and the pages' permission policy
 * (electron/core/policy/permission-policy.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  answersWithCommandResult,
  checkSender,
  parseIpcRequest,
  sanitizeIpcResult,
} from '../../electron/core/policy/ipc-guard';
import {
  dashboardPermission,
  loginPagePermission,
} from '../../electron/core/policy/permission-policy';
import { IPC_CHANNELS, ipcContract } from '../../shared/ipc-contract';

const trusted = { webContentsId: 3, origin: 'app://tokentray' };
const own = { frameUrl: 'app://tokentray/index.html', isMainFrame: true, webContentsId: 3 };

describe('checkSender', () => {
  it('accepts our dashboard main frame on app://tokentray', () => {
    expect(checkSender(own, trusted)).toEqual({ ok: true });
    expect(checkSender({ ...own, frameUrl: 'app://TokenTray/index.html#x' }, trusted)).toEqual({
      ok: true,
    });
  });

  it.each([
    [
      'another webContents',
      { ...own, webContentsId: 4 },
      /did not come from the TokenTray dashboard/,
    ],
    ['a subframe', { ...own, isMainFrame: false }, /frame inside the page/],
    ['a gone frame', { ...own, frameUrl: null }, /gone/],
    [
      'https://evil.example',
      { ...own, frameUrl: 'https://evil.example/x' },
      /https:\/\/evil\.example, not app:\/\/tokentray/,
    ],
    ['file://', { ...own, frameUrl: 'file:///tmp/a.html' }, /not a web origin/],
    ['app://other', { ...own, frameUrl: 'app://other/index.html' }, /app:\/\/other/],
    ['app:// with a port', { ...own, frameUrl: 'app://tokentray:1/index.html' }, /tokentray:1/],
    ['about:blank', { ...own, frameUrl: 'about:blank' }, /not a web origin/],
    ['app://tokentray.evil', { ...own, frameUrl: 'app://tokentray.evil/' }, /tokentray\.evil/],
    ['app://tokentray@evil', { ...own, frameUrl: 'app://tokentray@evil/' }, /app:\/\/evil,/],
    ['an encoded host', { ...own, frameUrl: 'app://tokentr%61y/' }, /tokentr%61y/],
    ['a blob: URL', { ...own, frameUrl: 'blob:app://tokentray/1' }, /not a web origin/],
  ])('refuses %s', (_name, sender, reason) => {
    const result = checkSender(sender, trusted);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('refuses everyone while there is no dashboard', () => {
    expect(checkSender(own, { ...trusted, webContentsId: null }).ok).toBe(false);
  });
});

describe('channel list', () => {
  it('the schema-free channel list (what the preload registers) is exactly the contract', () => {
    expect(IPC_CHANNELS).toEqual(Object.keys(ipcContract));
  });
});

describe('parseIpcRequest', () => {
  it('names the channel and each bad field', () => {
    const r = parseIpcRequest('account:save', { config: { id: 'X', broker: 'zerodha' } });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatch(/^TokenTray refused a account:save request: /);
      expect(r.error).toContain('config.id: an account id is');
      expect(r.error).toContain('config.broker');
    }
  });

  it('refuses keys the contract does not name, at every level, instead of dropping them', () => {
    const config = {
      id: 'kite-main',
      broker: 'kite',
      label: 'main',
      apiKey: 'key',
      redirectUri: 'http://127.0.0.1:5055/kite/callback',
      exportTargets: [
        { kind: 'env', path: '/home/me/.env', tokenKey: 'T', expiresAtKey: 'T_EXP', extra: {} },
      ],
      thresholds: { expiringMinutes: 180, criticalMinutes: 60, notifyMinutes: [60, 15] },
      autoRefresh: false,
      storePin: false,
    };
    expect(parseIpcRequest('account:save', { config }).ok).toBe(true);
    for (const [request, key] of [
      [{ config, token: 'x' }, 'token'],
      [{ config: { ...config, storePIN: true } }, 'storePIN'],
      [{ config: { ...config, thresholds: { ...config.thresholds, warn: 5 } } }, 'warn'],
      [
        { config: { ...config, exportTargets: [{ ...config.exportTargets[0], mode: 0o644 }] } },
        'mode',
      ],
    ] as const) {
      const r = parseIpcRequest('account:save', request);
      expect(r.ok, key).toBe(false);
      if (!r.ok) expect(r.error).toContain(`"${key}"`);
    }
    const prefs = parseIpcRequest('preferences:save', { morningReminder: '08:30', quiet: true });
    expect(prefs.ok).toBe(false);
    if (!prefs.ok) expect(prefs.error).toContain('"quiet"');
  });

  it('passes a valid request through parsed', () => {
    expect(parseIpcRequest('account:refresh', { id: 'fyers-1', pin: '1234' })).toEqual({
      ok: true,
      request: { id: 'fyers-1', pin: '1234' },
    });
  });

  it('never echoes the values it refuses (a pasted secret in the wrong field stays out)', () => {
    const r = parseIpcRequest('account:refresh', { id: 'fyers-1', pin: 'my-api-secret-value' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).not.toContain('my-api-secret-value');
  });

  it('knows which channels answer with a CommandResult', () => {
    const commands = IPC_CHANNELS.filter(answersWithCommandResult).sort();
    expect(commands).toEqual(
      [
        'account:cancel-login',
        'account:forget',
        'account:login',
        'account:open-export-folder',
        'accounts:login-all',
        'account:refresh',
        'account:save',
        'account:validate',
        'preferences:save',
        'alerts:set-secret',
        'remote:set-secret',
        'account:retry-delivery',
        'local-api:configure',
      ].sort(),
    );
  });
});

describe('sanitizeIpcResult', () => {
  it('drops undeclared keys and refuses answers that do not fit', () => {
    expect(sanitizeIpcResult('dialog:choose-env-file', { path: '/a/.env', token: 't' })).toEqual({
      ok: true,
      result: { path: '/a/.env' },
    });
    expect(sanitizeIpcResult('account:login', { ok: true, secret: 's' })).toEqual({
      ok: true,
      result: { ok: true },
    });
    expect(sanitizeIpcResult('dialog:choose-env-file', { path: 3 }).ok).toBe(false);
  });
});

describe('permissions', () => {
  it('login pages get nothing', () => {
    for (const p of ['media', 'notifications', 'clipboard-sanitized-write', 'geolocation']) {
      expect(loginPagePermission(p)).toBe(false);
    }
  });

  it('the dashboard may only write the clipboard, from its own main frame', () => {
    expect(
      dashboardPermission('clipboard-sanitized-write', 'app://tokentray/index.html', true),
    ).toBe(true);
    expect(dashboardPermission('clipboard-sanitized-write', 'app://tokentray', true)).toBe(true);
    expect(dashboardPermission('clipboard-sanitized-write', 'https://evil.example/', true)).toBe(
      false,
    );
    expect(dashboardPermission('clipboard-sanitized-write', 'app://tokentray/', false)).toBe(false);
    expect(dashboardPermission('clipboard-sanitized-write', undefined, true)).toBe(false);
    expect(dashboardPermission('clipboard-read', 'app://tokentray/', true)).toBe(false);
    expect(dashboardPermission('media', 'app://tokentray/', true)).toBe(false);
  });
});
