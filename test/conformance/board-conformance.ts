import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BoardAdapter, WebhookDelivery } from '../../src/main/core/boards/contract/adapter';
import { BoardError, WebhookRejected, type BoardErrorKind } from '../../src/main/core/boards/contract/errors';
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
  /** For boards reached over HTTP: the board's fake fails its next requests as asked. */
  faults?: TransportFaults;
  /** For boards with webhooks: deliveries as the board sends them, and broken ones. */
  webhooks?: WebhookDeliveries;
}

/** One injected failure of the board's HTTP server (the fakes' own fault options, minus the request filter). */
export interface TransportFault {
  /** Which requests: any, the one that creates a task, or the one that adds a comment. */
  on: 'any' | 'create' | 'comment';
  times?: number;
  delayMs?: number;
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Drop the connection without an answer. */
  destroy?: boolean;
  /** Do the work first, then fail: the write happened and its answer is lost. */
  afterRun?: boolean;
}

export interface TransportFaults {
  inject(fault: TransportFault): void;
  /** The adapter's request timeout in this harness (short, so a hung board is quick to see). */
  timeoutMs: number;
  /** A rate-limited answer exactly as this board sends one, and the wait it asks for. */
  rateLimited: { status: number; headers: Record<string, string>; body: string; waitMs: number };
}

