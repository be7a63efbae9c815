/**
 * Pure .env rewriting: update the variables TokenTray owns and keep every other byte of the file —
 * comments, blank lines, order, quoting, `export ` prefixes, CRLF or LF, a missing final newline.
 *
 * How:
 * 1. `scanEnv` finds the `KEY=value` lines and the exact span of each value (quotes included), reading
 *    multi-line quoted values the way dotenv and python-dotenv do, so a line *inside* someone else's
 *    multi-line value is never mistaken for one of ours.
 * 2. `rewriteEnv` replaces the value span of **every** occurrence of an owned key (both readers take
 *    the last occurrence, a hand-rolled `grep | head -1` takes the first: updating all of them means
 *    every reader sees the new token) and appends keys the file lacks, with the file's line ending.
 * 3. Before handing the text back it reads old and new text with both readers (dotenv-readers.ts),
 *    side by side, binding by binding: each must see exactly the new values for our keys and
 *    unchanged values for everything else. If an odd file defeats the in-place edit (an unclosed
 *    quote, a bare `KEY` after ours…) it falls back to also appending our keys at the end, then to
 *    appending only; if no form reads back right it refuses with the line at fault. A file is
 *    never written in a shape a bot would misread.
 *    A "simple" file (EnvLayout.simple: the shape nearly every real .env has) skips this re-reading:
 *    both readers provably split it exactly as scanEnv does. The property tests hold both paths to
 *    the real dotenv and python-dotenv (test/export/helpers/env-property.ts).
 */
import { ENV_READERS, type EnvReader } from './dotenv-readers';
import { encodeEnvValue, unwritableReason, type EnvQuote } from './env-value';

export interface EnvUpdate {
  readonly key: string;
  readonly value: string;
}

export interface EnvAssignment {
  readonly key: string;
  /** 1-based line of `KEY=`. */
  readonly line: number;
  /** The value's span in the text, quotes included; empty for `KEY=` or `KEY= # comment`. */
  readonly valueStart: number;
  readonly valueEnd: number;
  readonly quote: EnvQuote | '`';
}

/** Something in the file that readers may disagree on; named in the error if it gets in our way. */
export interface EnvHazard {
  readonly line: number;
  readonly problem: string;
}

export interface EnvLayout {
  readonly assignments: readonly EnvAssignment[];
  readonly hazards: readonly EnvHazard[];
  /** The file's own line ending (its first one), used for lines we append. */
  readonly eol: '\n' | '\r\n' | '\r';
  readonly endsWithLineBreak: boolean;
  /**
   * True when every line is blank, a comment or a well-formed `KEY=value` (closed quotes, nothing but
   * a comment after them) and no reader-sensitive character occurs: then dotenv, python-dotenv and
   * this scanner provably split the file into the same entries, and an in-place edit needs no check.
   */
  readonly simple: boolean;
}

export interface EnvRewriteResult {
  readonly text: string;
  /** Existing `KEY=` lines whose value was replaced. */
  readonly updatedInPlace: number;
  /** Keys written as new lines at the end. */
  readonly appended: readonly string[];
}

/** A file or value TokenTray cannot update safely. The message names the line, never a value. */
export class EnvFileError extends Error {
  override readonly name = 'EnvFileError';
}

const OWNED_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `KEY=` as both readers see it: optional indentation and `export `, dotenv's key characters. */
const HEAD = /[ \t]*(?:export[ \t]+)?([\w.-]+)[ \t]*=/y;

function lineEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return text.length;
}

function afterBreak(text: string, at: number): number {
  if (at >= text.length) return at;
  return text[at] === '\r' && text[at + 1] === '\n' ? at + 2 : at + 1;
}

const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;
const HASH = 35;
const BOM = 0xfeff;

const isBlank = (c: number) => c === SPACE || c === TAB;

/**
 * Characters that keep a file off the fast path: any whitespace but space, tab, LF and CR (both
 * readers skip Unicode spaces where this scanner does not — `KEY=<nbsp>'a` opens a quote for them;
 * Python's `\s` adds U+001C–U+001F and U+0085, JavaScript's U+FEFF, and JS regexes end lines at
 * U+2028/2029), other control characters, and a lone CR. Backslashes and backticks are not on the
 * list: the readers decode them differently, but they end a value where this scanner does (same
 * escape rule, and a multi-line backtick value is ruled out below), and that is all the fast path
 * relies on.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const READER_SENSITIVE = /[^\S \t\n\r]|[\x00-\x08\x0e-\x1f\x7f\x85]|\r(?!\n)/;

/**
 * Index of the quote closing the one at `open` (skipping `\<quote>` as both readers' regexes do), or
 * -1; `breaks` receives the number of line breaks passed on the way.
 */
