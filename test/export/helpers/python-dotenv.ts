/**
 * Reads many .env files with the real python-dotenv in one Python process (starting Python per file
 * would dominate the run time). Debian's python3-dotenv lives in /usr/bin/python3's dist-packages;
 * the `python3` on PATH here may be another interpreter without it, so the path is fixed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PYTHON = '/usr/bin/python3';

const SCRIPT = `
import json, logging, sys
logging.disable(logging.CRITICAL)  # python-dotenv warns about lines it cannot parse
from dotenv import dotenv_values
from dotenv.parser import parse_stream
def bindings(p):
    with open(p, encoding='utf-8') as f:  # text mode, universal newlines, as dotenv_values reads
        return [[b.key, b.value] for b in parse_stream(f) if b.key is not None]
paths = json.load(sys.stdin)
json.dump([{'values': dotenv_values(p, interpolate=False), 'bindings': bindings(p)} for p in paths], sys.stdout)
`;

export interface PythonReading {
  /** dotenv_values(path, interpolate=False): what a bot gets. */
  readonly values: Record<string, string | null>;
  /** Every binding the parser found, in order. */
  readonly bindings: [string, string | null][];
}

export function pythonDotenvAvailable(): boolean {
  if (!existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ['-c', 'import dotenv'], { stdio: 'ignore' }).status === 0;
}

/** python-dotenv's reading of each text (written to a real file, read the way bots read it). */
export function readWithPythonDotenv(texts: readonly string[]): PythonReading[] {
  const dir = mkdtempSync(join(tmpdir(), 'tokentray-pydotenv-'));
  try {
    const paths = texts.map((text, i) => {
      const path = join(dir, `${i}.env`);
      writeFileSync(path, text);
      return path;
    });
    const r = spawnSync(PYTHON, ['-c', SCRIPT], {
      input: JSON.stringify(paths),
      maxBuffer: 512 * 1024 * 1024,
      encoding: 'utf8',
    });
    if (r.status !== 0) {
      throw new Error(`python-dotenv failed (status ${r.status}): ${r.stderr}`);
    }
    return JSON.parse(r.stdout) as PythonReading[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
