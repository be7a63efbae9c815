/**
 * `electron . --smoke`: the real app, with a temporary profile, proves on a real desktop (the desktop
 * CI workflow) what no test here can: the dashboard opens, the preload bridge is there, the page logs
 * no console error, the tray and its menu are built, and one notification can be shown and closed
 * where the system supports it. One line of result, exit 0 or 1, all within a deadline.
 *
 * The checks are plain functions the composition root (electron/main.ts) supplies; this runner only
 * orders them, bounds each in time and words the result, so it is tested in Node.
 */

export interface SmokeChecks {
  /** Opens the dashboard and resolves when the page has finished loading. */
  openDashboard(): Promise<void>;
  /** True when `window.tokentray` (the preload's API) is an object in the page. */
  bridgePresent(): Promise<boolean>;
  /** Console errors the page logged so far. */
  consoleErrors(): readonly string[];
  /** True when the tray icon exists and has a context menu. */
  trayBuilt(): boolean;
  /** True when the application menu is set (Quit reachable without a tray). */
  appMenuBuilt(): boolean;
  /** Shows one notification and closes it; 'unsupported' where the system has none. */
  notify(): Promise<'shown' | 'unsupported'>;
}

export interface SmokeResult {
  readonly ok: boolean;
  /** One line: "smoke: ok — …" or "smoke: FAILED — …". */
  readonly line: string;
}

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export async function runSmoke(
  checks: SmokeChecks,
  options: { readonly deadlineMs?: number; readonly now?: () => number } = {},
): Promise<SmokeResult> {
  const now = options.now ?? (() => Date.now());
  const started = now();
  const deadline = started + (options.deadlineMs ?? 30_000);
  const left = () => Math.max(1, deadline - now());
  const passed: string[] = [];
  const failures: string[] = [];
  const step = async (name: string, run: () => Promise<string | null>) => {
    try {
      const problem = await within(run(), left(), name);
      if (problem) failures.push(`${name}: ${problem}`);
      else passed.push(name);
    } catch (e) {
      failures.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  await step('dashboard', async () => {
    await checks.openDashboard();
    return null;
  });
  await step('bridge', async () =>
    (await checks.bridgePresent()) ? null : 'window.tokentray is missing (preload not loaded)',
  );
  await step('console', () => {
    const errors = checks.consoleErrors();
    return Promise.resolve(
      errors.length === 0
        ? null
        : `${errors.length} error(s), first: ${(errors[0] ?? '').slice(0, 200)}`,
    );
  });
  await step('tray', () => Promise.resolve(checks.trayBuilt() ? null : 'no tray icon or menu'));
  await step('menu', () => Promise.resolve(checks.appMenuBuilt() ? null : 'no application menu'));
  let notification = '';
  await step('notification', async () => {
    notification = await checks.notify();
    return null;
  });

  const seconds = ((now() - started) / 1000).toFixed(1);
  if (failures.length === 0) {
    return {
      ok: true,
      line: `smoke: ok — ${passed.join(', ')}${notification === 'unsupported' ? ' (notifications unsupported here)' : ''} in ${seconds} s`,
    };
  }
  return { ok: false, line: `smoke: FAILED — ${failures.join('; ')} (${seconds} s)` };
}
