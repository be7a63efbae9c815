/**
 * The .env rewrite property, shared by test/export/env-property.test.ts (a few hundred cases) and the
 * bench (≥ 10,000). For random files and random new values of our keys:
 *
 *  1. a file without unclosed quotes and the like is always rewritten; any refusal is an EnvFileError
 *     whose message names no value;
 *  2. every byte outside our keys' values is unchanged: the result is the input with our values
 *     replaced (all of them, in clean files) plus our missing keys appended;
 *  3. npm dotenv and python-dotenv each read the result as they read the input, except that our keys
 *     now have exactly the new values (for python-dotenv, also a key of ours behind a BOM, which it
 *     reads as "\uFEFFKEY"); where the input used only constructs both read alike, the two read the
 *     whole result identically;
 *  4. exporting the same values again changes nothing.
 *
 * Phase 1 runs inside fast-check (shrinking to a minimal failing file) with the real `dotenv` and our
 * python-dotenv re-implementation; phase 2 then reads every file of the run with the real
 * python-dotenv in one batch and demands it agrees with that re-implementation exactly.
 */
import dotenv from 'dotenv';
import fc from 'fast-check';
import {
  EnvFileError,
  rewriteEnv,
  scanEnv,
  type EnvUpdate,
} from '../../../electron/core/export/env-file';
import {
  npmDotenv,
  pythonDotenv,
  type EnvReading,
} from '../../../electron/core/export/dotenv-readers';
import {
  envFileArbitrary,
  ownedValuesArbitrary,
  OWNED_KEYS,
  type GeneratedEnv,
} from './env-generator';
import { readWithPythonDotenv } from './python-dotenv';

export interface EnvPropertyReport {
  readonly cases: number;
  readonly rewritten: number;
  readonly refused: number;
  readonly agreeable: number;
  /** Cases that took the unchecked fast path for simple files (and matched the checked path). */
  readonly fastPath: number;
  readonly pythonFiles: number;
  readonly seed: number;
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const encodings = (v: string) => `(?:'${esc(v)}'|"${esc(v)}"|${esc(v)})`;

/** Property 2 as one regex: fixed text between our value spans, a new value in each, appended keys. */
function structureOk(gen: GeneratedEnv, after: string, updates: readonly EnvUpdate[]): boolean {
  const byKey = new Map(updates.map((u) => [u.key, u.value]));
  let re = '^';
  let prev = 0;
  for (const span of gen.owned) {
    re += esc(gen.text.slice(prev, span.start));
    const original = esc(gen.text.slice(span.start, span.end));
    const value = byKey.get(span.key);
    if (value === undefined) re += original;
    else re += gen.clean ? encodings(value) : `(?:${original}|${encodings(value)})`;
    prev = span.end;
  }
  re += esc(gen.text.slice(prev));
  const line = `(?:${updates.map((u) => `${esc(u.key)}=${encodings(u.value)}`).join('|')})`;
  const br = '(?:\\r\\n|\\n|\\r)';
  re += `(?:${br}?${line}(?:${br}${line})*${br}?)?$`;
  return new RegExp(re, 'u').test(after);
}

function toObject(reading: EnvReading): Record<string, string | null> {
  return Object.fromEntries(reading);
}

function withUpdates(
  before: Record<string, string | null>,
  updates: readonly EnvUpdate[],
): Record<string, string | null> {
  const out = { ...before };
  for (const u of updates) out[u.key] = u.value;
  return out;
}

function sameRecord(a: Record<string, string | null>, b: Record<string, string | null>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => k in b && a[k] === b[k]);
}

const show = (s: string) => JSON.stringify(s);

interface Case {
  readonly before: string;
  readonly after: string;
  readonly agreeable: boolean;
}

