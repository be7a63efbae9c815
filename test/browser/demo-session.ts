/**
 * One Chromium and one preview server per test file, one fresh demo page per test, and after each
 * test the check that the page logged no console error, page error or CSP violation.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  ensureBuilt,
  launchChromium,
  openDemo,
  serveRenderer,
  type DemoPage,
  type OpenOptions,
} from './harness';

/** Registers the hooks; returns the function that opens the demo for the current test. */
export function useDemoSession(): (options?: OpenOptions) => Promise<DemoPage> {
  let server: { url: string; close: () => Promise<void> } | undefined;
  let browser: Browser | undefined;
  let open: DemoPage | undefined;

  beforeAll(async () => {
    await ensureBuilt();
    server = await serveRenderer();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(async () => {
    const problems = open?.problems ?? [];
    await open?.close();
    open = undefined;
    expect(problems, 'console errors or CSP violations').toEqual([]);
  });

  return async (options = {}) => {
    if (!browser || !server) throw new Error('the demo session has not started');
    open = await openDemo(browser, server.url, options);
    return open;
  };
}
