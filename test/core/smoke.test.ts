/**
 * The --smoke runner (electron/core/app/smoke.ts): the one line a desktop CI job reads, and its
 * deadline, with real timers.
 */
import { describe, expect, it } from 'vitest';
import { runSmoke, type SmokeChecks } from '../../electron/core/app/smoke';

const healthy = (): SmokeChecks => ({
  openDashboard: () => Promise.resolve(),
  bridgePresent: () => Promise.resolve(true),
  consoleErrors: () => [],
  trayBuilt: () => true,
  appMenuBuilt: () => true,
  notify: () => Promise.resolve('shown'),
});

describe('smoke runner', () => {
  it('a healthy app: one "smoke: ok" line naming every check', async () => {
    const r = await runSmoke(healthy());
    expect(r.ok).toBe(true);
    expect(r.line).toMatch(
      /^smoke: ok — dashboard, bridge, console, tray, menu, notification in \d+\.\d s$/,
    );
  });

  it('names every failure: missing preload, console errors, no tray', async () => {
    const r = await runSmoke({
      ...healthy(),
      bridgePresent: () => Promise.resolve(false),
      consoleErrors: () => ['Refused to load the script because it violates CSP'],
      trayBuilt: () => false,
    });
    expect(r.ok).toBe(false);
    expect(r.line).toMatch(/^smoke: FAILED — /);
    expect(r.line).toContain('bridge: window.tokentray is missing');
    expect(r.line).toContain('console: 1 error(s), first: Refused');
    expect(r.line).toContain('tray: no tray icon or menu');
  });

  it('a dashboard that never loads fails at the deadline instead of hanging', async () => {
    const r = await runSmoke(
      { ...healthy(), openDashboard: () => new Promise<void>(() => undefined) },
      { deadlineMs: 200 },
    );
    expect(r.ok).toBe(false);
    expect(r.line).toMatch(/dashboard: dashboard took longer than \d+ ms/);
  });

  it('notifications unsupported is not a failure, but it is said', async () => {
    const r = await runSmoke({ ...healthy(), notify: () => Promise.resolve('unsupported') });
    expect(r.ok).toBe(true);
    expect(r.line).toContain('(notifications unsupported here)');
  });
});
