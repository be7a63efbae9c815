/**
 * Writers SIGKILLed at random moments never leave a torn file (helpers/crash.ts). 40 kills here;
 * `npm run bench` does ≥ 1,000.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { disposeChildScript } from './helpers/child-bundle';
import { runCrashTest } from './helpers/crash';

afterAll(disposeChildScript);

describe('export under SIGKILL', () => {
  it('every file is always a complete old or new content; nothing is left behind', async () => {
    const report = await runCrashTest({ kills: 40, parallel: 2 });
    expect(report.problems).toEqual([]);
    expect(report.kills).toBe(40);
    expect(report.torn).toBe(0);
    expect(report.leftovers).toBe(0);
    // The kills must really land mid-export, or this proves nothing: a killed writer leaves its
    // lock behind almost every time, and a temp file some of the time.
    expect(report.staleLocks).toBeGreaterThan(10);
  }, 60_000);
});
