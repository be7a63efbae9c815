/**
 * Browser-test harness: builds the renderer if needed, serves dist/renderer on 127.0.0.1 (port 0)
 * with Vite's preview server, drives Debian's Chromium through playwright-core, and records every
 * console error, page error and CSP violation so each test can assert there were none.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const distDir = join(root, 'dist', 'renderer');
export const screenshotDir = join(root, 'test-artifacts', 'screenshots');

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

/** `npm test` builds first; a lone `vitest --project browser` builds here. */
export async function ensureBuilt(): Promise<void> {
  if (existsSync(join(distDir, 'index.html')) && existsSync(join(distDir, 'demo.html'))) return;
  await buildRenderer();
}

/**
 * `vite build` as `npm run build:renderer` does it. Vitest sets NODE_ENV=test, and Vite keeps an
 * existing NODE_ENV, which would bundle React's development build (~50% more JS): force production.
 */
export async function buildRenderer(): Promise<void> {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: join(root, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
}

export async function serveRenderer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: PreviewServer = await preview({
    configFile: join(root, 'vite.config.ts'),
    logLevel: 'silent',
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('the preview server did not report its URL');
  return { url, close: () => server.close() };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface DemoPage {
  readonly page: Page;
  /** Console errors, uncaught exceptions and CSP violations seen so far. */
  readonly problems: string[];
  close(): Promise<void>;
}

export interface OpenOptions extends Pick<
  BrowserContextOptions,
  'colorScheme' | 'viewport' | 'reducedMotion'
> {
  /** Query for demo.html, e.g. { scenario: 'all-states' }. clock=frozen, latency=150, tz=Europe/London by default. */
  readonly query?: Record<string, string>;
  /** Which page: demo.html (default) or index.html (the real entry, no bridge). */
  readonly file?: 'demo.html' | 'index.html';
}

/** Opens the page in a fresh context (own storage, own colour scheme) and waits for the app. */
export async function openDemo(
  browser: Browser,
  baseUrl: string,
  options: OpenOptions = {},
): Promise<DemoPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1100, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: options.reducedMotion ?? 'reduce',
    timezoneId: 'Europe/London',
    locale: 'en-GB',
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: new URL(baseUrl).origin,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (msg) => {
    const text = msg.text();
    if (msg.type() === 'error' || /Content[- ]Security[- ]Policy/i.test(text)) {
      problems.push(`console ${msg.type()}: ${text}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()}`));
  await page.exposeFunction('__reportCsp', (text: string) =>
    problems.push(`CSP violation: ${text}`),
  );
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __reportCsp?: (t: string) => void }).__reportCsp;
      report?.(
        `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`,
      );
    });
  });
  const file = options.file ?? 'demo.html';
  const query = new URLSearchParams({
    clock: 'frozen',
    latency: '150',
    tz: 'Europe/London',
    ...options.query,
  });
  await page.goto(`${baseUrl}${file}${file === 'demo.html' ? `?${query.toString()}` : ''}`);
  return { page, problems, close: () => context.close() };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  // An open dialog sits in a fixed layer over the viewport and scrolls inside it: picture the
  // viewport (as the user sees it), grown to the dialog's height, then put the viewport back.
  const viewport = page.viewportSize();
  const dialogHeight = await page.evaluate(
    () => document.querySelector('.modal-layer')?.scrollHeight ?? 0,
  );
  if (dialogHeight > 0 && viewport) {
    if (dialogHeight > viewport.height) {
      await page.setViewportSize({ width: viewport.width, height: dialogHeight });
    }
    await page.screenshot({ path, animations: 'disabled' });
    await page.setViewportSize(viewport);
  } else {
    await page.screenshot({ path, fullPage: true, animations: 'disabled' });
  }
  return path;
}
