/**
 * Incremental polling with an overlapping watermark, deduplicated by (id, version):
 * updates that share one updated_at second, some committed after the poll read
 * that second, on a board whose clock is 5 minutes off ours either way.
 */
import { describe, expect, it } from 'vitest';
import { createEngineHarness, HUMAN, type EngineHarness } from '../../helpers/engine';
import { useTempDirs } from '../../helpers/tmp';
import { submitAfterRead } from '../../helpers/agent-basis';

const tempDir = useTempDirs();
const COUNT = 200;

function cursorOf(h: EngineHarness): string | null {
  const row = h.db.prepare('SELECT cursor FROM board_sync WHERE board_id = ?').get(h.boardId) as
    { cursor: string | null } | undefined;
  return row?.cursor ?? null;
}

describe('polling: 200 updates in one updated_at second, board clock skewed', () => {
  it.each([
    ['5 minutes ahead', 5 * 60_000],
    ['5 minutes behind', -5 * 60_000],
  ])('misses none and records each exactly once (board clock %s)', async (_label, skewMs) => {
    const second = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    let boardMs = second - 120_000 + skewMs;
    const h = createEngineHarness({ dir: tempDir(), boardNow: () => boardMs });
    try {
      const ids = h.store.batch(() =>
        Array.from({ length: COUNT }, (_, i) => h.humanCreate({ title: `Task ${i}`, status: 'To do' }).id),
      );
      await h.runner.fullReconcile();
      expect(h.engine.base.all(h.boardId)).toHaveLength(COUNT);

      // From here on every change on the board carries the same timestamp: one second, one millisecond even.
      boardMs = second + skewMs;
      const update = (i: number) => h.store.updateTask(h.boardId, ids[i]!, { description: `update ${i}` }, HUMAN);
      for (let i = 0; i < 100; i++) update(i);

      // The board answers the poll, and 50 more updates land in the same second before the engine stores its cursor.
      const list = h.adapter.listChangedSince.bind(h.adapter);
      let afterRead = true;
      h.adapter.listChangedSince = async (since) => {
        const page = await list(since);
        if (afterRead) {
          afterRead = false;
          for (let i = 100; i < 150; i++) update(i);
        }
        return page;
      };
      await h.runner.poll();
      expect(cursorOf(h)).toBe(new Date(second + skewMs).toISOString()); // the board's clock, not ours

      // The rest commit after that poll, still in the same second.
      for (let i = 150; i < COUNT; i++) update(i);
      await h.runner.poll();
      await h.runner.poll();

      for (const [i, id] of ids.entries()) {
        const base = h.engine.base.get(h.boardId, id)!;
        expect(base.fields.description, `task ${id}`).toBe(`update ${i}`);
        expect(base.version).toBe(h.boardTask(id).version);
      }
      const changes = h.log({ action: 'field.changed' });
      expect(changes).toHaveLength(COUNT);
      expect(new Set(changes.map((e) => e.taskId)).size).toBe(COUNT);
      expect(changes.every((e) => e.field === 'description' && e.actor === 'human')).toBe(true);
      expect(h.triggers.filter((t) => t.fields !== 'created')).toHaveLength(COUNT);

      // Re-polling the overlap (and a full reconcile) adds nothing: (id, version) is already held.
      const seq = h.log().at(-1)!.seq;
      await h.runner.poll();
      await h.runner.fullReconcile();
      expect(h.log().filter((e) => e.seq > seq && e.action !== 'board.paused')).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe('last write wins on a skewed board clock', () => {
  it.each([
    ['5 minutes ahead', 5 * 60_000],
    ['5 minutes behind', -5 * 60_000],
  ])('compares change times on one clock once a write has been observed (board %s)', async (_label, skewMs) => {
    const h = createEngineHarness({ dir: tempDir(), boardNow: () => Date.now() + skewMs });
    try {
      const id = h.humanCreate({ title: 'Skewed', status: 'To do' }).id;
      const other = h.humanCreate({ title: 'Calibration', status: 'To do' }).id;
      await h.runner.fullReconcile();
      // One write of ours teaches the engine the board's clock.
      submitAfterRead(h.engine, {
        kind: 'update',
        boardId: h.boardId,
        taskId: other,
        actor: 'agent:a',
        patch: { agentNotes: 'hi' },
      });
      await h.runner.drainOutbox();

      // A person moves the card (not yet synced), then the agent, later, moves it elsewhere: the agent is last.
      h.humanEdit(id, { status: 'Blocked — Needs Input' });
      await new Promise((r) => setTimeout(r, 20));
      const agentLater = { kind: 'update', boardId: h.boardId, taskId: id, actor: 'agent:a' } as const;
      submitAfterRead(h.engine, { ...agentLater, patch: { status: 'Ready for Review' } });
      await h.runner.drainOutbox();
      expect(h.boardTask(id).status).toBe('Ready for Review');
      expect(h.log({ action: 'field.lost' })).toEqual([
        expect.objectContaining({ field: 'status', before: 'Blocked — Needs Input', after: 'Ready for Review' }),
      ]);

      // And the other way round: the agent's intent first, the person's move later: the person is last.
      submitAfterRead(h.engine, { ...agentLater, patch: { status: 'Done' } });
      await new Promise((r) => setTimeout(r, 20));
      h.humanEdit(id, { status: 'Work in progress' });
      await h.runner.drainOutbox();
      expect(h.boardTask(id).status).toBe('Work in progress');
    } finally {
      await h.close();
    }
  });
});