function closingQuote(text: string, open: number, quote: number, breaks: { n: number }): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */ && text.charCodeAt(i + 1) === quote) i++;
    else if (c === quote) return i;
    else if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) breaks.n++;
  }
  return -1;
}

/** The first character that is not a space, tab or line break at or after `from` (-1 at the end). */
function nextVisible(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isBlank(c) && c !== LF && c !== CR) return c;
  }
  return -1;
}

export function scanEnv(text: string): EnvLayout {
  const assignments: EnvAssignment[] = [];
  const hazards: EnvHazard[] = [];
  // "Simple": only lines whose structure both readers provably see exactly as we do (see rewriteEnv).
  let simple = !READER_SENSITIVE.test(text);
  const n = text.length;
  // A UTF-8 byte order mark is not part of the first key: dotenv skips it as whitespace (python-dotenv
  // makes it part of that key; misreading() counts such a key as ours).
  let pos = text.charCodeAt(0) === BOM ? 1 : 0;
  let line = 1;
  while (pos < n) {
    let p = pos;
    while (p < n && isBlank(text.charCodeAt(p))) p++;
    const first = p < n ? text.charCodeAt(p) : -1;
    let next: number;
    const breaks = { n: 0 };
    if (first === -1 || first === LF || first === CR || first === HASH) {
      next = afterBreak(text, lineEnd(text, p)); // blank line or comment
    } else {
      HEAD.lastIndex = pos;
      const head = HEAD.exec(text);
      if (!head) {
        simple = false; // a line that is neither blank, comment nor KEY=: readers differ on those
        next = afterBreak(text, lineEnd(text, p));
      } else {
        const key = head[1]!;
        // `export  =1`: dotenv backtracks to a key named "export", python-dotenv does not.
        if (key === 'export') simple = false;
        const eqEnd = HEAD.lastIndex;
        let v = eqEnd;
        while (v < n && isBlank(text.charCodeAt(v))) v++;
        const c = v < n ? text.charCodeAt(v) : -1;
        if (c === 39 || c === 34 || c === 96 /* ' " ` */) {
          const q = String.fromCharCode(c);
          const close = closingQuote(text, v, c, breaks);
          if (close < 0) {
            simple = false;
            breaks.n = 0;
            hazards.push({
              line,
              problem: `the value of ${key} opens a ${q} quote that never closes`,
            });
            next = afterBreak(text, lineEnd(text, v));
          } else {
            const end = lineEnd(text, close + 1);
            next = afterBreak(text, end);
            let r = close + 1;
            while (r < end && isBlank(text.charCodeAt(r))) r++;
            if (r < end && text.charCodeAt(r) !== HASH) {
              // dotenv then reads this line as an unquoted value and goes on with the next line
              // (python-dotenv skips to the closing quote's line): follow dotenv, let the check decide.
              simple = false;
              breaks.n = 0;
              hazards.push({
                line,
                problem: `the value of ${key} has text after its closing quote`,
              });
              next = afterBreak(text, lineEnd(text, v));
            } else if (c === 96 && breaks.n > 0) {
              // dotenv reads a multi-line `backtick` value; python-dotenv reads its lines one by one.
              simple = false;
              hazards.push({
                line,
                problem: `the value of ${key} is a multi-line backtick string`,
              });
            } else {
              assignments.push({
                key,
                line,
                valueStart: v,
                valueEnd: close + 1,
                quote: q as EnvQuote,
              });
            }
          }
        } else {
          const end = lineEnd(text, v);
          next = afterBreak(text, end);
          if (c === HASH) {
            // `KEY= # note`: dotenv reads "", python-dotenv "# note". Our value goes right after `=`,
            // which both read the same way, and the note stays.
            assignments.push({ key, line, valueStart: eqEnd, valueEnd: eqEnd, quote: '' });
          } else {
            // python-dotenv's value ends before whitespace + `#`; trailing whitespace is not part of it.
            let valueEnd = v;
            for (let i = v; i < end; i++) {
              const ch = text.charCodeAt(i);
              if (ch === HASH && i > v && isBlank(text.charCodeAt(i - 1))) break;
              if (!isBlank(ch)) valueEnd = i + 1;
            }
            // `KEY=` with nothing after it: dotenv looks across the line break for a quoted value
            // (`KEY=` then `'x'` on the next line is KEY='x' to dotenv, KEY='' to python-dotenv).
            if (valueEnd === v) {
              const after = nextVisible(text, end);
              if (after === 39 || after === 34 || after === 96) simple = false;
            }
            assignments.push({ key, line, valueStart: v, valueEnd, quote: '' });
          }
        }
      }
    }
    line += 1 + breaks.n;
    pos = next;
  }
  const firstBreak = /\r\n|\r|\n/.exec(text);
  const eol = (firstBreak?.[0] ?? '\n') as EnvLayout['eol'];
  const endsWithLineBreak = text.endsWith('\n') || text.endsWith('\r');
  return { assignments, hazards, eol, endsWithLineBreak, simple };
}

