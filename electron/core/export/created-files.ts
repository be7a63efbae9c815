/**
 * Which export files TokenTray itself created. A file we created needs no "before TokenTray"
 * backup; any other file gets one before our first write (backup.ts). Kept outside the export files
 * (a marker inside would add bytes to a file that is not ours) in a small JSON list in the app's data
 * folder. Losing the list only costs one needless backup, never data.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write';
import { errnoCode } from './fs-errors';

export interface CreatedFiles {
  has(realPath: string): Promise<boolean>;
  add(realPath: string): Promise<void>;
}

/** For tests and one-shot tools: remembers for the life of the process. */
export function createMemoryCreatedFiles(): CreatedFiles {
  const paths = new Set<string>();
  return {
    has: (p) => Promise.resolve(paths.has(p)),
    add: (p) => {
      paths.add(p);
      return Promise.resolve();
    },
  };
}

const listSchema = z.object({ version: z.literal(1), created: z.array(z.string()) });

/** Persists the list at `statePath` (e.g. <userData>/created-exports.json), written atomically. */
export function createCreatedFilesRegistry(statePath: string): CreatedFiles {
  let cache: Set<string> | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  async function load(): Promise<Set<string>> {
    if (cache) return cache;
    try {
      const parsed = listSchema.safeParse(JSON.parse(await readFile(statePath, 'utf8')));
      // An unreadable list is not worth failing an export over: worst case, one extra backup.
      cache = new Set(parsed.success ? parsed.data.created : []);
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT' && !(e instanceof SyntaxError)) throw e;
      cache = new Set();
    }
    return cache;
  }

  return {
    has: async (p) => (await load()).has(p),
    add: (p) => {
      const next = queue.then(async () => {
        const set = await load();
        if (set.has(p)) return;
        set.add(p);
        const body = JSON.stringify({ version: 1, created: [...set] }, null, 2) + '\n';
        await writeFileAtomic(statePath, body, { mode: 0o600 });
      });
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
