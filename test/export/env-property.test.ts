/**
 * The .env rewrite against the real readers on random files (helpers/env-property.ts says what is
 * checked). A few hundred cases here; `npm run bench` runs ≥ 10,000.
 */
import { describe, expect, it } from 'vitest';
import { runEnvProperty } from './helpers/env-property';
import { pythonDotenvAvailable } from './helpers/python-dotenv';

const hasPython = pythonDotenvAvailable();
if (process.env.CI && !hasPython) {
  throw new Error(
    'CI must read .env files back with python-dotenv: apt install python3-dotenv (used through /usr/bin/python3)',
  );
}

describe.skipIf(!hasPython)(
  '.env rewrite on random files, read back by dotenv and python-dotenv',
  () => {
    it('changes only our values, reads back identically, and is idempotent', () => {
      const report = runEnvProperty({ numRuns: 300 });
      expect(report.cases).toBe(300);
      // Every kind of case must actually occur, or the run proves less than it claims.
      expect(report.rewritten).toBeGreaterThan(250);
      expect(report.agreeable).toBeGreaterThan(30);
      expect(report.fastPath).toBeGreaterThan(30);
      expect(report.pythonFiles).toBeGreaterThan(400);
    });
  },
);
