/**
 * What a board's status says during and after an outage (issue 17, item 9): the engine's own timers
 * run against the local board on a real SQLite file, with listings failing like a board whose list
 * endpoint is down while single-task reads (what a webhook hint triggers) still answer.
 */
import { describe, expect, it } from 'vitest';
import { BoardError } from '../../../src/main/core/boards/contract/errors';
import { MAX_POLL_BACKOFF_MS } from '../../../src/main/core/engine/board-runner';
import { BoardSyncRepo } from '../../../src/main/core/store/board-sync-repo';
import { createEngineHarness, sleep } from '../../helpers/engine';
import { useTempDirs } from '../../helpers/tmp';

const tempDir = useTempDirs();

async function until(what: string, check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('board status after an outage', () => {
  it('stays in error until a poll succeeds, shows when it tries next, and polls at once when the board answers', async () => {
    let listingsDown = false;
    const h = createEngineHarness({
      dir: tempDir(),
      faults: {
        failNext: (op) =>
          listingsDown && (op === 'listChangedSince' || op === 'listTasks')
            ? new BoardError('transient', '503 Service Unavailable')
            : undefined,
      },
      runner: { autoStart: true, pollIntervalMs: 200, minPollMs: 50, fullReconcileMs: 60 * 60_000 },
    });
    try {
      const task = h.humanCreate({ title: 'Watch me', status: 'To do' });
      await h.runner.fullReconcile();
      // The outage has lasted a while already: ten polls failed before this one (a long backoff was earned).
      listingsDown = true;
      const sync = new BoardSyncRepo(h.db);
      for (let i = 0; i < 10; i++) sync.pollFailed(h.boardId, 'poll failed: 503 Service Unavailable');
      const okBefore = h.runner.status().lastPollAt!;
      h.engine.start();
      await until('the first failed poll', () => sync.get(h.boardId).errorCount >= 11);
      await until('the board in error', () => h.runner.status().status === 'error');

      const failing = h.runner.status();
      expect(failing.error).toMatch(/503/);
      expect(failing.lastPollAt).toBe(okBefore); // the last poll that worked, not the last attempt
      const wait = Date.parse(failing.nextPollAt!) - Date.now();
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(MAX_POLL_BACKOFF_MS);

      // A webhook hint is read fine while listings still fail: the board is still in error.
      const failedPolls = sync.get(h.boardId).errorCount;
      h.humanEdit(task.id, { description: 'edited during the outage' });
      h.runner.hint([task.id]);
      await h.runner.flushHints();
      expect(h.engine.base.get(h.boardId, task.id)!.fields.description).toBe('edited during the outage');
      expect(h.runner.status()).toMatchObject({ status: 'error', lastPollAt: okBefore });
      // ... and the board answering made the poll try again now instead of at the end of its backoff.
      await until('a poll retried after the answer', () => sync.get(h.boardId).errorCount > failedPolls);
      expect(h.runner.status().status).toBe('error');

      // The board is back: the next answer brings a poll within moments, which clears the error.
      listingsDown = false;
      h.runner.hint([task.id]);
      await h.runner.flushHints();
      await until('a successful poll', () => h.runner.status().status === 'idle', 3_000);
      const back = h.runner.status();
      expect(back.error).toBeUndefined();
      expect(Date.parse(back.lastPollAt!)).toBeGreaterThan(Date.parse(okBefore));
      expect(sync.get(h.boardId).errorCount).toBe(0);
      expect(Date.parse(back.nextPollAt!) - Date.now()).toBeLessThanOrEqual(200);
    } finally {
      await h.close();
    }
  });
});
