/**
 * Faithful re-implementations of how the two readers bots actually use turn a .env file into
 * variables: npm `dotenv` (17.x, lib/main.js `parse`) and Python `python-dotenv` (0.21–1.x,
 * dotenv/parser.py + main.py `dotenv_values(interpolate=False)`).
 *
 * The exporter runs both over the file before and after every rewrite and refuses to write a file
 * that either would read differently than intended (see env-file.ts). The property tests check these
 * copies against the real packages on random files, so they cannot drift silently.
 */

/** Key → value as a program sees it (last occurrence wins); `null`: python-dotenv's bare `KEY`. */
export type EnvReading = Map<string, string | null>;

/** Every `KEY=value` a reader finds, in file order, duplicates included. */
export type EnvBindings = [key: string, value: string | null][];

/**
 * A reader's bindings one at a time: each `next()` moves to the next binding and returns false at
 * the end. The exporter walks the old and the new text side by side this way, keeping nothing.
 */
export interface EnvCursor {
  next(): boolean;
  /** The current binding (valid after `next()` returned true). */
  readonly key: string;
  readonly value: string | null;
}

export interface EnvReader {
  readonly name: string;
  cursor(text: string): EnvCursor;
  bindings(text: string): EnvBindings;
  read(text: string): EnvReading;
}

/** Map.set keeps the first position but the last value: the "last one wins" of both readers. */
const fold = (bindings: EnvBindings): EnvReading => new Map(bindings);

function collect(cursor: EnvCursor): EnvBindings {
  const out: EnvBindings = [];
  while (cursor.next()) out.push([cursor.key, cursor.value]);
  return out;
}

// ------------------------------------------------------------------------------------------ dotenv
// Copied from dotenv 17.4.2 lib/main.js (BSD-2-Clause, © Scott Motte): one regex over the whole text.
const DOTENV_LINE =
  /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/gm;
/** Where a JavaScript `^` or `$` with the `m` flag matches inside a string. */
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;
const QUOTES = `'"\``;