export interface WebhookDeliveries {
  /** A delivery as the board sends it about a change to this task, or a comment on it. */
  genuine(taskId: string, kind: 'task' | 'comment'): WebhookDelivery;
  /** The same delivery without its token or signature. */
  withoutCredential(delivery: WebhookDelivery): WebhookDelivery;
  /** The same delivery with a wrong token or signature. */
  withWrongCredential(delivery: WebhookDelivery): WebhookDelivery;
  /** The delivery with another body, its credential made for that body. */
  withBody(delivery: WebhookDelivery, rawBody: string): WebhookDelivery;
  /** Where the board signs a timestamp: a delivery signed outside its window. */
  stale?(taskId: string): WebhookDelivery;
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

function expectWebhookRejected(verify: () => unknown): void {
  let err: unknown;
  try {
    verify();
  } catch (e) {
    err = e;
  }
  expect(err, 'the delivery should have been refused').toBeInstanceOf(WebhookRejected);
  expect([400, 401, 403]).toContain((err as WebhookRejected).status);
}

/** A tampered copy: the same signature over a body with one more byte. */
function tampered(delivery: WebhookDelivery): WebhookDelivery {
  return { ...delivery, rawBody: Buffer.concat([delivery.rawBody, Buffer.from(' ')]) };
}

/**
 * The behaviour every BoardAdapter must show, whatever board is behind it. Each
 * adapter's test file calls this with a setup that gives a fresh board (a real
 * SQLite file, or a fake HTTP server for remote boards).
 */
/**
 * What the harness brings besides the basics, declared up front so a section a
 * board cannot have (transport faults on the local board, a body signature on
 * Kanboard's plain token) is not registered at all rather than skipped.
 */
export interface ConformanceFeatures {
  transport?: boolean;
  /** How the board vouches for a delivery: a plain token, an HMAC of the body, or an HMAC with a signed timestamp. */
  webhooks?: 'token' | 'hmac' | 'hmac+timestamp';
  /** False for a board without priorities (Taiga's user stories): priority stays 0 and is not written. */
  priority?: boolean;
}

export function describeBoardConformance(
  name: string,
  setup: () => Promise<BoardConformanceHarness>,
  features: ConformanceFeatures = {},
): void {
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

    const hasPriority = features.priority !== false;
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
          priority: hasPriority ? 2 : 0,
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
          ...(hasPriority ? [{ priority: 3 }] : []),
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
        await h.humanEdit(task.id, { assignee: 'carol', ...(hasPriority ? { priority: 4 } : {}) });
        const after = await h.adapter.getTask(task.id);
        expect(after?.assignee).toBe('carol');
        expect(after?.priority).toBe(hasPriority ? 4 : 0);
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

    describe('the written contract', () => {
      it('matches markers exactly: neither a prefix nor an extension of a marker finds the task', async () => {
        const marker = newMarker();
        const task = await create({ title: 'Exact' }, marker);
        await create({ title: 'Longer' }, `${marker}-2`);
        expect((await h.adapter.findTaskByMarker(marker))?.id).toBe(task.id);
        expect(await h.adapter.findTaskByMarker(marker.slice(0, -1))).toBeNull();
      });

      it('lists a task in every column, the last (done) one included, or it would count as deleted', async () => {
        const done = columns[columns.length - 1]!;
        const task = await create({ title: 'Finished', status: done });
        const listed = (await h.adapter.listTasks()).find((t) => t.id === task.id);
        expect(listed?.status).toBe(done);
        const changed = await h.adapter.listChangedSince(null);
        expect(changed.tasks.map((t) => t.id)).toContain(task.id);
      });

      it('keeps the version on a patch that changes nothing', async () => {
        const task = await create({ title: 'Same', labels: ['b', 'a'], description: 'Text.' });
        const after = await h.adapter.updateTask(task.id, { title: 'Same', labels: ['a', 'b'], description: 'Text.' });
        expect(after.version).toBe(task.version);
        expect((await h.adapter.getTask(task.id))?.version).toBe(task.version);
      });

      it('leaves agent notes out of listComments, and a person comment in', async (ctx) => {
        if (!h.adapter.capabilities.comments) ctx.skip();
        const task = await create({ title: 'Noted' });
        await h.adapter.updateTask(task.id, { agentNotes: 'Found the cause.' });
        await h.adapter.addComment(task.id, 'A real comment', newMarker());
        const bodies = (await h.adapter.listComments(task.id)).map((c) => c.body);
        expect(bodies).toEqual(['A real comment']);
        expect((await h.adapter.getTask(task.id))?.agentNotes).toBe('Found the cause.');
      });
    });

    if (features.transport) {
      describe('transport faults', () => {
        const faults = (): TransportFaults => h.faults!;

        it('a 5xx is transient', async () => {
          faults().inject({ on: 'any', status: 503, times: 5, body: 'Service Unavailable' });
          await expectBoardError(h.adapter.listTasks(), ['transient']);
        });

        it("a rate-limited answer is rate_limited with the board's wait", async () => {
          const { waitMs, ...answer } = faults().rateLimited;
          faults().inject({ on: 'any', ...answer });
          const err = await expectBoardError(h.adapter.listTasks(), ['rate_limited']);
          expect(err.retryAfterMs).toBe(waitMs);
        });

        it('a 401 that stays is auth, naming what to check', async () => {
          faults().inject({ on: 'any', status: 401, times: 5, body: '{"detail":"Unauthorized"}' });
          const err = await expectBoardError(h.adapter.listTasks(), ['auth']);
          expect(err.message.length).toBeGreaterThan(10);
        });

        it('a board that does not answer in time is transient, and says so', async () => {
          faults().inject({ on: 'any', delayMs: faults().timeoutMs + 1_000 });
          const err = await expectBoardError(h.adapter.listTasks(), ['transient']);
          expect(err.message).toMatch(/did not answer/);
        });

        it('one reset on a read is retried; resets that go on are transient', async () => {
          const task = await create({ title: 'Read through a reset' });
          faults().inject({ on: 'any', destroy: true });
          expect((await h.adapter.getTask(task.id))?.title).toBe('Read through a reset');
          faults().inject({ on: 'any', destroy: true, times: 5 });
          await expectBoardError(h.adapter.getTask(task.id), ['transient']);
        });

        it('a 200 with garbage is an error, never an empty board', async () => {
          await create({ title: 'Still here' });
          faults().inject({ on: 'any', status: 200, body: '<html>Bad gateway</html>', times: 5 });
          await expectBoardError(h.adapter.listTasks(), ['transient', 'invalid']);
        });

        it('a create whose answer was lost is found by its marker, so the retry does not make it twice', async () => {
          const marker = newMarker();
          faults().inject({ on: 'create', afterRun: true, status: 502 });
          await expectBoardError(create({ title: 'Once only' }, marker), ['transient']);
          // The engine's retry: look for the marker first, create only when it is not there.
          const found = await h.adapter.findTaskByMarker(marker);
          expect(found?.title).toBe('Once only');
          expect((await h.adapter.listTasks()).filter((t) => t.title === 'Once only')).toHaveLength(1);
        });

        it('a comment whose answer was lost is found by its marker, so the retry does not add it twice', async (ctx) => {
          if (!h.adapter.capabilities.comments) ctx.skip();
          const task = await create({ title: 'Comment once' });
          const marker = newMarker();
          faults().inject({ on: 'comment', afterRun: true, destroy: true });
          await expectBoardError(h.adapter.addComment(task.id, 'Only once', marker), ['transient']);
          expect((await h.adapter.findCommentByMarker(task.id, marker))?.body).toBe('Only once');
          const bodies = (await h.adapter.listComments(task.id)).map((c) => c.body);
          expect(bodies.filter((b) => b === 'Only once')).toHaveLength(1);
        });
      });
    }

    if (features.webhooks) {
      describe('webhook verification', () => {
        const hooks = (): WebhookDeliveries => h.webhooks!;
        const verify = (delivery: WebhookDelivery) => h.adapter.verifyWebhook!(delivery);

        it("a genuine delivery names the task; a comment's is a comment hint", async () => {
          const task = await create({ title: 'Hooked' });
          const change = verify(hooks().genuine(task.id, 'task'));
          expect(change.kind).toBe('task');
          expect(change.taskIds).toContain(task.id);
          const comment = verify(hooks().genuine(task.id, 'comment'));
          expect(comment.kind).toBe('comment');
          expect(comment.taskIds).toContain(task.id);
        });

        it('a replayed delivery has the same delivery id (the engine handles it once)', async () => {
          const task = await create({ title: 'Replayed' });
          const delivery = hooks().genuine(task.id, 'task');
          expect(verify(delivery).deliveryId).toBe(verify({ ...delivery }).deliveryId);
          expect(verify(hooks().genuine(task.id, 'comment')).deliveryId).not.toBe(verify(delivery).deliveryId);
        });

        it('a delivery without its credential, or with a wrong one, is refused', async () => {
          const task = await create({ title: 'Forged' });
          const delivery = hooks().genuine(task.id, 'task');
          expectWebhookRejected(() => verify(hooks().withoutCredential(delivery)));
          expectWebhookRejected(() => verify(hooks().withWrongCredential(delivery)));
        });

        if (features.webhooks !== 'token') {
          it('a body that is not what was signed is refused', async () => {
            const task = await create({ title: 'Tampered' });
            expectWebhookRejected(() => verify(tampered(hooks().genuine(task.id, 'task'))));
          });
        }

        it("a body that is not the board's JSON is refused, even with a good credential", async () => {
          const task = await create({ title: 'Garbage' });
          expectWebhookRejected(() => verify(hooks().withBody(hooks().genuine(task.id, 'task'), 'not json')));
        });

        if (features.webhooks === 'hmac+timestamp') {
          it('a delivery signed outside the timestamp window is refused', async () => {
            const task = await create({ title: 'Stale' });
            expectWebhookRejected(() => verify(hooks().stale!(task.id)));
          });
        }
      });
    }
  });
}