/** Runs properties 1–4 over `numRuns` random files; throws (with the file) on the first failure. */
export function runEnvProperty(options: { numRuns: number; seed?: number }): EnvPropertyReport {
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const cases: Case[] = [];
  let refused = 0;
  let checked = 0;
  let fastPath = 0;

  const property = fc.property(
    envFileArbitrary,
    ownedValuesArbitrary,
    fc.subarray([...OWNED_KEYS], { minLength: 1 }),
    (gen, values, keys) => {
      checked++;
      const updates = keys.map((key) => ({ key, value: values[key] }));
      let after: string;
      try {
        after = rewriteEnv(gen.text, updates).text;
      } catch (e) {
        if (!(e instanceof EnvFileError)) throw e;
        if (gen.clean) throw new Error(`refused a clean file: ${e.message}`, { cause: e });
        for (const u of updates) {
          if (u.value.length > 3 && e.message.includes(u.value)) {
            throw new Error('the refusal message contains a value', { cause: e });
          }
        }
        refused++;
        return;
      }
      if (!structureOk(gen, after, updates)) {
        throw new Error(`bytes outside our values changed:\n${show(gen.text)}\n→\n${show(after)}`);
      }
      const dBefore = dotenv.parse(gen.text);
      const dAfter = dotenv.parse(after);
      if (!sameRecord(toObject(npmDotenv.read(after)), dAfter)) {
        throw new Error(`our copy of dotenv's parser disagrees with dotenv on ${show(after)}`);
      }
      if (!sameRecord(dAfter, withUpdates(dBefore, updates))) {
        throw new Error(`dotenv reads it differently:\n${show(gen.text)}\n→\n${show(after)}`);
      }
      const pBefore = toObject(pythonDotenv.read(gen.text));
      const pAfter = toObject(pythonDotenv.read(after));
      const pExpected = withUpdates(pBefore, updates);
      for (const u of updates) {
        // python-dotenv reads a BOM as part of line 1's key: when that line is one of ours, its value
        // may be updated in place too (dotenv reads it as our key).
        const bomKey = `\uFEFF${u.key}`;
        if (bomKey in pBefore && pAfter[bomKey] === u.value) pExpected[bomKey] = u.value;
      }
      if (!sameRecord(pAfter, pExpected)) {
        throw new Error(
          `python-dotenv reads it differently:\n${show(gen.text)}\n→\n${show(after)}`,
        );
      }
      if (scanEnv(gen.text).simple) {
        fastPath++;
        if (rewriteEnv(gen.text, updates, { verify: 'always' }).text !== after) {
          throw new Error(`the fast path differs from the checked path on ${show(gen.text)}`);
        }
      }
      if (rewriteEnv(after, updates).text !== after) {
        throw new Error(`a second identical export changed the file:\n${show(after)}`);
      }
      const agreeable =
        gen.agreeable &&
        gen.owned.every((s) => s.agreeable || (keys as readonly string[]).includes(s.key));
      cases.push({ before: gen.text, after, agreeable });
    },
  );
  fc.assert(property, { numRuns: options.numRuns, seed });

  // Phase 2: the real python-dotenv, all files in one process.
  const texts = [...new Set(cases.flatMap((c) => [c.before, c.after]))];
  const real = readWithPythonDotenv(texts);
  const byText = new Map(texts.map((t, i) => [t, real[i]!]));
  for (const text of texts) {
    const theirs = byText.get(text)!;
    const ours = pythonDotenv.bindings(text);
    if (
      JSON.stringify(ours) !== JSON.stringify(theirs.bindings) ||
      !sameRecord(toObject(pythonDotenv.read(text)), theirs.values)
    ) {
      throw new Error(
        `python-dotenv re-implementation disagrees with python-dotenv on ${show(text)}: ours ${JSON.stringify(ours)}, real ${JSON.stringify(theirs.bindings)}`,
      );
    }
  }
  let agreeable = 0;
  for (const c of cases) {
    if (!c.agreeable) continue;
    agreeable++;
    const python = byText.get(c.after)!.values;
    if (!sameRecord(dotenv.parse(c.after), python)) {
      throw new Error(
        `dotenv and python-dotenv read the result differently: ${show(c.after)}: ${JSON.stringify(dotenv.parse(c.after))} vs ${JSON.stringify(python)}`,
      );
    }
  }
  return {
    cases: checked,
    rewritten: cases.length,
    refused,
    agreeable,
    fastPath,
    pythonFiles: texts.length,
    seed,
  };
}
