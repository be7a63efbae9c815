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

export interface EnvReader {
  readonly name: string;
  bindings(text: string): EnvBindings;
  read(text: string): EnvReading;
}

/** Map.set keeps the first position but the last value: the "last one wins" of both readers. */
const fold = (bindings: EnvBindings): EnvReading => new Map(bindings);

// ------------------------------------------------------------------------------------------ dotenv
// Copied from dotenv 17.4.2 lib/main.js (BSD-2-Clause, © Scott Motte): one regex over the whole text.
const DOTENV_LINE =
  /(?:^|^)\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?(?:$|$)/gm;

export const npmDotenv: EnvReader = {
  name: 'dotenv (npm)',
  read: (text) => fold(npmDotenv.bindings(text)),
  bindings(text) {
    const out: EnvBindings = [];
    const lines = text.replace(/\r\n?/gm, '\n');
    const re = new RegExp(DOTENV_LINE.source, DOTENV_LINE.flags);
    let match: RegExpExecArray | null;
    while ((match = re.exec(lines)) !== null) {
      const key = match[1]!;
      let value = (match[2] ?? '').trim();
      const maybeQuote = value[0];
      value = value.replace(/^(['"`])([\s\S]*)\1$/gm, '$2');
      if (maybeQuote === '"') value = value.replace(/\\n/g, '\n').replace(/\\r/g, '\r');
      out.push([key, value]);
    }
    return out;
  },
};

// ------------------------------------------------------------------------------------ python-dotenv
// Python's `\s` (str patterns) is not JavaScript's: it adds U+001C–U+001F and U+0085 and lacks U+FEFF.
const PY_WS =
  '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_WS_NO_NL =
  '\\t\\v\\f \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const sticky = (source: string) => new RegExp(source, 'y');
const PY = {
  multilineWhitespace: sticky(`[${PY_WS}]*`),
  export: sticky(`(?:export[${PY_WS_NO_NL}]+)?`),
  singleQuotedKey: sticky(`'([^']+)'`),
  unquotedKey: sticky(`([^=#${PY_WS}]+)`),
  whitespace: sticky(`[${PY_WS_NO_NL}]*`),
  equalSign: sticky(`(=[${PY_WS_NO_NL}]*)`),
  singleQuotedValue: sticky(`'((?:\\\\'|[^'])*)'`),
  doubleQuotedValue: sticky(`"((?:\\\\"|[^"])*)"`),
  unquotedValue: sticky(`([^\\r\\n]*)`),
  comment: sticky(`(?:[${PY_WS_NO_NL}]*#[^\\r\\n]*)?`),
  endOfLine: sticky(`[${PY_WS_NO_NL}]*(?:\\r\\n|\\n|\\r|$)`),
  restOfLine: sticky(`[^\\r\\n]*(?:\\r|\\n|\\r\\n)?`),
};
// Python's `.` stops only at \n; JavaScript's would also stop at \u2028/\u2029.
const PY_UNQUOTED_COMMENT = new RegExp(`[${PY_WS}]+#[^\\n]*`, 'g');
const PY_TRAILING_WS = new RegExp(`[${PY_WS}]+$`);
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

class PyParseError extends Error {}

class PyReader {
  pos = 0;
  constructor(readonly text: string) {}
  has(): boolean {
    return this.pos < this.text.length;
  }
  peek(n: number): string {
    return this.text.slice(this.pos, this.pos + n);
  }
  match(re: RegExp): RegExpExecArray {
    re.lastIndex = this.pos;
    const m = re.exec(this.text);
    if (!m) throw new PyParseError();
    this.pos = re.lastIndex;
    return m;
  }
}

function pyValue(r: PyReader): string {
  const c = r.peek(1);
  if (c === "'") {
    return r.match(PY.singleQuotedValue)[1]!.replace(/\\[\\']/g, (e) => PY_ESCAPES[e[1]!]!);
  }
  if (c === '"') {
    return r.match(PY.doubleQuotedValue)[1]!.replace(/\\[\\'"abfnrtv]/g, (e) => PY_ESCAPES[e[1]!]!);
  }
  if (c === '' || c === '\n' || c === '\r') return '';
  return r.match(PY.unquotedValue)[1]!.replace(PY_UNQUOTED_COMMENT, '').replace(PY_TRAILING_WS, '');
}

/** One python-dotenv "binding"; a statement it cannot parse skips to the end of that line. */
function pyBinding(r: PyReader): [string, string | null] | null {
  try {
    r.match(PY.multilineWhitespace);
    if (!r.has()) return null;
    r.match(PY.export);
    let key: string;
    const c = r.peek(1);
    if (c === '#') key = '';
    else if (c === "'") key = r.match(PY.singleQuotedKey)[1]!;
    else key = r.match(PY.unquotedKey)[1]!;
    r.match(PY.whitespace);
    let value: string | null = null;
    if (r.peek(1) === '=') {
      r.match(PY.equalSign);
      value = pyValue(r);
    }
    r.match(PY.comment);
    r.match(PY.endOfLine);
    return c === '#' ? null : [key, value];
  } catch (e) {
    if (!(e instanceof PyParseError)) throw e;
    r.match(PY.restOfLine);
    return null;
  }
}

export const pythonDotenv: EnvReader = {
  name: 'python-dotenv',
  read: (text) => fold(pythonDotenv.bindings(text)),
  bindings(text) {
    // Python opens the file in text mode: universal newlines turn \r\n and \r into \n first.
    const r = new PyReader(text.replace(/\r\n?/g, '\n'));
    const out: EnvBindings = [];
    while (r.has()) {
      const binding = pyBinding(r);
      if (binding) out.push(binding);
    }
    return out;
  },
};

export const ENV_READERS: readonly EnvReader[] = [npmDotenv, pythonDotenv];
