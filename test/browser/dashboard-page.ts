/**
 * Page object for the dashboard in Chromium (after Beekeeper Studio's Playwright page objects): names
 * the things a user sees, so tests read like what the user does.
 */
import type { Locator, Page } from 'playwright-core';

export interface DemoCall {
  readonly method: string;
  readonly request: Record<string, unknown>;
}

export class DashboardPage {
  constructor(readonly page: Page) {}

  async ready(): Promise<void> {
    await this.page.getByRole('heading', { level: 2, name: 'Accounts', exact: true }).waitFor();
  }

  card(label: string): Locator {
    return this.page.getByRole('article', { name: label, exact: true });
  }

  banner(): Locator {
    return this.page.getByRole('region', { name: /need(s)? you/ });
  }

  dialog(): Locator {
    return this.page.getByRole('dialog');
  }

  nav(name: 'Accounts' | 'Activity' | 'Settings'): Locator {
    return this.page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('button', { name: new RegExp(`^${name}`) });
  }

  async advance(ms: number): Promise<void> {
    await this.page.evaluate((n) => window.tokentrayDemo?.advance(n), ms);
  }

  async calls(): Promise<readonly DemoCall[]> {
    // `window.tokentrayDemo` is declared by renderer/demo/demo-main.tsx.
    const calls = await this.page.evaluate(() => window.tokentrayDemo?.calls() ?? []);
    return calls as readonly DemoCall[];
  }

  /** What the focused element is and its name, roughly as assistive technology computes it. */
  async focused(): Promise<{ tag: string; name: string; type: string | null }> {
    return this.page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return { tag: '', name: '', type: null };
      const text = (node: Element) => {
        const copy = node.cloneNode(true) as Element;
        for (const hidden of copy.querySelectorAll('[aria-hidden="true"]')) hidden.remove();
        return copy.textContent ?? '';
      };
      const input = el as HTMLInputElement;
      const label = input.labels?.[0];
      const name = el.getAttribute('aria-label') ?? (label ? text(label) : text(el));
      return { tag: el.tagName.toLowerCase(), name: name.trim(), type: el.getAttribute('type') };
    });
  }

  /** Presses Tab (keyboard only) until the focused element's name matches; fails after `max`. */
  async tabTo(name: RegExp, max = 60): Promise<void> {
    const seen: string[] = [];
    for (let i = 0; i < max; i += 1) {
      await this.page.keyboard.press('Tab');
      const f = await this.focused();
      if (name.test(f.name)) return;
      seen.push(`${f.tag}:${f.name.slice(0, 40)}`);
    }
    throw new Error(`Tab never reached ${String(name)}; passed: ${seen.join(' | ')}`);
  }
}