function checkUpdates(updates: readonly EnvUpdate[]): void {
  const seen = new Set<string>();
  for (const { key, value } of updates) {
    if (!OWNED_KEY.test(key)) {
      throw new EnvFileError(
        `"${key}" is not a valid variable name (letters, digits and _, not starting with a digit)`,
      );
    }
    if (seen.has(key)) throw new EnvFileError(`the variable ${key} is set twice by one export`);
    seen.add(key);
    const reason = unwritableReason(value);
    if (reason) throw new EnvFileError(`the value for ${key} ${reason}`);
  }
}

function append(base: string, layout: EnvLayout, lines: readonly string[]): string {
  if (lines.length === 0) return base;
  if (base.length === 0) return lines.join('\n') + '\n';
  // Keep the file's habit: with a final line break, ours end with one too; without, they do not.
  return layout.endsWithLineBreak
    ? base + lines.join(layout.eol) + layout.eol
    : base + layout.eol + lines.join(layout.eol);
}

type Placement = 'in-place' | 'in-place-and-append' | 'append';

interface Strategy {
  readonly placement: Placement;
  /** Quoting of appended lines: single quotes by default (also literal for a shell's `source`). */
  readonly quote: EnvQuote;
}

function render(
  text: string,
  layout: EnvLayout,
  updates: readonly EnvUpdate[],
  { placement, quote }: Strategy,
): EnvRewriteResult {
  const byKey = new Map(updates.map((u) => [u.key, u.value]));
  let out = '';
  let cursor = 0;
  let updatedInPlace = 0;
  const present = new Set<string>();
  if (placement !== 'append') {
    for (const a of layout.assignments) {
      const value = byKey.get(a.key);
      if (value === undefined) continue;
      // Keep the line's own quoting where the value fits it. A `backtick` value is a string only
      // to dotenv, and an empty `KEY=` shows no style: both get the single quotes of new lines.
      const preferred: EnvQuote =
        a.quote === '`' || (a.quote === '' && a.valueStart === a.valueEnd) ? "'" : a.quote;
      out += text.slice(cursor, a.valueStart) + encodeEnvValue(value, preferred);
      cursor = a.valueEnd;
      updatedInPlace++;
      present.add(a.key);
    }
  }
  out += text.slice(cursor);
  const toAppend = updates.filter((u) => placement !== 'in-place' || !present.has(u.key));
  return {
    text: append(
      out,
      layout,
      toAppend.map((u) => `${u.key}=${encodeEnvValue(u.value, quote)}`),
    ),
    updatedInPlace,
    appended: toAppend.map((u) => u.key),
  };
}

/** A binding's key as ours: python-dotenv reads a file's BOM as part of the first key. */
const ownKey = (key: string) => (key.charCodeAt(0) === BOM ? key.slice(1) : key);

/** The value each of our keys ends up with (the last occurrence wins); undefined: none. */
type Finals = Map<string, string | null>;

const allNew = (finals: Finals, updates: readonly EnvUpdate[]) =>
  updates.every((u) => finals.get(u.key) === u.value);

/** What `reader` reads for our keys in `text`. */
function finalsOf(reader: EnvReader, text: string, owned: ReadonlySet<string>): Finals {
  const finals: Finals = new Map();
  const c = reader.cursor(text);
  while (c.next()) if (owned.has(c.key)) finals.set(c.key, c.value);
  return finals;
}

/**
 * Null when, for every reader, our keys end up with exactly the new values and every other
 * `KEY=value` it finds — duplicates and shadowed ones included — is the same, in the same order.
 * Each reader reads `original` and `after` side by side, binding by binding, keeping nothing but
 * our keys' values. When it returns null it has read `original` to the end: `originalFinals`
 * then holds what each reader reads there for our keys.
 */
