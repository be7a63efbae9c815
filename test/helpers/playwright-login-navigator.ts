/**
 * A LoginNavigator that drives real Chromium (playwright-core, Debian's /usr/bin/chromium) the way
 * the app's login window drives Electron: every request the login page makes is put to core's
 * decideLoginNavigation — the very function electron/platform/login-window.ts asks — and the redirect
 * URI is caught before it loads.
 *
 * How the redirect is caught before it loads: Playwright never routes redirect hops (only the first
 * request of a chain; microsoft/playwright#2617), so a navigation the policy allows is fetched here
 * with redirects off (`route.fetch({ maxRedirects: 0 })`). A 3xx whose Location is the redirect URI
 * is captured and the navigation aborted — the browser never requests the redirect URI. Any other
 * response is handed to the page unchanged. As a backstop, a navigation request that still reaches
 * the redirect URI (a redirect chain longer than one hop) is captured from the `request` event and
 * recorded in `escaped`, so a test can insist it stays empty.
 *
 * Like the login window: one login per account at a time, a fresh browser context per login (its
 * own cookies — the "partition"), no new windows (popups are closed), closing the page cancels, and a
 * timeout fails with words.
 */
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BROKERS } from '../../shared/brokers';
import { loginCancelled } from '../../electron/core/brokers/redirect';
import { TokenTrayError } from '../../electron/core/errors';
import type {
  LoginNavigationRequest,
  LoginNavigator,
} from '../../electron/core/lifecycle/login-flow';
import {
  decideLoginNavigation,
  type LoginRequestKind,
} from '../../electron/core/policy/login-navigation-policy';

export interface PlaywrightLoginNavigatorOptions {
  readonly browser: Browser;
  /** What the user does on the login page once it has loaded (click #sim-login, close the page…). */
  readonly user: (page: Page, request: LoginNavigationRequest) => Promise<void>;
  /** Where to keep a screenshot when a login does not end in a redirect. */
  readonly screenshotDir?: string;
}

export interface NavigationRecord {
  readonly url: string;
  readonly kind: LoginRequestKind;
  readonly action: 'capture' | 'allow' | 'block';
}

export class PlaywrightLoginNavigator implements LoginNavigator {
  /** Every request the policy was asked about, in order. */
  readonly decisions: NavigationRecord[] = [];
  /** Redirect-URI requests that reached the network (must stay empty). */
  readonly escaped: string[] = [];
  private readonly active = new Set<string>();

  constructor(private readonly options: PlaywrightLoginNavigatorOptions) {}

  async navigate(request: LoginNavigationRequest): Promise<string> {
    const label = BROKERS[request.broker].label;
    if (this.active.has(request.accountId)) {
      throw new TokenTrayError('busy', `A ${label} login for this account is already open.`);
    }
    this.active.add(request.accountId);
    const context = await this.options.browser.newContext();
    try {
      const page = await context.newPage();
      return await this.run(request, context, page, label);
    } finally {
      this.active.delete(request.accountId);
      await context.close().catch(() => undefined);
    }
  }

  private decide(url: string, kind: LoginRequestKind, request: LoginNavigationRequest) {
    const decision = decideLoginNavigation(url, kind, request);
    this.decisions.push({ url, kind, action: decision.action });
    return decision;
  }

  private run(
    request: LoginNavigationRequest,
    context: BrowserContext,
    page: Page,
    label: string,
  ): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: { url: string } | { error: TokenTrayError }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if ('url' in outcome) resolve(outcome.url);
        else reject(outcome.error);
      };

      const timer = setTimeout(() => {
        void this.keepScreenshot(page, request).finally(() =>
          finish({
            error: new TokenTrayError(
              'login-failed',
              `${label} login timed out: the login page did not return to TokenTray in time.`,
            ),
          }),
        );
      }, request.timeoutMs);

      const onRoute = async (route: Route): Promise<void> => {
        const req = route.request();
        const kind: LoginRequestKind = !req.isNavigationRequest()
          ? 'resource'
          : req.frame() === page.mainFrame()
            ? 'main-frame'
            : 'sub-frame';
        if (settled) return route.abort('aborted');
        const decision = this.decide(req.url(), kind, request);
        if (decision.action === 'capture') {
          finish({ url: req.url() });
          return route.abort('aborted');
        }
        if (decision.action === 'block') return route.abort('blockedbyclient');
        if (kind === 'resource') return route.continue();
        // A page the window may show: look at its answer before the browser follows a redirect.
        const response = await route.fetch({ maxRedirects: 0 });
        const location = response.headers()['location'];
        if (response.status() >= 300 && response.status() < 400 && location) {
          const target = new URL(location, req.url()).href;
          const next = this.decide(target, kind, request);
          if (next.action === 'capture') {
            finish({ url: target });
            return route.abort('aborted');
          }
          if (next.action === 'block') return route.abort('blockedbyclient');
        }
        return route.fulfill({ response });
      };

      void context.route('**/*', (route) =>
        onRoute(route).catch(() => route.abort('failed').catch(() => undefined)),
      );
      // Backstop: a navigation to the redirect URI that got past the route (see the file comment).
      page.on('request', (req) => {
        if (settled || !req.isNavigationRequest() || req.frame() !== page.mainFrame()) return;
        if (request.isRedirect(req.url())) {
          this.escaped.push(req.url());
          finish({ url: req.url() });
        }
      });
      // No new windows, like setWindowOpenHandler → deny.
      context.on('page', (popup) => {
        if (popup !== page) void popup.close();
      });
      page.on('close', () =>
        finish({ error: loginCancelled(label, 'the login window was closed') }),
      );

      void (async () => {
        try {
          await page.goto(request.authorizeUrl);
          if (!settled) await this.options.user(page, request);
        } catch (e) {
          // A navigation we aborted on purpose ends here too; only a real failure counts.
          if (settled) return;
          await this.keepScreenshot(page, request);
          finish({
            error: new TokenTrayError(
              'login-failed',
              `${label} login failed in the browser: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
            ),
          });
        }
      })();
    });
  }

  private async keepScreenshot(page: Page, request: LoginNavigationRequest): Promise<void> {
    if (!this.options.screenshotDir || page.isClosed()) return;
    mkdirSync(this.options.screenshotDir, { recursive: true });
    await page
      .screenshot({ path: join(this.options.screenshotDir, `login-${request.accountId}.png`) })
      .catch(() => undefined);
  }
}
