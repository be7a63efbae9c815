/**
 * Adversarial (.env rewriting), what held: hand-picked hostile files — a key that is a prefix of
 * ours, `export` with tabs, CR-only and mixed line endings, duplicates, NUL, a fake assignment
 * inside someone's multi-line value, unclosed quotes, Unicode and C0/C1 line-ish characters,
 * backslashes, backticks, bare keys. Each is rewritten, then read by the REAL npm dotenv and the
 * REAL python-dotenv: both must read exactly the new values for our keys and every other binding
 * as before (none added, none changed).
 */
import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import { rewriteEnv } from '../../electron/core/export/env-file';
import { pythonDotenvAvailable, readWithPythonDotenv } from '../export/helpers/python-dotenv';

const K = 'UPSTOX_ACCESS_TOKEN';
const updates = [
  { key: K, value: 'eyJ.NEW.tok' },
  { key: `${K}_EXPIRES_AT`, value: '2026-12-02T22:00:00.000Z' },
  { key: `${K}_ISSUED_AT`, value: '2026-12-01T04:00:00.000Z' },
];
const owned = new Set(updates.map((u) => u.key));

const HOSTILE: readonly string[] = [
  `${K}_EXPIRES_AT=x\n${K}=old\n`,
  `${K}_EXPIRES_AT_OLD=keep\n${K}=old\n`,
  `export\t${K}=old\n`,
  `export \t ${K}=old\r`,
  `A=1\r${K}=old\rB=2\r`,
  `${K}=old\r\nB=2\rC=3\n`,
  `${K}=old\n${K}=older\n`,
  `${K}=a\0b\nAFTER=1\n`,
  `A="x\n${K}=fake\n"\n${K}=old\n`,
  `${K} = old # c\n`,
  `${K}=\n'q'\n`,
  `A='unterminated\n${K}=old\n`,
  `  ${K}:old\n`,
  `${K}=old\u2028B=2\n`,
  `${K}=old\u0085B=2\n`,
  `${K}=old\x0bB=2\n`,
  `${K}=old\x0cB=2\n`,
  `${K}=old\x1cB=2\n`,
  `B=\\\n${K}=old\n`,
  `B="a\\"\n${K}=old\n"\n`,
  `${K}=old\n#${K}=c\n`,
  `${K}='old'x\n`,
  `${K}=\`old\`\n`,
  `${K}=old\\\n`,
  `export ${K}\n`,
  `${K}\n`,
  `${K}.X=1\n${K}=o\n`,
  `PRICE=$HOME\nTPL=\${HOME}\n${K}="old"\n`,
];

describe.skipIf(!pythonDotenvAvailable())(
  'hostile .env lines, read back by the real parsers',
  () => {
    it('both readers see exactly our new values and every other binding unchanged', () => {
      const outputs = HOSTILE.map((input) => ({ input, out: rewriteEnv(input, updates).text }));
      const python = readWithPythonDotenv(outputs.flatMap((o) => [o.input, o.out]));
      const problems: string[] = [];
      outputs.forEach((o, i) => {
        const readers = [
          ['dotenv', dotenv.parse(o.input), dotenv.parse(o.out)],
          ['python-dotenv', python[2 * i]!.values, python[2 * i + 1]!.values],
        ] as const;
        for (const [name, before, after] of readers) {
          for (const u of updates) {
            if (after[u.key] !== u.value)
              problems.push(`${name} ${u.key} in ${JSON.stringify(o.input)}`);
          }
          const foreign = (r: Record<string, string | null>) =>
            JSON.stringify(Object.entries(r).filter(([k]) => !owned.has(k)));
          if (foreign(before) !== foreign(after)) {
            problems.push(`${name} other bindings changed in ${JSON.stringify(o.input)}`);
          }
        }
      });
      expect(problems).toEqual([]);
    });
  },
);
