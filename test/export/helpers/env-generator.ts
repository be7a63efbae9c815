/**
 * Random .env files for the property tests and the bench: every construct bots' files really have
 * (comments, blank lines, `export `, spaces around `=`, unquoted / 'single' / "double" / `backtick`
 * values, multi-line quoted values, inline comments, duplicates of our keys, CRLF, mixed line endings,
 * a missing final newline, a BOM), and in "wild" files also odd lines (bare keys, `KEY: value`,
 * unterminated quotes, text after a closing quote, backslashes) on which the readers disagree.
 *
 * Each file comes with the exact spans of the values of our keys as generated, so the test can check
 * that every other byte is unchanged.
 */
import fc from 'fast-check';

export const OWNED_KEYS = [
  'UPSTOX_ACCESS_TOKEN',
  'UPSTOX_ACCESS_TOKEN_EXPIRES_AT',
  'KITE_API_KEY',
] as const;
const FOREIGN_KEYS = [
  'FOO',
  'BOT_NAME',
  'DATABASE_URL',
  'UPSTOX_ACCESS_TOKEN_OLD',
  'KITE_API_SECRET',
  'my.dotted',
  'with-dash',
  'export',
  '_x1',
];

export interface OwnedSpan {
  readonly key: string;
  readonly start: number;
  readonly end: number;
  /** False for a `backtick` value: the readers agree on it only once we have replaced it. */
  readonly agreeable: boolean;
}

export interface GeneratedEnv {
  readonly text: string;
  /** Where each value of one of OWNED_KEYS sits in `text`, as generated. */
  readonly owned: readonly OwnedSpan[];
  /** No unterminated quote, junk after a quote, backslash or BOM: the rewrite must succeed in place. */
  readonly clean: boolean;
  /** Built only from constructs dotenv and python-dotenv read alike: they must agree on the result. */
  readonly agreeable: boolean;
}

interface Piece {
  readonly text: string;
  /** Offsets of an owned value inside `text`. */
  readonly owned?: OwnedSpan;
  readonly clean: boolean;
  readonly agreeable: boolean;
}

// Array.from iterates code points: an emoji stays one character, not two lone surrogates.
const chars = (set: string) => fc.constantFrom(...Array.from(set));
const str = (set: string, min: number, max: number) =>
  fc.string({ unit: chars(set), minLength: min, maxLength: max });

const SAFE = 'abcXYZ019_-.:/+=@%,~';
const TEXT = `${SAFE} #'"\`$\\!?()[]{}<>;&|*^é€😀\t\u00a0\u3000`;
const ws = fc.constantFrom('', '', ' ', '  ', '\t');
/** Wild files also put Unicode spaces where only readers treat them as whitespace. */
const wildWs = fc.constantFrom('', ' ', '\t', '\u00a0', ' \u3000');
const eolOf = fc.constantFrom('\n', '\n', '\r\n');

/** A value as it appears after `=`, for a key we own: always a form both readers parse. */
const ownedValue = fc.oneof(
  fc.constant(''),
  // unquoted; a `#` only where no whitespace precedes it (both readers then agree on the value end)
  fc.tuple(str(SAFE, 1, 1), str(`${SAFE}#`, 0, 20)).map(([a, b]) => a + b),
  str(`${SAFE} #"é😀`, 0, 20).map((v) => `'${v}'`),
  str(`${SAFE} #'é😀`, 0, 20).map((v) => `"${v}"`),
  fc.tuple(str(`${SAFE} #`, 0, 10), str(`${SAFE} #`, 0, 10)).map(([a, b]) => `'${a}\n${b}'`),
  fc.tuple(str(`${SAFE} #`, 0, 10), str(`${SAFE} #`, 0, 10)).map(([a, b]) => `"${a}\n${b}"`),
  str(`${SAFE} #`, 0, 12).map((v) => `\`${v}\``),
);

const comment = fc.oneof(
  fc.constant(''),
  str(TEXT, 0, 15).map((c) => ` #${c}`),
  str(TEXT, 0, 15).map((c) => `\t# ${c}`),
);

