// Types for eslint.layers.js, which eslint.config.js (plain JS) and test/project/lint-layers.test.ts share.
import type { Linter } from 'eslint';

export declare const electronAllowed: string[];
export declare const layerRules: Linter.Config[];
