// The import rules that keep the layers of DESIGN.md apart. Kept in their own module so that
// test/lint-layers.test.ts can prove, with the very same objects eslint.config.js uses, that a file
// crossing a layer is rejected.
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

const electronBan = {
  name: 'electron',
  message:
    'Only electron/platform/, electron/main.ts and electron/preload.ts may import electron (DESIGN.md: layers). Put the logic in electron/core/ behind a port.',
};

/** Files that may talk to Electron directly. */
export const electronAllowed = ['electron/platform/**', 'electron/main.ts', 'electron/preload.ts'];

/** @type {import('eslint').Linter.Config[]} */
export const layerRules = [
  {
    // Everything outside the platform adapters: no electron.
    files: ['**/*.{ts,tsx,js,mjs}'],
    ignores: [...electronAllowed, 'test/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronBan] }],
    },
  },
  {
    // The renderer is a sandboxed web page: no Node, no electron, no main-process code.
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            electronBan,
            ...nodeBuiltins.map((name) => ({
              name,
              message:
                'renderer/ runs in a sandboxed page: no Node built-ins. Ask the main process through the preload API.',
            })),
          ],
          patterns: [
            {
              group: ['**/electron/**', '**/electron', 'electron/*'],
              message:
                'renderer/ may not import main-process code; use shared/ types and the preload API.',
            },
          ],
        },
      ],
    },
  },
  {
    // shared/ is platform-free: only shared/ itself and pure libraries (luxon, zod).
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronBan],
          patterns: [
            {
              regex: '^(?!\\./|\\.\\./(?!\\.\\./)|luxon$|zod$|zod/)',
              message:
                'shared/ may import only shared/ and pure libraries (luxon, zod): it runs in main and renderer alike.',
            },
            {
              group: ['**/electron/**', '**/renderer/**', '**/test/**', '**/scripts/**'],
              message: 'shared/ may import only shared/ and pure libraries (luxon, zod).',
            },
          ],
        },
      ],
    },
  },
];