class DotenvCursor implements EnvCursor {
  key = '';
  value: string | null = '';
  private readonly lines: string;
  private readonly re = new RegExp(DOTENV_LINE.source, DOTENV_LINE.flags);
  constructor(text: string) {
    this.lines = text.includes('\r') ? text.replace(/\r\n?/gm, '\n') : text;
  }
  next(): boolean {
    const match = this.re.exec(this.lines);
    if (match === null) return false;
    this.key = match[1]!;
    let value = (match[2] ?? '').trim();
    const maybeQuote = value[0];
    // dotenv's `value.replace(/^(['"`])([\s\S]*)\1$/gm, '$2')`. Without a line terminator in the
    // value, `^` and `$` can only match at its ends: that is a quote at both ends, stripped.
    if (LINE_TERMINATOR.test(value)) value = value.replace(/^(['"`])([\s\S]*)\1$/gm, '$2');
    else if (value.length >= 2 && QUOTES.includes(maybeQuote!) && value.endsWith(maybeQuote!)) {
      value = value.slice(1, -1);
    }
    // (Replacing `\n` and `\r` needs a backslash.)
    if (maybeQuote === '"' && value.includes('\\')) {
      value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
    }
    this.value = value;
    return true;
  }
}

export const npmDotenv: EnvReader = {
  name: 'dotenv (npm)',
  cursor: (text) => new DotenvCursor(text),
  bindings: (text) => collect(new DotenvCursor(text)),
  read: (text) => fold(npmDotenv.bindings(text)),
};

// ------------------------------------------------------------------------------------ python-dotenv
// dotenv/parser.py reads a file as a sequence of regex matches at a moving position. The regexes
// that are a single character class repeated (whitespace, a key, the rest of a line) are walked here
// character by character, which reads the same text without allocating a match per step; the quoted
// values keep their regexes (their backtracking on an unclosed quote is part of what is copied).
// Python's `\s` (str patterns) is not JavaScript's: it adds U+001C–U+001F and U+0085 and lacks U+FEFF.
const PY_WS =
  '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
/** `[^\S\r\n]`: Python's `\s` without the line breaks. */
function isPyBlank(c: number): boolean {
  if (c < 0x80) {
    return c === 0x20 || c === 0x09 || c === 0x0b || c === 0x0c || (c >= 0x1c && c <= 0x1f);
  }
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}
/** Python's `\s`. */
const isPyWs = (c: number) => c === 0x0a || c === 0x0d || isPyBlank(c);
const PY_SINGLE_QUOTED_VALUE = /'((?:\\'|[^'])*)'/y;
const PY_DOUBLE_QUOTED_VALUE = /"((?:\\"|[^"])*)"/y;
// Python's `.` stops only at \n; JavaScript's would also stop at \u2028/\u2029.
const PY_UNQUOTED_COMMENT = new RegExp(`[${PY_WS}]+#[^\\n]*`, 'g');
const PY_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};
const LF = 0x0a;
const CR = 0x0d;
const HASH = 0x23;
const EQUALS = 0x3d;
const SQUOTE = 0x27;
const DQUOTE = 0x22;

/** Index of the next CR or LF at or after `from` (text.length at the end): `[^\r\n]*`. */
function pyLineEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR) break;
    i++;
  }
  return i;
}

function pySkipBlank(text: string, from: number): number {
  let i = from;
  while (i < text.length && isPyBlank(text.charCodeAt(i))) i++;
  return i;
}

/**
 * One python-dotenv "binding" starting at `r.pos` (parse_binding), into `r.key` and `r.value`; a
 * statement it cannot parse skips to the end of that line (`_rest_of_line`, from where parsing
 * stopped). False: no binding there (blank, comment, error).
 */
function pyBinding(text: string, r: PyCursor): boolean {
  const n = text.length;
  let pos = r.pos;
  // _multiline_whitespace
  while (pos < n && isPyWs(text.charCodeAt(pos))) pos++;
  if (pos >= n) {
    r.pos = pos;
    return false;
  }
  parse: {
    // _export: `(?:export[^\S\r\n]+)?`
    if (text.startsWith('export', pos) && pos + 6 < n && isPyBlank(text.charCodeAt(pos + 6))) {
      pos = pySkipBlank(text, pos + 6);
    }
    // parse_key
    const first = pos < n ? text.charCodeAt(pos) : -1;
    let key = '';
    if (first === SQUOTE) {
      // _single_quoted_key: `'([^']+)'`
      const close = text.indexOf("'", pos + 1);
      if (close <= pos + 1) break parse;
      key = text.slice(pos + 1, close);
      pos = close + 1;
    } else if (first !== HASH) {
      // _unquoted_key: `([^=\#\s]+)`
      const start = pos;
      while (pos < n) {
        const c = text.charCodeAt(pos);
        if (c === EQUALS || c === HASH || isPyWs(c)) break;
        pos++;
      }
      if (pos === start) break parse;
      key = text.slice(start, pos);
    }
    pos = pySkipBlank(text, pos); // _whitespace
    let value: string | null = null;
    if (pos < n && text.charCodeAt(pos) === EQUALS) {
      pos = pySkipBlank(text, pos + 1); // _equal_sign
      // parse_value
      const c = pos < n ? text.charCodeAt(pos) : -1;
      if (c === SQUOTE || c === DQUOTE) {
        const re = c === SQUOTE ? PY_SINGLE_QUOTED_VALUE : PY_DOUBLE_QUOTED_VALUE;
        re.lastIndex = pos;
        const m = re.exec(text);
        if (!m) break parse;
        pos = re.lastIndex;
        value = m[1]!;
        if (value.includes('\\')) {
          value = value.replace(
            c === SQUOTE ? /\\[\\']/g : /\\[\\'"abfnrtv]/g,
            (e) => PY_ESCAPES[e[1]!]!,
          );
        }
      } else if (c === -1 || c === LF || c === CR) {
        value = '';
      } else {
        // parse_unquoted_value: `([^\r\n]*)`, then re.sub(r"\s+#.*", "", part).rstrip()
        const start = pos;
        let hash = false;
        for (; pos < n; pos++) {
          const ch = text.charCodeAt(pos);
          if (ch === LF || ch === CR) break;
          if (ch === HASH) hash = true;
        }
        let end = pos;
        if (hash) {
          const part = text.slice(start, pos).replace(PY_UNQUOTED_COMMENT, '');
          end = start + part.length;
        }
        while (end > start && isPyWs(text.charCodeAt(end - 1))) end--;
        value = text.slice(start, end);
      }
    }
    // _comment: `(?:[^\S\r\n]*#[^\r\n]*)?`
    const afterBlank = pySkipBlank(text, pos);
    if (afterBlank < n && text.charCodeAt(afterBlank) === HASH) pos = pyLineEnd(text, afterBlank);
    // _end_of_line: `[^\S\r\n]*(?:\r\n|\n|\r|$)`
    pos = pySkipBlank(text, pos);
    if (pos < n) {
      const c = text.charCodeAt(pos);
      if (c === CR) pos += text.charCodeAt(pos + 1) === LF ? 2 : 1;
      else if (c === LF) pos += 1;
      else break parse;
    }
    r.pos = pos;
    if (first === HASH) return false;
    r.key = key;
    r.value = value;
    return true;
  }
  // _rest_of_line: `[^\r\n]*(?:\r|\n|\r\n)?` (the \r alternative comes first)
  pos = pyLineEnd(text, pos);
  if (pos < n) pos++;
  r.pos = pos;
  return false;
}

class PyCursor implements EnvCursor {
  key = '';
  value: string | null = null;
  pos = 0;
  private readonly text: string;
  constructor(text: string) {
    // Python opens the file in text mode: universal newlines turn \r\n and \r into \n first.
    this.text = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
  }
  next(): boolean {
    while (this.pos < this.text.length) {
      if (pyBinding(this.text, this)) return true;
    }
    return false;
  }
}

export const pythonDotenv: EnvReader = {
  name: 'python-dotenv',
  cursor: (text) => new PyCursor(text),
  bindings: (text) => collect(new PyCursor(text)),
  read: (text) => fold(pythonDotenv.bindings(text)),
};

export const ENV_READERS: readonly EnvReader[] = [npmDotenv, pythonDotenv];