function assignment(
  key: string,
  value: fc.Arbitrary<string>,
  flags: { clean: boolean; agreeable: boolean },
  wild = false,
): fc.Arbitrary<Piece> {
  return fc
    .record({
      indent: fc.constantFrom('', '', ' ', '\t'),
      exported: fc.constantFrom('', '', 'export ', 'export  '),
      before: ws,
      after: wild ? wildWs : ws,
      value,
      comment,
    })
    .map(({ indent, exported, before, after, value: v, comment: c }) => {
      const head = `${indent}${exported}${key}${before}=${after}`;
      // An empty value followed by " #…" is read as "#…" by python-dotenv: keep those comment-free.
      const tail = v === '' ? '' : c;
      const isOwned = (OWNED_KEYS as readonly string[]).includes(key);
      return {
        text: head + v + tail,
        ...(isOwned
          ? {
              owned: {
                key,
                start: head.length,
                end: head.length + v.length,
                // `backtick` and unquoted-with-# values are read differently until we replace them.
                agreeable: !v.startsWith('`') && !(/^[^'"]/.test(v) && v.includes('#')),
              },
            }
          : {}),
        ...flags,
        clean: flags.clean && !/[^\S \t]/.test(after),
      };
    });
}

/** Foreign values both readers read alike. */
const agreeableForeignValue = fc.oneof(
  fc.constant(''),
  fc.tuple(str(SAFE, 1, 1), str(`${SAFE}'"`, 0, 20)).map(([a, b]) => a + b),
  str(`${SAFE} #"é€😀`, 0, 20).map((v) => `'${v}'`),
  str(`${SAFE} #'é€😀`, 0, 20).map((v) => `"${v}"`),
  fc
    .array(str(`${SAFE} #"=`, 0, 12), { minLength: 2, maxLength: 4 })
    .map((lines) => `'${lines.join('\n')}'`),
  fc
    .array(str(`${SAFE} #'=`, 0, 12), { minLength: 2, maxLength: 4 })
    .map((lines) => `"${lines.join('\n')}"`),
);

/** Anything at all (no line break unless quoted), including what the readers disagree on. */
const wildForeignValue = fc.oneof(
  agreeableForeignValue,
  fc.tuple(fc.constantFrom(...Array.from(SAFE)), str(TEXT, 0, 25)).map(([a, b]) => a + b),
  str(`${TEXT}\n`, 0, 25).map((v) => `"${v.replace(/"/g, '')}"`),
  str(`${TEXT}\n`, 0, 25).map((v) => `'${v.replace(/'/g, '')}'`),
  str(TEXT, 0, 15).map((v) => `\`${v.replace(/`/g, '')}\``),
  str(`${SAFE}\\n`, 0, 15).map((v) => `"${v}\\"${v}"`),
);

const blank: fc.Arbitrary<Piece> = fc
  .constantFrom('', ' ', '\t', '   ')
  .map((text) => ({ text, clean: true, agreeable: text === '' }));

const commentLine: fc.Arbitrary<Piece> = fc
  .tuple(fc.constantFrom('', ' ', '\t'), str(TEXT, 0, 30))
  .map(([i, c]) => ({ text: `${i}#${c}`, clean: true, agreeable: true }));

