/**
 * The layers of DESIGN.md are enforced by lint, with the very rule objects eslint.config.js uses
 * (eslint.layers.js). Each case lints a small file placed at a path inside a layer and checks that a
 * crossing is rejected with the layer's message, and that the allowed imports pass.
 */
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { layerRules } from '../../eslint.layers.js';

const root = new URL('../..', import.meta.url).pathname;

// Syntax-only parsing (no type information) is enough for import rules and keeps the test fast.
const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [
    {
      files: ['**/*.{ts,tsx}'],
      languageOptions: { parser: tseslint.parser },
    },
    ...layerRules,
  ],
});

async function importErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${root}${filePath}` });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('layer rules reject a file that crosses a layer', () => {
  it.each([
    [
      'electron/core/token-service-bad.ts',
      "import { app } from 'electron';\nexport const a = app;\n",
    ],
    ['electron/core/brokers/bad.ts', "import { net } from 'electron';\nexport const n = net;\n"],
    [
      'shared/bad.ts',
      "import { BrowserWindow } from 'electron';\nexport const b = BrowserWindow;\n",
    ],
    [
      'renderer/bad.tsx',
      "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n",
    ],
  ])('electron imported in %s', async (file, source) => {
    const errors = await importErrors(file, source);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.join('\n')).toMatch(
      /Only electron\/platform\/, electron\/main\.ts and electron\/preload\.ts/,
    );
  });

  it.each([
    ["import { readFileSync } from 'node:fs';"],
    ["import { readFileSync } from 'fs';"],
    ["import { join } from 'path';"],
    ["import * as cp from 'node:child_process';"],
  ])('renderer importing a Node built-in: %s', async (line) => {
    const errors = await importErrors('renderer/components/bad.tsx', `${line}\nexport {};\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/no Node built-ins/);
  });

  it('renderer importing main-process code', async () => {
    const errors = await importErrors(
      'renderer/components/bad.tsx',
      "import { TokenService } from '../../electron/core/lifecycle/token-service';\nexport const t = TokenService;\n",
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/may not import main-process code/);
  });

  it.each([
    ["import { readFileSync } from 'node:fs';"],
    ["import { TokenService } from '../electron/core/lifecycle/token-service';"],
    ["import { render } from '../renderer/mount';"],
    ["import React from 'react';"],
    ["import keytar from 'keytar';"],
  ])('shared importing beyond shared/ and pure libraries: %s', async (line) => {
    const errors = await importErrors('shared/bad.ts', `${line}\nexport {};\n`);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors.join('\n')).toMatch(/shared\/ may import only shared\/ and pure libraries/);
  });
});

describe('layer rules allow what DESIGN.md allows', () => {
  it.each([
    ['electron/platform/tray.ts', "import { Tray } from 'electron';\nexport const t = Tray;\n"],
    ['electron/main.ts', "import { app } from 'electron';\nexport const a = app;\n"],
    [
      'electron/preload.ts',
      "import { contextBridge } from 'electron';\nexport const c = contextBridge;\n",
    ],
    [
      'electron/core/ok.ts',
      "import { readFileSync } from 'node:fs';\nimport { DateTime } from 'luxon';\nimport { BROKERS } from '../../shared/brokers';\nexport const x = [readFileSync, DateTime, BROKERS];\n",
    ],
    [
      'shared/ok.ts',
      "import { DateTime } from 'luxon';\nimport { z } from 'zod';\nimport { BROKERS } from './brokers';\nexport const x = [DateTime, z, BROKERS];\n",
    ],
    [
      'renderer/ok.tsx',
      "import { useState } from 'react';\nimport { BROKERS } from '../shared/brokers';\nexport const x = [useState, BROKERS];\n",
    ],
    ['test/core/ok.test.ts', "import { app } from 'electron';\nexport const a = app;\n"],
  ])('%s', async (file, source) => {
    expect(await importErrors(file, source)).toEqual([]);
  });
});
