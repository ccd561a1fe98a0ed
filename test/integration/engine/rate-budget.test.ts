import { afterEach, describe, expect, it } from 'vitest';
import { LocalBoardAdapter } from '../../../src/main/core/boards/local/local-adapter';
import { LocalBoardStore } from '../../../src/main/core/boards/local/local-board-store';
import { closeDatabase, openDatabase } from '../../../src/main/core/store/database';
import { bareEngine } from '../../helpers/bare-engine';
import { useTempDirs } from '../../helpers/tmp';

/** The board's one request budget, on a real SQLite engine over the local board adapter (charged per call). */
const tempDir = useTempDirs();
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

describe('the rate budget and the board lock', () => {
  it('a hint re-read waiting for the budget does not hold the board lock', async () => {
    const boardDb = openDatabase(tempDir());
    const db = openDatabase(tempDir());
    cleanups.push(
      () => closeDatabase(boardDb),
      () => closeDatabase(db),
    );
    const store = new LocalBoardStore(boardDb);
    store.ensureBoard('b');
    const ids = [1, 2, 3].map((i) => store.createTask('b', { title: `Task ${i}` }, 'human:test').id);
    const engine = bareEngine(db, [new LocalBoardAdapter({ store, boardId: 'b' })], {
      runner: { autoStart: false, requestsPerMinute: 60 },
    });
    const runner = engine.runner('b');
    // 60 a minute, a bucket of 60: spend it all, so the next request waits about a second.
    for (let i = 0; i < 60; i++) await runner.poll();
    runner.hint(ids);
    const flushing = runner.flushHints();
    await new Promise((r) => setTimeout(r, 50));
    // Whoever needs the lock meanwhile (here: stopping the board) gets it at once.
    const t0 = Date.now();
    await runner.stop();
    expect(Date.now() - t0).toBeLessThan(400);
    await flushing;
    expect(engine.base.liveIds('b').sort()).toEqual([...ids].sort());
  });
});
