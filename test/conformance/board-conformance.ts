import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BoardAdapter } from '../../src/main/core/boards/contract/adapter';
import { BoardError, type BoardErrorKind } from '../../src/main/core/boards/contract/errors';
import type { FieldPatch, Task, TaskFields } from '../../src/shared/task';

/**
 * What a conformance run needs from one adapter: the adapter on a fresh, empty
 * board, and the means to act as a human on that board (through the board's own
 * UI/API, not through the adapter), so the suite can check that human changes
 * are seen the way the engine will look for them.
 */
export interface BoardConformanceHarness {
  adapter: BoardAdapter;
  humanEdit(taskId: string, patch: FieldPatch): Promise<void>;
  humanCreate(fields: Partial<TaskFields> & { title: string }): Promise<string>;
  humanDelete(taskId: string): Promise<void>;
  teardown(): Promise<void>;
}

let markerCount = 0;
/** Unique per call, so tests never collide on a board that outlives one test. */
const newMarker = (): string => `deckhand-conformance-${process.pid}-${Date.now()}-${++markerCount}`;

const time = (iso: string | null): number => (iso === null ? Number.NEGATIVE_INFINITY : Date.parse(iso));

/** The canonical fields only, for comparing a task across reads. */
function fieldsOf(task: Task): TaskFields {
  return {
    title: task.title,
    description: task.description,
    status: task.status,
    assignee: task.assignee,
    priority: task.priority,
    labels: task.labels,
    agentNotes: task.agentNotes,
    parentId: task.parentId,
    dueDate: task.dueDate,
  };
}

async function expectBoardError(promise: Promise<unknown>, kinds: BoardErrorKind[]): Promise<BoardError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the call should have been rejected').toBeInstanceOf(BoardError);
  expect(kinds).toContain((err as BoardError).kind);
  return err as BoardError;
}

/**
 * The behaviour every BoardAdapter must show, whatever board is behind it. Each
 * adapter's test file calls this with a setup that gives a fresh board (a real
 * SQLite file, or a fake HTTP server for remote boards).
 */
