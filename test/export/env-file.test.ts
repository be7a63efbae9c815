/**
 * Examples of the .env rewrite rules (env-file.ts), each a shape real bots' files have. The random
 * files are in env-property.test.ts.
 */
import dotenv from 'dotenv';
import { describe, expect, it } from 'vitest';
import { EnvFileError, rewriteEnv, scanEnv } from '../../electron/core/export/env-file';
import { encodeEnvValue, unwritableReason } from '../../electron/core/export/env-value';
import { pythonDotenv } from '../../electron/core/export/dotenv-readers';
import { bigEnv } from './helpers/big-env';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJBQjEyMyJ9.sig-nature_1';
const EXPIRES = '2026-03-04T00:30:00.000Z';
const updates = [
  { key: 'UPSTOX_ACCESS_TOKEN', value: TOKEN },
  { key: 'UPSTOX_ACCESS_TOKEN_EXPIRES_AT', value: EXPIRES },
];
const rewrite = (text: string | null, u = updates) => rewriteEnv(text, u).text;

describe('rewriteEnv', () => {
  it('creates a new file with only our keys, single-quoted', () => {
    expect(rewrite(null)).toBe(
      `UPSTOX_ACCESS_TOKEN='${TOKEN}'\nUPSTOX_ACCESS_TOKEN_EXPIRES_AT='${EXPIRES}'\n`,
    );
  });

  it('keeps every other byte: comments, blank lines, order, export, quoting, CRLF', () => {
    const before = [
      '# bot config',
      '',
      'export BROKER=upstox',
      '  UPSTOX_ACCESS_TOKEN = "old"   # refreshed by TokenTray',
      "PASSWORD='p#ss w0rd'",
      'EMPTY=',
      '',
    ].join('\r\n');
    const after = rewrite(before);
    expect(after).toBe(
      [
        '# bot config',
        '',
        'export BROKER=upstox',
        `  UPSTOX_ACCESS_TOKEN = "${TOKEN}"   # refreshed by TokenTray`,
        "PASSWORD='p#ss w0rd'",
        'EMPTY=',
        `UPSTOX_ACCESS_TOKEN_EXPIRES_AT='${EXPIRES}'`,
        '',
      ].join('\r\n'),
    );
  });

  it('keeps a missing final newline missing, and appends with the file’s line ending', () => {
    expect(rewrite('A=1\r\nB=2')).toBe(
      `A=1\r\nB=2\r\nUPSTOX_ACCESS_TOKEN='${TOKEN}'\r\nUPSTOX_ACCESS_TOKEN_EXPIRES_AT='${EXPIRES}'`,
    );
    expect(rewrite('A=1\n')).toBe(
      `A=1\nUPSTOX_ACCESS_TOKEN='${TOKEN}'\nUPSTOX_ACCESS_TOKEN_EXPIRES_AT='${EXPIRES}'\n`,
    );
  });

  it('updates every occurrence of a duplicated key (readers take the last, grep takes the first)', () => {
    const after = rewrite('UPSTOX_ACCESS_TOKEN=one\nX=1\nexport UPSTOX_ACCESS_TOKEN=two\n');
    expect(after).toBe(
      `UPSTOX_ACCESS_TOKEN=${TOKEN}\nX=1\nexport UPSTOX_ACCESS_TOKEN=${TOKEN}\nUPSTOX_ACCESS_TOKEN_EXPIRES_AT='${EXPIRES}'\n`,
    );
    expect(
      rewriteEnv('UPSTOX_ACCESS_TOKEN=one\nUPSTOX_ACCESS_TOKEN=two\n', updates).updatedInPlace,
    ).toBe(2);
  });

  it('never touches a line that is inside someone else’s multi-line value', () => {
    const before = "CERT='-----BEGIN-----\nUPSTOX_ACCESS_TOKEN=not-a-variable\n-----END-----'\n";
    const after = rewrite(before);
    expect(after.startsWith(before)).toBe(true);
    expect(dotenv.parse(after).CERT).toBe(
      '-----BEGIN-----\nUPSTOX_ACCESS_TOKEN=not-a-variable\n-----END-----',
    );
    expect(dotenv.parse(after).UPSTOX_ACCESS_TOKEN).toBe(TOKEN);
  });

  it('replaces a multi-line value of ours whole', () => {
    const after = rewrite('A=1\nUPSTOX_ACCESS_TOKEN="half\ntoken"\nB=2\n');
    expect(after).toBe(
      `A=1\nUPSTOX_ACCESS_TOKEN="${TOKEN}"\nB=2\nUPSTOX_ACCESS_TOKEN_EXPIRES_AT='${EXPIRES}'\n`,
    );
  });

  it('writes where both readers agree: after `=` before a comment, never inside it', () => {
    // python-dotenv reads `KEY= # note` as "# note", dotenv as "": ours goes right after `=`.
    const after = rewrite('UPSTOX_ACCESS_TOKEN= # paste here\n');
    expect(after.split('\n')[0]).toBe(`UPSTOX_ACCESS_TOKEN='${TOKEN}' # paste here`);
    // `a#b` is "a" to dotenv and "a#b" to python-dotenv: the whole of it is ours to replace.
    expect(rewrite('UPSTOX_ACCESS_TOKEN=a#b\n').split('\n')[0]).toBe(
      `UPSTOX_ACCESS_TOKEN=${TOKEN}`,
    );
  });

  it('turns a `backtick` value of ours (a quote only to dotenv) into quotes both know', () => {
    expect(rewrite('UPSTOX_ACCESS_TOKEN=`old`\n').split('\n')[0]).toBe(
      `UPSTOX_ACCESS_TOKEN='${TOKEN}'`,
    );
  });

  it('picks a quote the value does not contain, and refuses values no quoting can carry', () => {
    expect(encodeEnvValue("it's", "'")).toBe('"it\'s"');
    expect(encodeEnvValue('say "hi"')).toBe('\'say "hi"\'');
    expect(encodeEnvValue('plain-token.123', '')).toBe('plain-token.123');
    expect(encodeEnvValue('has space', '')).toBe("'has space'");
    for (const bad of ['a\\b', 'x${HOME}', 'line\nbreak', `both'and"`, 'tab\there']) {
      expect(unwritableReason(bad)).not.toBeNull();
      let message = '';
      try {
        rewriteEnv('', [{ key: 'UPSTOX_ACCESS_TOKEN', value: bad }]);
      } catch (e) {
        expect(e).toBeInstanceOf(EnvFileError);
        message = (e as Error).message;
      }
      expect(message).toMatch(/UPSTOX_ACCESS_TOKEN/);
      expect(message).not.toContain(bad);
    }
  });

  it('keeps a BOM and updates our key behind it; the next export updates both copies, adds none', () => {
    const once = rewrite('\uFEFFUPSTOX_ACCESS_TOKEN=old\nA=1\n');
    // python-dotenv reads line 1's key as "\uFEFFUPSTOX_ACCESS_TOKEN": it needs a copy of its own.
    expect(once).toBe(
      `\uFEFFUPSTOX_ACCESS_TOKEN=${TOKEN}\nA=1\nUPSTOX_ACCESS_TOKEN='${TOKEN}'\nUPSTOX_ACCESS_TOKEN_EXPIRES_AT='${EXPIRES}'\n`,
    );
    expect(rewrite(once)).toBe(once);
    const twice = rewrite(once, [{ key: 'UPSTOX_ACCESS_TOKEN', value: 'next-token' }]);
    expect(twice).toBe(once.split(TOKEN).join('next-token'));
    expect(dotenv.parse(twice).UPSTOX_ACCESS_TOKEN).toBe('next-token');
    expect(pythonDotenv.read(twice).get('UPSTOX_ACCESS_TOKEN')).toBe('next-token');
  });

  it('leaves a file alone when the values are already there (no rewrite, no mtime churn)', () => {
    const once = rewrite('# x\nA=1');
    expect(rewrite(once)).toBe(once);
  });

  it('gets past a foreign unclosed quote by quoting ours the other way', () => {
    const before = "NOTE='unfinished\nB=1\n";
    const after = rewrite(before);
    expect(after.startsWith(before)).toBe(true);
    expect(dotenv.parse(after).UPSTOX_ACCESS_TOKEN).toBe(TOKEN);
    expect(pythonDotenv.read(after).get('UPSTOX_ACCESS_TOKEN')).toBe(TOKEN);
    expect(after).toContain(`UPSTOX_ACCESS_TOKEN="${TOKEN}"`);
  });

  it('refuses, naming the line, a file no form of ours would be read back from', () => {
    // Both kinds of quote left open: whatever we append, one reader swallows it.
    const before = 'A=1\nB=\'open\nC="open\n';
    expect(() => rewriteEnv(before, [{ key: 'K', value: "it's" }])).toThrow(
      /line 2: the value of B opens a ' quote that never closes/,
    );
  });

  it('rewrites one line of a 10,000-line file and nothing else', () => {
    const before = bigEnv(10_000);
    const after = rewrite(before);
    const oldLine = "UPSTOX_ACCESS_TOKEN='previous-token'\n";
    const at = before.indexOf(oldLine);
    expect(after).toBe(
      before.slice(0, at) +
        `UPSTOX_ACCESS_TOKEN='${TOKEN}'\n` +
        before.slice(at + oldLine.length) +
        `UPSTOX_ACCESS_TOKEN_EXPIRES_AT='${EXPIRES}'\n`,
    );
    expect(scanEnv(before).simple).toBe(true);
    expect(rewriteEnv(before, updates, { verify: 'always' }).text).toBe(after);
  });

  it('rejects keys that are not variable names and a key set twice', () => {
    expect(() => rewriteEnv('', [{ key: 'BAD-KEY', value: 'x' }])).toThrow(EnvFileError);
    expect(() =>
      rewriteEnv('', [
        { key: 'K', value: 'x' },
        { key: 'K', value: 'y' },
      ]),
    ).toThrow(/set twice/);
  });
});

