/**
 * The tray icons read without colour: with deuteranopia green (valid) and amber (expiring) look alike,
 * so each status must differ in shape. Compares the committed icons in grey (luminance), pixel by pixel.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain ESM script without types; its PNG reader is what it writes with.
import { decodeOwnPng, TRAY_STATUSES, TRAY_THEMES } from '../../scripts/make-icons.mjs';

const root = new URL('../..', import.meta.url).pathname;

function grey(status: string, theme: string): number[] {
  const png = (decodeOwnPng as (b: Buffer) => { rgba: Uint8Array })(
    readFileSync(`${root}build/icons/tray/${status}-${theme}@2x.png`),
  );
  const out: number[] = [];
  for (let i = 0; i < png.rgba.length; i += 4) {
    const [r = 0, g = 0, b = 0, a = 0] = png.rgba.subarray(i, i + 4);
    // What a deuteranope sees, roughly: red and green merge; luminance and alpha remain.
    out.push(Math.round(((0.2126 * r + 0.7152 * g + 0.0722 * b) * a) / 255 / 16));
  }
  return out;
}

function differingPixels(a: number[], b: number[]): number {
  return a.reduce((n, v, i) => n + (Math.abs(v - (b[i] ?? 0)) >= 4 ? 1 : 0), 0);
}

describe('tray icons differ by shape, not only by hue', () => {
  it('every pair of statuses differs in many pixels in grey, on both panel colours', () => {
    for (const theme of TRAY_THEMES as string[]) {
      const statuses = TRAY_STATUSES as string[];
      for (let i = 0; i < statuses.length; i += 1) {
        for (let j = i + 1; j < statuses.length; j += 1) {
          const a = statuses[i] ?? '';
          const b = statuses[j] ?? '';
          expect(
            differingPixels(grey(a, theme), grey(b, theme)),
            `${a} vs ${b} on ${theme}`,
          ).toBeGreaterThan(30);
        }
      }
    }
  });
});
