/**
 * .github/workflows/desktop.yml cannot run here (no Electron binary, no hosted runners): it is checked
 * against GitHub's workflow schema (@action-validator/core, SchemaStore's schema) and for the steps
 * issue 12 asks of it.
 */
import { validateWorkflow } from '@action-validator/core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';

const root = new URL('../..', import.meta.url).pathname;
const source = readFileSync(`${root}.github/workflows/desktop.yml`, 'utf8');

const workflow = z
  .object({
    jobs: z.object({
      desktop: z.object({
        strategy: z.object({ matrix: z.object({ os: z.array(z.string()) }) }),
        steps: z.array(
          z.looseObject({
            name: z.string().optional(),
            run: z.string().optional(),
            uses: z.string().optional(),
          }),
        ),
      }),
    }),
  })
  .parse(parse(source));
const steps = workflow.jobs.desktop.steps;
const runs = steps.map((s) => s.run ?? '').join('\n');

describe('desktop workflow', () => {
  it('is a valid GitHub Actions workflow', () => {
    const state = validateWorkflow(source);
    expect(state.errors).toEqual([]);
  });

  it('a broken workflow is reported (the validator is not a rubber stamp)', () => {
    const broken = source.replace('runs-on: ${{ matrix.os }}', 'runs-onn: ${{ matrix.os }}');
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
  });

  it('runs on Linux, macOS and Windows', () => {
    expect(workflow.jobs.desktop.strategy.matrix.os.sort()).toEqual([
      'macos-latest',
      'ubuntu-latest',
      'windows-latest',
    ]);
  });

  it('installs, tests, runs the real app with --smoke, builds installers and uploads them', () => {
    expect(runs).toContain('npm ci');
    expect(runs).toMatch(/xvfb-run -a bash scripts\/with-keyring\.sh npx vitest run/);
    expect(runs).toMatch(/npx electron \. --smoke/);
    expect(runs).toMatch(/npm run dist/);
    expect(steps.some((s) => s.uses?.startsWith('actions/upload-artifact@'))).toBe(true);
    // The sandbox is fixed, never switched off.
    expect(source).not.toMatch(/--no-sandbox/);
  });
});