export function describeBoardConformance(name: string, setup: () => Promise<BoardConformanceHarness>): void {
  describe(`${name}: BoardAdapter conformance`, () => {
    let h: BoardConformanceHarness;
    /** Unset when setup failed, so teardown does not mask setup's error. */
    let started: BoardConformanceHarness | undefined;
    let columns: string[];

    beforeEach(async () => {
      started = undefined;
      h = started = await setup();
      columns = await h.adapter.listColumns();
    });

    afterEach(async () => {
      await started?.teardown();
    });

    const create = (fields: Partial<TaskFields> & { title: string }, marker = newMarker()): Promise<Task> =>
      h.adapter.createTask({ fields, marker });
    /** A status other than the task's current one. */
    const otherStatus = (status: string): string => columns.find((c) => c !== status) ?? status;

    describe('identity and capabilities', () => {
      it('names its type and board, and declares every capability as a boolean', () => {
        expect(h.adapter.type).toMatch(/\S/);
        expect(h.adapter.boardId).toMatch(/\S/);
        for (const key of [
          'webhooks',
          'incrementalListing',
          'nativeAgentNotes',
          'subtasks',
          'comments',
          'listDeleted',
        ]) {
          expect(typeof h.adapter.capabilities[key as keyof typeof h.adapter.capabilities], key).toBe('boolean');
        }
      });

      it('offers verifyWebhook exactly when it declares webhooks', () => {
        expect(typeof h.adapter.verifyWebhook === 'function').toBe(h.adapter.capabilities.webhooks);
      });

      it('lists at least one column, each a distinct non-blank name', () => {
        expect(columns.length).toBeGreaterThan(0);
        expect(new Set(columns).size).toBe(columns.length);
        for (const column of columns) expect(column).toMatch(/\S/);
      });
    });

    describe('create and find by marker', () => {
      it('creates a task with a marker, and findTaskByMarker finds exactly that task', async () => {
        const marker = newMarker();
        await create({ title: 'A decoy without a marker of interest' });
        const created = await create({ title: 'Created by Deckhand' }, marker);
        const found = await h.adapter.findTaskByMarker(marker);
        expect(found).not.toBeNull();
        expect(found?.id).toBe(created.id);
        expect(found?.title).toBe('Created by Deckhand');
        expect(found?.version).toBe(created.version);
      });

      it('returns null from findTaskByMarker for an unknown marker', async () => {
        await create({ title: 'Something else' });
        expect(await h.adapter.findTaskByMarker(newMarker())).toBeNull();
      });

      it('fills unspecified fields with neutral defaults', async () => {
        const task = await create({ title: 'Only a title' });
        expect(task.id).toMatch(/\S/);
        expect(task.title).toBe('Only a title');
        expect(task.description).toBe('');
        expect(columns).toContain(task.status);
        expect(task.assignee).toBeNull();
        expect(Number.isInteger(task.priority) && task.priority >= 0 && task.priority <= 4).toBe(true);
        expect(task.labels).toEqual([]);
        expect(task.agentNotes).toBe('');
        expect(task.parentId).toBeNull();
        expect(task.dueDate).toBeNull();
        expect(Number.isNaN(Date.parse(task.updatedAt))).toBe(false);
        expect(task.version).toMatch(/\S/);
      });
    });

    describe('canonical fields', () => {
      it('round-trips every canonical field through createTask, getTask, listTasks and findTaskByMarker', async () => {
        const parent = h.adapter.capabilities.subtasks ? await create({ title: 'Parent' }) : null;
        const marker = newMarker();
        const fields: TaskFields = {
          title: 'Round trip: ünïcödé & <symbols>',
          description: 'Line one\nLine two with `code` and **markdown**',
          status: columns[columns.length > 1 ? 1 : 0] as string,
          assignee: 'alice',
          priority: 2,
          labels: ['zeta', 'alpha', 'needs-ai'],
          agentNotes: 'Agent notes: checked the logs.',
          parentId: parent?.id ?? null,
          dueDate: '2030-05-17',
        };
        const expected: TaskFields = { ...fields, labels: ['alpha', 'needs-ai', 'zeta'] };
        const created = await create(fields, marker);
        expect(fieldsOf(created)).toEqual(expected);
        const got = await h.adapter.getTask(created.id);
        expect(got && fieldsOf(got)).toEqual(expected);
        const listed = (await h.adapter.listTasks()).find((t) => t.id === created.id);
        expect(listed && fieldsOf(listed)).toEqual(expected);
        const found = await h.adapter.findTaskByMarker(marker);
        expect(found && fieldsOf(found)).toEqual(expected);
        expect(got?.version).toBe(created.version);
        expect(listed?.version).toBe(created.version);
      });

      it('returns labels as a sorted set', async () => {
        const task = await create({ title: 'Labels', labels: ['b', 'a', 'c'] });
        expect(task.labels).toEqual(['a', 'b', 'c']);
        const updated = await h.adapter.updateTask(task.id, { labels: ['needs-ai', 'bug'] });
        expect(updated.labels).toEqual(['bug', 'needs-ai']);
        expect((await h.adapter.getTask(task.id))?.labels).toEqual(['bug', 'needs-ai']);
      });

      it('lists every created task, including ones a human created', async () => {
        const a = await create({ title: 'By Deckhand' });
        const humanId = await h.humanCreate({ title: 'By a human' });
        const ids = (await h.adapter.listTasks()).map((t) => t.id);
        expect(ids).toEqual(expect.arrayContaining([a.id, humanId]));
        expect((await h.adapter.getTask(humanId))?.title).toBe('By a human');
      });
    });

    describe('versions', () => {
      it('updateTask returns the new state, a new version and an updatedAt not before the old one', async () => {
        const task = await create({ title: 'To update', description: 'before' });
        const updated = await h.adapter.updateTask(task.id, { description: 'after', agentNotes: 'noted' });
        expect(updated.id).toBe(task.id);
        expect(updated.description).toBe('after');
        expect(updated.agentNotes).toBe('noted');
        expect(updated.title).toBe('To update');
        expect(updated.version).not.toBe(task.version);
        expect(time(updated.updatedAt)).toBeGreaterThanOrEqual(time(task.updatedAt));
        const reread = await h.adapter.getTask(task.id);
        expect(reread && fieldsOf(reread)).toEqual(fieldsOf(updated));
        expect(reread?.version).toBe(updated.version);
      });

      it('changes the version whenever any single field changes', async () => {
        const parent = h.adapter.capabilities.subtasks ? await create({ title: 'Parent for version test' }) : null;
        let task = await create({ title: 'Version test' });
        const changes: FieldPatch[] = [
          { title: 'Version test, renamed' },
          { description: 'now described' },
          { status: otherStatus(task.status) },
          { assignee: 'bob' },
          { priority: 3 },
          { labels: ['needs-ai'] },
          { agentNotes: 'agent was here' },
          { dueDate: '2031-01-02' },
          ...(parent ? [{ parentId: parent.id }] : []),
        ];
        for (const patch of changes) {
          const updated = await h.adapter.updateTask(task.id, patch);
          expect(updated.version, `version after ${JSON.stringify(patch)}`).not.toBe(task.version);
          expect(time(updated.updatedAt)).toBeGreaterThanOrEqual(time(task.updatedAt));
          task = updated;
        }
      });

      it('keeps the version stable while nothing changes', async () => {
        const task = await create({ title: 'Stable', labels: ['x'] });
        const first = await h.adapter.getTask(task.id);
        const second = await h.adapter.getTask(task.id);
        const listed = (await h.adapter.listTasks()).find((t) => t.id === task.id);
        expect(first?.version).toBe(task.version);
        expect(second?.version).toBe(task.version);
        expect(listed?.version).toBe(task.version);
      });

      it('sees a human edit as a new version with the human value', async () => {
        const task = await create({ title: 'Human will edit', assignee: null });
        await h.humanEdit(task.id, { assignee: 'carol', priority: 4 });
        const after = await h.adapter.getTask(task.id);
        expect(after?.assignee).toBe('carol');
        expect(after?.priority).toBe(4);
        expect(after?.version).not.toBe(task.version);
        expect(time(after?.updatedAt ?? null)).toBeGreaterThanOrEqual(time(task.updatedAt));
      });
    });

    describe('incremental listing', () => {
      it('returns tasks changed at or after the cursor, and the cursor never goes backwards', async () => {
        const a = await create({ title: 'A' });
        const start = await h.adapter.listChangedSince(null);
        expect(start.tasks.map((t) => t.id)).toContain(a.id);
        expect(start.watermark).not.toBeNull();
        expect(time(start.watermark)).toBeGreaterThanOrEqual(time(a.updatedAt));

        const updated = await h.adapter.updateTask(a.id, { agentNotes: 'changed' });
        const b = await create({ title: 'B' });
        const next = await h.adapter.listChangedSince(start.watermark);
        const seen = new Map(next.tasks.map((t) => [t.id, t]));
        expect(seen.get(a.id)?.version).toBe(updated.version);
        expect(seen.get(b.id)?.version).toBe(b.version);
        expect(time(next.watermark)).toBeGreaterThanOrEqual(time(start.watermark));
        expect(time(next.watermark)).toBeGreaterThanOrEqual(time(b.updatedAt));
        for (const t of next.tasks) expect(time(t.updatedAt)).toBeLessThanOrEqual(time(next.watermark));

        const quiet = await h.adapter.listChangedSince(next.watermark);
        expect(time(quiet.watermark)).toBeGreaterThanOrEqual(time(next.watermark));
      });

      it('keeps the input cursor when nothing changed after it', async () => {
        await create({ title: 'Old news' });
        const future = new Date(Date.now() + 3_600_000).toISOString();
        const page = await h.adapter.listChangedSince(future);
        expect(time(page.watermark)).toBeGreaterThanOrEqual(time(future));
        if (h.adapter.capabilities.incrementalListing) expect(page.tasks).toEqual([]);
      });

      it('sees a human edit made after the cursor was taken', async () => {
        const task = await create({ title: 'Watched' });
        const before = await h.adapter.listChangedSince(null);
        await h.humanEdit(task.id, { description: 'a human changed this' });
        const after = await h.adapter.listChangedSince(before.watermark);
        const seen = after.tasks.find((t) => t.id === task.id);
        expect(seen?.description).toBe('a human changed this');
        expect(seen?.version).not.toBe(task.version);
        expect(time(after.watermark)).toBeGreaterThanOrEqual(time(before.watermark));
      });

      it('sees a task a human created after the cursor was taken', async () => {
        await create({ title: 'So the board is not empty' });
        const before = await h.adapter.listChangedSince(null);
        const id = await h.humanCreate({ title: 'Human made this' });
        const after = await h.adapter.listChangedSince(before.watermark);
        expect(after.tasks.map((t) => t.id)).toContain(id);
      });
    });

    describe('deletion and unknown tasks', () => {
      it('returns null from getTask for an unknown id', async () => {
        await create({ title: 'Exists' });
        expect(await h.adapter.getTask('999999999')).toBeNull();
      });

      it('forgets a deleted task, and lists its id in deletedIds when it declares listDeleted', async () => {
        const keep = await create({ title: 'Keep' });
        const marker = newMarker();
        const gone = await create({ title: 'Delete me' }, marker);
        const before = await h.adapter.listChangedSince(null);
        await h.humanDelete(gone.id);
        expect(await h.adapter.getTask(gone.id)).toBeNull();
        expect(await h.adapter.findTaskByMarker(marker)).toBeNull();
        const ids = (await h.adapter.listTasks()).map((t) => t.id);
        expect(ids).toContain(keep.id);
        expect(ids).not.toContain(gone.id);
        const page = await h.adapter.listChangedSince(before.watermark);
        expect(page.tasks.map((t) => t.id)).not.toContain(gone.id);
        if (h.adapter.capabilities.listDeleted) {
          expect(page.deletedIds).toContain(gone.id);
        } else {
          expect(page.deletedIds).toBeUndefined();
        }
      });

      it('rejects updating an unknown task with BoardError not_found', async () => {
        await expectBoardError(h.adapter.updateTask('999999999', { agentNotes: 'x' }), ['not_found']);
      });
    });

    describe('validation', () => {
      it('rejects an unknown status with BoardError invalid that names the valid columns', async () => {
        const task = await create({ title: 'Status check' });
        const err = await expectBoardError(h.adapter.updateTask(task.id, { status: 'No Such Column 7f3a' }), [
          'invalid',
        ]);
        for (const column of columns) expect(err.message).toContain(column);
        expect((await h.adapter.getTask(task.id))?.version).toBe(task.version);
      });

      it('accepts every listed column as a status', async () => {
        const task = await create({ title: 'Tour of the columns' });
        for (const column of columns) {
          expect((await h.adapter.updateTask(task.id, { status: column })).status).toBe(column);
        }
      });
    });

    describe('comments', () => {
      it('adds, lists and finds comments by marker', async (ctx) => {
        if (!h.adapter.capabilities.comments) ctx.skip();
        const task = await create({ title: 'Commented' });
        const marker = newMarker();
        const first = await h.adapter.addComment(task.id, 'First, with a marker', marker);
        expect(first.taskId).toBe(task.id);
        expect(first.body).toBe('First, with a marker');
        expect(first.id).toMatch(/\S/);
        const second = await h.adapter.addComment(task.id, 'Second', newMarker());
        const listed = await h.adapter.listComments(task.id);
        expect(listed.map((c) => c.id)).toEqual(expect.arrayContaining([first.id, second.id]));
        expect(listed.find((c) => c.id === first.id)?.body).toBe('First, with a marker');
        const found = await h.adapter.findCommentByMarker(task.id, marker);
        expect(found?.id).toBe(first.id);
        expect(found?.body).toBe('First, with a marker');
      });

      it('returns null from findCommentByMarker for an unknown marker', async (ctx) => {
        if (!h.adapter.capabilities.comments) ctx.skip();
        const task = await create({ title: 'Quiet' });
        await h.adapter.addComment(task.id, 'Unrelated', newMarker());
        expect(await h.adapter.findCommentByMarker(task.id, newMarker())).toBeNull();
      });
    });

    describe('subtasks', () => {
      it('links a child to its parent through parentId, and can detach it', async (ctx) => {
        if (!h.adapter.capabilities.subtasks) ctx.skip();
        const parent = await create({ title: 'Parent' });
        const child = await create({ title: 'Child', parentId: parent.id });
        expect(child.parentId).toBe(parent.id);
        expect((await h.adapter.getTask(child.id))?.parentId).toBe(parent.id);
        const detached = await h.adapter.updateTask(child.id, { parentId: null });
        expect(detached.parentId).toBeNull();
        expect((await h.adapter.getTask(child.id))?.parentId).toBeNull();
      });

      it('rejects a parent that does not exist', async (ctx) => {
        if (!h.adapter.capabilities.subtasks) ctx.skip();
        const task = await create({ title: 'Orphan' });
        await expectBoardError(h.adapter.updateTask(task.id, { parentId: '999999999' }), ['invalid', 'not_found']);
      });
    });
  });
}
