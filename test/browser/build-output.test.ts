/**
 * What the build ships: a strict CSP in both pages, no inline code for it to have to allow, and the
 * renderer's JavaScript within its budget.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { JS_BUDGET_KB, bundleSize, pageAssets } from '../../scripts/bench/renderer';
import { distDir, ensureBuilt } from './harness';

beforeAll(ensureBuilt);

function csp(html: string): Map<string, string> {
  const content = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(
    html,
  )?.[1];
  expect(content, 'a CSP meta element').toBeTruthy();
  return new Map(
    (content ?? '')
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name = '', ...values] = d.split(/\s+/);
        return [name, values.join(' ')];
      }),
  );
}

describe.each(['index.html', 'demo.html'])('built %s', (page) => {
  const html = () => readFileSync(join(distDir, page), 'utf8');

  it('carries a strict Content Security Policy', () => {
    const policy = csp(html());
    expect(policy.get('default-src')).toBe("'none'");
    expect(policy.get('script-src')).toBe("'self'");
    expect(policy.get('style-src')).toBe("'self'");
    expect(policy.get('img-src')).toBe("'self' data:");
    expect(policy.get('connect-src')).toBe("'none'");
    expect(policy.get('base-uri')).toBe("'none'");
    expect(policy.get('form-action')).toBe("'none'");
    expect(policy.get('object-src')).toBe("'none'");
    for (const value of policy.values()) {
      expect(value).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    }
  });

  it('has no inline script, inline style or style attribute for the CSP to allow', () => {
    const h = html();
    const scripts = [...h.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs = '', body = ''] of scripts) {
      expect(attrs).toMatch(/\bsrc="\.\/assets\//);
      expect(body.trim()).toBe('');
    }
    expect(h).not.toMatch(/<style\b/);
    expect(h).not.toMatch(/\sstyle="/);
    expect(h).not.toMatch(/\son[a-z]+="/);
  });

  it('loads only its own relative assets (base "./" for file:// in Electron)', () => {
    const { js, css } = pageAssets(html());
    for (const url of [...js, ...css]) expect(url).toMatch(/^\.\/assets\/[\w.-]+\.(js|css)$/);
  });
});

describe('bundle budget', () => {
  it(`ships at most ${JS_BUDGET_KB} KB of gzipped JavaScript with index.html`, () => {
    const size = bundleSize('index.html', distDir);
    expect(size.jsGzip).toBeGreaterThan(15 * 1024); // Preact and the dashboard: the count is real
    expect(size.jsGzip).toBeLessThanOrEqual(JS_BUDGET_KB * 1024);
  });

  it('ships Preact through preact/compat, not React (react-dom alone is over the budget)', () => {
    const files = [
      ...new Set(
        ['index.html', 'demo.html'].flatMap(
          (page) => pageAssets(readFileSync(join(distDir, page), 'utf8')).js,
        ),
      ),
    ];
    const code = files.map((file) => readFileSync(join(distDir, file), 'utf8')).join('\n');
    // react-dom's production build names its errors by number and marks its elements this way.
    expect(code).not.toMatch(/Minified React error|react\.transitional\.element/);
    // preact/compat tags its elements with React 18's element symbol (React 19's is the one above).
    expect(code).toMatch(/Symbol\.for\(["'`]react\.element["'`]\)/);
  });

  it('paints without zod or Luxon: main validates, Intl formats, the rules use an IST-only DateTime', () => {
    const real = pageAssets(readFileSync(join(distDir, 'index.html'), 'utf8')).js;
    expect(real.length).toBeGreaterThan(0);
    for (const file of real) {
      const code = readFileSync(join(distDir, file), 'utf8');
      expect(
        code,
        `${file}: zod is in the first-paint bundle; import schemas only from views loaded on first use (renderer/zod-setup.ts)`,
      ).not.toMatch(/ZodError|\$ZodType/);
      expect(code, file).not.toMatch(/Invalid DateTime|weekNumber/);
    }
  });

  it('keeps the demo bridge out of the real page', () => {
    const real = pageAssets(readFileSync(join(distDir, 'index.html'), 'utf8')).js;
    for (const file of real) {
      expect(readFileSync(join(distDir, file), 'utf8')).not.toContain('tokentrayDemo');
    }
  });
});
