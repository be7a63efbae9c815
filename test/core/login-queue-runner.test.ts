/**
 * LoginQueueRunner on its own: the order windows open in, what happens to the rest when one fails or
 * is cancelled, accounts no longer needing a login, a second round started from the end of the first.
 * The app-level behaviour (notifications, IPC, snapshots) is in login-queue.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { LoginQueueRunner } from '../../electron/core/app/login-queue';
import { TokenTrayError } from '../../electron/core/errors';
import type { LoginQueue } from '../../shared/domain';
import { RecordingLogger } from '../helpers/recording-logger';

function setUp(
  outcomes: Record<string, 'ok' | 'cancel' | 'fail' | 'hold'>,
  needed = (_id: string) => true,
) {
  const opened: string[] = [];
  const held: (() => void)[] = [];
  const published: (LoginQueue | null)[] = [];
  const notes: string[] = [];
  let failures = 0;
  const runner = new LoginQueueRunner({
    login: (id) => {
      opened.push(id);
      const outcome = outcomes[id] ?? 'ok';
      if (outcome === 'ok') return Promise.resolve();
      if (outcome === 'hold') return new Promise<void>((resolve) => held.push(resolve));
      return Promise.reject(
        outcome === 'cancel'
          ? new TokenTrayError('cancelled', 'closed')
          : new TokenTrayError('login-failed', 'nope'),
      );
    },
    stillNeeded: needed,
    publish: (q) => published.push(q),
    note: (_level, message) => notes.push(message),
    onFailures: () => {
      failures += 1;
    },
    logger: new RecordingLogger(),
  });
  return { runner, opened, published, notes, held, failures: () => failures };
}

describe('LoginQueueRunner', () => {
  it('opens one login at a time, in order, and goes on after a cancel or a failure', async () => {
    const t = setUp({ b: 'cancel', c: 'fail' });
    expect(t.runner.enqueue(['a', 'b', 'c', 'd', 'a'])).toEqual(['a', 'b', 'c', 'd']);
    expect(t.runner.active).toBe(true);
    await t.runner.whenDone();
    expect(t.opened).toEqual(['a', 'b', 'c', 'd']);
    expect(t.notes).toEqual(['Log in all: 2 logged in, 1 cancelled, 1 failed (4 accounts)']);
    expect(t.failures()).toBe(1);
    expect(t.published.at(-1)).toBeNull();
    expect(t.published.filter((q) => q?.current).map((q) => q?.current)).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
    expect(t.runner.progress()).toBeNull();
  });

  it('skips an account that no longer needs a login when its turn comes', async () => {
    const t = setUp({}, (id) => id !== 'b');
    t.runner.enqueue(['a', 'b', 'c']);
    await t.runner.whenDone();
    expect(t.opened).toEqual(['a', 'c']);
    expect(t.notes).toEqual(['Log in all: 2 logged in, 1 no longer needed (3 accounts)']);
  });

  it('dropPending keeps the open window and drops the rest', async () => {
    const t = setUp({ a: 'hold' });
    t.runner.enqueue(['a', 'b', 'c']);
    while (t.held.length === 0) await Promise.resolve();
    expect(t.runner.progress()).toMatchObject({ current: 'a', done: 0, total: 3 });
    expect(t.runner.dropPending()).toBe(2);
    expect(t.runner.progress()).toMatchObject({ current: 'a', total: 1 });
    t.held[0]?.();
    await t.runner.whenDone();
    expect(t.opened).toEqual(['a']);
    expect(t.notes).toEqual(['Log in all: 1 logged in (1 account)']);
  });

  it('a round queued from the end of the previous one starts, not lost', async () => {
    const t = setUp({});
    let again = true;
    const runner = t.runner;
    const original = t.published.push.bind(t.published);
    t.published.push = (...items: (LoginQueue | null)[]) => {
      const n = original(...items);
      if (items[0] === null && again) {
        again = false;
        runner.enqueue(['z']);
      }
      return n;
    };
    runner.enqueue(['a']);
    await runner.whenDone();
    await runner.whenDone();
    expect(t.opened).toEqual(['a', 'z']);
    expect(t.notes).toHaveLength(2);
  });
});