function misreading(
  original: string,
  after: string,
  updates: readonly EnvUpdate[],
  owned: ReadonlySet<string>,
  originalFinals: Finals[],
): string | null {
  originalFinals.length = 0;
  for (const reader of ENV_READERS) {
    const was = reader.cursor(original);
    const now = reader.cursor(after);
    const wasFinals: Finals = new Map();
    const nowFinals: Finals = new Map();
    let hasWas = was.next();
    let hasNow = now.next();
    // The foreign bindings (not ours) of both, walked side by side: two equal bindings are both
    // ours or both foreign, and either way both are passed.
    let differs: string | null = null;
    while (hasWas || hasNow) {
      if (hasWas && hasNow && was.key === now.key && was.value === now.value) {
        if (owned.has(was.key)) {
          wasFinals.set(was.key, was.value);
          nowFinals.set(now.key, now.value);
        }
        hasWas = was.next();
        hasNow = now.next();
      } else if (hasWas && owned.has(ownKey(was.key))) {
        if (owned.has(was.key)) wasFinals.set(was.key, was.value);
        hasWas = was.next();
      } else if (hasNow && owned.has(ownKey(now.key))) {
        if (owned.has(now.key)) nowFinals.set(now.key, now.value);
        hasNow = now.next();
      } else {
        differs = `${reader.name} would read ${hasWas ? was.key : now.key} differently`;
        break;
      }
    }
    if (differs) {
      // Not reading our keys back is the graver problem: read the rest of `after` to know.
      while (hasNow) {
        if (owned.has(now.key)) nowFinals.set(now.key, now.value);
        hasNow = now.next();
      }
    }
    for (const u of updates) {
      if (nowFinals.get(u.key) !== u.value) return `${reader.name} would not read ${u.key} back`;
    }
    if (differs) return differs;
    originalFinals.push(wasFinals);
  }
  return null;
}

export interface RewriteOptions {
  /**
   * 'auto' (default): a simple file (EnvLayout.simple) is edited in place without re-reading it,
   * anything else is checked with both readers. 'always': check every file (tests compare the two).
   */
  readonly verify?: 'auto' | 'always';
}

/**
 * The new file text with `updates` applied (see the header for the rules). `original` null or ''
 * means the file does not exist yet. Throws EnvFileError when no safe rewrite exists.
 */
export function rewriteEnv(
  original: string | null,
  updates: readonly EnvUpdate[],
  options: RewriteOptions = {},
): EnvRewriteResult {
  checkUpdates(updates);
  const text = original ?? '';
  const layout = scanEnv(text);
  if (layout.simple && options.verify !== 'always') {
    // Both readers split a simple file exactly as scanEnv did, and our values are written in forms
    // both read identically (env-value.ts), so the in-place edit reads back right by construction.
    // Reading a 10,000-line file twice with both readers costs ~10 ms; this costs ~2 ms.
    // The property tests hold this path to the real dotenv and python-dotenv.
    return render(text, layout, updates, { placement: 'in-place', quote: "'" });
  }
  const owned = new Set(updates.map((u) => u.key));
  const placements: Placement[] = layout.assignments.some((a) =>
    updates.some((u) => u.key === a.key),
  )
    ? ['in-place', 'in-place-and-append', 'append']
    : ['in-place'];
  // Another quote style for appended lines gets past a foreign value's unclosed quote of one kind.
  const quotes: EnvQuote[] = ["'", '"', ''];
  const strategies = placements.flatMap((placement) =>
    quotes.map((quote) => ({ placement, quote })),
  );
  let problem = '';
  for (const [i, strategy] of strategies.entries()) {
    const result = render(text, layout, updates, strategy);
    const originalFinals: Finals[] = [];
    const wrong = misreading(text, result.text, updates, owned, originalFinals);
    if (!wrong && result.appended.length === 0) return result;
    // (Read unchanged, the original has the same foreign bindings as itself: only our values count.)
    if (
      i === 0 &&
      text !== '' &&
      ENV_READERS.every((reader, r) =>
        allNew(originalFinals[r] ?? finalsOf(reader, text, owned), updates),
      )
    ) {
      // Every reader already sees the new values (an odd file where an earlier export had to
      // append): change nothing rather than pile up another copy of our lines on each export.
      return { text, updatedInPlace: 0, appended: [] };
    }
    if (!wrong) return result;
    problem ||= wrong;
  }
  const hazard = layout.hazards[0];
  throw new EnvFileError(
    hazard
      ? `line ${hazard.line}: ${hazard.problem}, so ${problem}. Fix that line and export again.`
      : `${problem} after the update. Check the file for unusual quoting and export again.`,
  );
}