/** Lines that are not clean assignments: readers skip, choke on, or disagree about them. */
const oddLine: fc.Arbitrary<Piece> = fc.oneof(
  fc.constantFrom(...OWNED_KEYS, ...FOREIGN_KEYS).map((k) => ({
    text: k,
    clean: true,
    agreeable: false,
  })),
  fc.tuple(fc.constantFrom(...OWNED_KEYS, 'FOO'), str(SAFE, 1, 10)).map(([k, v]) => ({
    text: `${k}: ${v}`,
    clean: true,
    agreeable: false,
  })),
  fc
    .tuple(fc.constantFrom('FOO', 'BAR'), fc.constantFrom("'", '"', '`'), str(SAFE, 0, 10))
    .map(([k, q, v]) => ({ text: `${k}=${q}${v}`, clean: false, agreeable: false })),
  fc.tuple(fc.constantFrom('FOO', 'BAR'), str(SAFE, 0, 6), str(SAFE, 1, 6)).map(([k, v, junk]) => ({
    text: `${k}='${v}' ${junk}`,
    clean: false,
    agreeable: false,
  })),
  str(TEXT, 1, 30).map((t) => ({
    text: t.replace(/['"`\\]/g, ''),
    clean: true,
    agreeable: false,
  })),
  // A quote after a Unicode space: readers open a (maybe multi-line) value there, a naive scanner
  // would not — and might then edit a line of ours that is really inside that value.
  fc.tuple(fc.constantFrom('\u00a0', '\u3000'), str(SAFE, 0, 6)).map(([u, v]) => ({
    text: `FOO=${u}'${v}`,
    clean: false,
    agreeable: false,
  })),
  fc
    .tuple(fc.constantFrom('\u00a0', '\u3000'), fc.constantFrom(...OWNED_KEYS), str(SAFE, 1, 6))
    .map(([u, k, v]) => ({ text: `FOO=${u}'x\n${k}=${v}'`, clean: false, agreeable: false })),
);

function line(wild: boolean): fc.Arbitrary<Piece> {
  const foreignValue = wild ? wildForeignValue : agreeableForeignValue;
  // `export  =1`: dotenv backtracks to the key "export", python-dotenv does not. Wild files only.
  const keys = wild ? FOREIGN_KEYS : FOREIGN_KEYS.filter((k) => k !== 'export');
  const foreign = fc.tuple(fc.constantFrom(...keys), foreignValue).chain(([key, value]) =>
    assignment(
      key,
      fc.constant(value),
      {
        // A backslash or a backtick in a foreign value, the key `export`, or a Unicode space
        // before the value may make the readers end the value differently.
        clean: !/[\\`]/.test(value) && key !== 'export',
        agreeable: !wild,
      },
      wild,
    ),
  );
  const owned = fc
    .constantFrom(...OWNED_KEYS)
    .chain((key) => assignment(key, ownedValue, { clean: true, agreeable: true }));
  const arbitraries: fc.Arbitrary<Piece>[] = [blank, commentLine, foreign, foreign, owned];
  if (wild) arbitraries.push(oddLine);
  return fc.oneof(...arbitraries);
}

/** A whole file. `wild` files add odd lines, mixed line endings and a BOM. */
export const envFileArbitrary: fc.Arbitrary<GeneratedEnv> = fc.boolean().chain((wild) =>
  fc
    .record({
      lines: fc.array(line(wild), { minLength: 0, maxLength: 14 }),
      eol: eolOf,
      mixed: fc.boolean(),
      eols: fc.array(eolOf, { minLength: 14, maxLength: 14 }),
      finalNewline: fc.boolean(),
      bom: fc.boolean(),
    })
    .map(({ lines, eol, mixed, eols, finalNewline, bom }) => {
      const useBom = wild && bom;
      let text = useBom ? '\uFEFF' : '';
      const owned: OwnedSpan[] = [];
      lines.forEach((piece, i) => {
        if (i > 0) text += wild && mixed ? eols[i]! : eol;
        if (piece.owned) {
          owned.push({
            ...piece.owned,
            start: text.length + piece.owned.start,
            end: text.length + piece.owned.end,
          });
        }
        // Quoted multi-line values follow the file's line ending too.
        text += wild && mixed ? piece.text : piece.text.replace(/\n/g, eol);
        if (piece.owned && eol !== '\n' && !(wild && mixed)) {
          const last = owned[owned.length - 1]!;
          const grown = piece.text.slice(piece.owned.start, piece.owned.end).split('\n').length - 1;
          owned[owned.length - 1] = { ...last, end: last.end + grown * (eol.length - 1) };
        }
      });
      if (lines.length > 0 && finalNewline) text += eol;
      return {
        text,
        owned,
        clean: !useBom && lines.every((p) => p.clean),
        agreeable: !wild && lines.every((p) => p.agreeable),
      };
    }),
);

/** New values for our keys: token-like, plus quotes, `#`, spaces, `$`, non-ASCII. */
export const ownedValuesArbitrary: fc.Arbitrary<Record<(typeof OWNED_KEYS)[number], string>> =
  fc.record({
    UPSTOX_ACCESS_TOKEN: fc.oneof(
      str('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.', 20, 80),
      str(`${SAFE} #'$é😀`, 1, 30),
      str(`${SAFE} #"$é`, 1, 30),
    ),
    UPSTOX_ACCESS_TOKEN_EXPIRES_AT: fc
      .date({
        min: new Date('2024-01-01T00:00:00Z'),
        max: new Date('2030-01-01T00:00:00Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString()),
    KITE_API_KEY: str('abcdefghijklmnopqrstuvwxyz0123456789', 8, 16),
  });