describe('scanEnv', () => {
  it('finds value spans and line numbers across multi-line values and CRLF', () => {
    const text = 'A="x\r\ny"\r\n# c\r\nexport B = b # n\r\nC=\r\n';
    const { assignments, eol, endsWithLineBreak, simple } = scanEnv(text);
    expect(assignments.map((a) => [a.key, a.line, text.slice(a.valueStart, a.valueEnd)])).toEqual([
      ['A', 1, '"x\r\ny"'],
      ['B', 4, 'b'],
      ['C', 5, ''],
    ]);
    expect(eol).toBe('\r\n');
    expect(endsWithLineBreak).toBe(true);
    expect(simple).toBe(true);
  });

  it('calls a file simple when the readers split it as it does, escapes and backticks included', () => {
    for (const plain of [
      'A="C:\\bots\\x"\nB=`one line`\n',
      'A=\'say "hi"\'\n',
      'A="x\\" y"\n',
      '#only\n\n',
      '',
    ]) {
      expect(scanEnv(plain).simple, JSON.stringify(plain)).toBe(true);
    }
  });

  it('does not call a file simple when the readers may split it differently', () => {
    for (const odd of [
      "A=\u00a0'x\nB=y'\n", // a quote after a Unicode space opens a value for the readers only
      "A=\n'B=1'\n", // dotenv reads A across the line break
      'export =1\n', // dotenv: key "export"; python-dotenv: an error
      'A: 1\n', // dotenv-only syntax
      'A=`x\ny`\n', // a multi-line backtick value: dotenv only
      'A="open\n',
      'A="x" y\n', // text after the closing quote
    ]) {
      expect(scanEnv(odd).simple, JSON.stringify(odd)).toBe(false);
    }
  });
});
