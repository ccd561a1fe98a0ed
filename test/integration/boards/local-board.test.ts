import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { BoardError } from '../../../src/main/core/boards/contract/errors';
import { failTimes } from '../../../src/main/core/boards/local/faults';
import { DECKHAND_ACTOR, LocalBoardAdapter } from '../../../src/main/core/boards/local/local-adapter';
import { LocalBoardStore, SAMPLE_ACTOR } from '../../../src/main/core/boards/local/local-board-store';
import { DEFAULT_COLUMNS, type LocalChangeEvent } from '../../../src/main/core/boards/local/types';
import { setLogSink } from '../../../src/main/core/logger';
import { closeDatabase, DATABASE_FILE, openDatabase } from '../../../src/main/core/store/database';
import { useTempDirs } from '../../helpers/tmp';

const tempDir = useTempDirs();
const BOARD = 'local';
const HUMAN = 'human:alice';

const open: BetterSqlite3.Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) closeDatabase(db);
});

function setup(options: { now?: () => number } = {}): {
  dir: string;
  db: BetterSqlite3.Database;
  store: LocalBoardStore;
} {
  const dir = tempDir();
  const db = openDatabase(dir);
  open.push(db);
  const store = new LocalBoardStore(db, options);
  store.ensureBoard(BOARD);
  return { dir, db, store };
}

function thrown(fn: () => unknown): BoardError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BoardError);
    return err as BoardError;
  }
  throw new Error('expected a BoardError, but nothing was thrown');
}

describe('local board store: boards and columns', () => {
  it('seeds the default columns once per board', () => {
    const { store } = setup();
    expect(store.listColumns(BOARD)).toEqual([...DEFAULT_COLUMNS]);
    store.renameColumn(BOARD, 'To do', 'Next', HUMAN);
    store.deleteColumn(BOARD, 'Backlog');
    expect(store.ensureBoard(BOARD)).toBe(false);
    expect(store.listColumns(BOARD)).toEqual([
      'Next',
      'Work in progress',
      'Ready for Review',
      'Blocked — Needs Input',
      'Done',
    ]);
    expect(store.ensureBoard('second')).toBe(true);
    expect(store.listColumns('second')).toEqual([...DEFAULT_COLUMNS]);
  });

  it('refuses to work on a board that does not exist', () => {
    const { store } = setup();
    expect(thrown(() => store.listTasks('nope')).kind).toBe('not_found');
    expect(thrown(() => store.createTask('nope', { title: 'x' }, HUMAN)).message).toMatch(/no local board "nope"/);
  });

  it('adds, moves, renames and deletes columns', () => {
    const { store } = setup();
    expect(store.addColumn(BOARD, '  Icebox  ', 0)[0]).toBe('Icebox');
    expect(thrown(() => store.addColumn(BOARD, 'Done')).message).toMatch(/already has a column "Done"/);
    expect(thrown(() => store.addColumn(BOARD, '   ')).message).toMatch(/blank/);
    expect(store.moveColumn(BOARD, 'Icebox', 99).at(-1)).toBe('Icebox');
    expect(store.listColumns(BOARD).at(-1)).toBe('Icebox');
    store.deleteColumn(BOARD, 'Icebox');
    expect(store.listColumns(BOARD)).toEqual([...DEFAULT_COLUMNS]);
  });

  it('renaming a column moves its tasks with it, with new versions and events', () => {
    const { store } = setup();
    const task = store.createTask(BOARD, { title: 'In review', status: 'Ready for Review' }, HUMAN);
    const gone = store.createTask(BOARD, { title: 'Deleted', status: 'Ready for Review' }, HUMAN);
    store.deleteTask(BOARD, gone.id, HUMAN);
    const seq = store.listEvents(BOARD).at(-1)?.seq ?? 0;
    store.renameColumn(BOARD, 'Ready for Review', 'Review', HUMAN);
    const after = store.getTask(BOARD, task.id);
    expect(after?.status).toBe('Review');
    expect(after?.version).toBe('2');
    expect(store.listEvents(BOARD, seq).map((e) => [e.taskId, e.kind])).toEqual([[task.id, 'updated']]);
    expect(thrown(() => store.renameColumn(BOARD, 'Review', 'Done', HUMAN)).message).toMatch(/already has/);
  });

  it('refuses to delete a column that has tasks, or the last column', () => {
    const { store } = setup();
    store.createTask(BOARD, { title: 'Busy', status: 'Done' }, HUMAN);
    expect(thrown(() => store.deleteColumn(BOARD, 'Done')).message).toMatch(/"Done" still has 1 task/);
    const { store: other } = setup();
    for (const name of DEFAULT_COLUMNS.slice(1)) other.deleteColumn(BOARD, name);
    expect(thrown(() => other.deleteColumn(BOARD, 'Backlog')).message).toMatch(/last column/);
  });
});

describe('local board store: tasks', () => {
  it('creates with defaults: first column, version 1, millisecond ISO times', () => {
    const { store } = setup();
    const task = store.createTask(BOARD, { title: 'Hello' }, HUMAN);
    expect(task).toMatchObject({
      id: '1',
      status: 'Backlog',
      description: '',
      assignee: null,
      priority: 0,
      labels: [],
      agentNotes: '',
      parentId: null,
      dueDate: null,
      marker: null,
      version: '1',
    });
    expect(task.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(task.createdAt).toBe(task.updatedAt);
    expect(store.createTask(BOARD, { title: 'Second' }, HUMAN).id).toBe('2');
  });

  it('explains a status that is not a column by listing the columns', () => {
    const { store } = setup();
    const err = thrown(() => store.createTask(BOARD, { title: 'x', status: 'Doing' }, HUMAN));
    expect(err.kind).toBe('invalid');
    expect(err.message).toBe(
      'unknown status "Doing" on local board "local"; the columns are: "Backlog", "To do", "Work in progress", ' +
        '"Ready for Review", "Blocked — Needs Input", "Done"',
    );
  });

  it('rejects a missing, deleted, self or circular parent', () => {
    const { store } = setup();
    expect(thrown(() => store.createTask(BOARD, { title: 'x', parentId: '42' }, HUMAN)).message).toBe(
      'parent task "42" does not exist on local board "local"',
    );
    const a = store.createTask(BOARD, { title: 'A' }, HUMAN);
    const b = store.createTask(BOARD, { title: 'B', parentId: a.id }, HUMAN);
    const c = store.createTask(BOARD, { title: 'C', parentId: b.id }, HUMAN);
    expect(thrown(() => store.updateTask(BOARD, a.id, { parentId: a.id }, HUMAN)).message).toMatch(/its own parent/);
    expect(thrown(() => store.updateTask(BOARD, a.id, { parentId: c.id }, HUMAN)).message).toMatch(
      /is a subtask of 1, so it cannot be its parent/,
    );
    const d = store.createTask(BOARD, { title: 'D' }, HUMAN);
    store.deleteTask(BOARD, d.id, HUMAN);
    expect(thrown(() => store.updateTask(BOARD, a.id, { parentId: d.id }, HUMAN)).message).toMatch(/does not exist/);
  });

  it('checks field shapes', () => {
    const { store } = setup();
    const t = store.createTask(BOARD, { title: 'Shapes' }, HUMAN);
    const msg = (patch: object): string => thrown(() => store.updateTask(BOARD, t.id, patch, HUMAN)).message;
    expect(msg({ title: '  ' })).toBe('title must not be blank');
    expect(msg({ priority: 5 })).toMatch(/priority must be an integer from 0 \(none\) to 4 \(urgent\), not 5/);
    expect(msg({ priority: 1.5 })).toMatch(/priority/);
    expect(msg({ dueDate: '2030-02-30' })).toMatch(/dueDate must be a date as YYYY-MM-DD/);
    expect(msg({ labels: 'bug' })).toBe('labels must be a list of strings');
    expect(msg({ colour: 'red' })).toMatch(/unknown field "colour"/);
    expect(thrown(() => store.createTask(BOARD, {} as { title: string }, HUMAN)).message).toMatch(/needs a title/);
  });

  it('normalises labels (trimmed, deduplicated, sorted) and blank assignee/due date to null', () => {
    const { store } = setup();
    const t = store.createTask(
      BOARD,
      { title: 'L', labels: [' needs-ai ', 'bug', 'needs-ai', '', 'Bug'], assignee: '  ', dueDate: '' },
      HUMAN,
    );
    expect(t.labels).toEqual(['Bug', 'bug', 'needs-ai']);
    expect(t.assignee).toBeNull();
    expect(t.dueDate).toBeNull();
  });

  it('bumps the version on every change and not on a patch that changes nothing', () => {
    const { store } = setup();
    const t = store.createTask(BOARD, { title: 'V', labels: ['b', 'a'] }, HUMAN);
    const same = store.updateTask(BOARD, t.id, { title: 'V', labels: ['a', 'b', 'a'] }, HUMAN);
    expect(same.version).toBe('1');
    expect(same.updatedAt).toBe(t.updatedAt);
    expect(store.listEvents(BOARD).map((e) => e.kind)).toEqual(['created']);
    const changed = store.updateTask(BOARD, t.id, { labels: ['a'] }, HUMAN);
    expect(changed.version).toBe('2');
    expect(changed.labels).toEqual(['a']);
  });

  it('keeps the board clock from going backwards when the wall clock does', () => {
    let now = Date.parse('2030-01-01T12:00:00.000Z');
    const { store } = setup({ now: () => now });
    const a = store.createTask(BOARD, { title: 'A' }, HUMAN);
    now -= 60_000;
    const b = store.createTask(BOARD, { title: 'B' }, HUMAN);
    const a2 = store.updateTask(BOARD, a.id, { description: 'later' }, HUMAN);
    expect(b.updatedAt).toBe('2030-01-01T12:00:00.000Z');
    expect(a2.updatedAt).toBe('2030-01-01T12:00:00.000Z');
    const page = store.listChangedSince(BOARD, '2030-01-01T12:00:00Z');
    expect(page.tasks.map((t) => t.id).sort()).toEqual([a.id, b.id]);
    now += 120_000;
    expect(store.updateTask(BOARD, b.id, { priority: 1 }, HUMAN).updatedAt).toBe('2030-01-01T12:01:00.000Z');
  });

  it('rejects a cursor that is not a date-time', () => {
    const { store } = setup();
    expect(thrown(() => store.listChangedSince(BOARD, 'yesterday')).message).toMatch(/not a date-time cursor/);
  });

  it('orders cards within a column and moves them between columns', () => {
    const { store } = setup();
    const a = store.createTask(BOARD, { title: 'A', status: 'To do' }, HUMAN);
    const b = store.createTask(BOARD, { title: 'B', status: 'To do' }, HUMAN);
    const c = store.createTask(BOARD, { title: 'C', status: 'Backlog' }, HUMAN);
    const titles = (): string[] => store.listTasks(BOARD).map((t) => `${t.status}:${t.title}`);
    expect(titles()).toEqual(['Backlog:C', 'To do:A', 'To do:B']);

    const reordered = store.moveTask(BOARD, b.id, { status: 'To do', beforeId: a.id }, HUMAN);
    expect(reordered.version).toBe('1');
    expect(titles()).toEqual(['Backlog:C', 'To do:B', 'To do:A']);

    const moved = store.moveTask(BOARD, c.id, { status: 'To do', beforeId: a.id }, HUMAN);
    expect(moved.version).toBe('2');
    expect(titles()).toEqual(['To do:B', 'To do:C', 'To do:A']);

    for (let i = 0; i < 60; i++) store.moveTask(BOARD, i % 2 ? b.id : c.id, { status: 'To do', beforeId: a.id }, HUMAN);
    expect(titles()).toEqual(['To do:C', 'To do:B', 'To do:A']);
    expect(thrown(() => store.moveTask(BOARD, a.id, { status: 'Done', beforeId: b.id }, HUMAN)).message).toMatch(
      /not in column "Done"/,
    );
  });

  it('soft-deletes: the task disappears, its marker stays reserved, its subtasks are detached', () => {
    const { store } = setup();
    const parent = store.createTask(BOARD, { title: 'Parent' }, DECKHAND_ACTOR, { marker: 'm-1' });
    const child = store.createTask(BOARD, { title: 'Child', parentId: parent.id }, HUMAN);
    expect(store.deleteTask(BOARD, parent.id, HUMAN)).toBe(true);
    expect(store.deleteTask(BOARD, parent.id, HUMAN)).toBe(false);
    expect(thrown(() => store.deleteTask(BOARD, '999', HUMAN)).kind).toBe('not_found');
    expect(store.getTask(BOARD, parent.id)).toBeNull();
    expect(store.findTaskByMarker(BOARD, 'm-1')).toBeNull();
    expect(store.getTask(BOARD, child.id)).toMatchObject({ parentId: null, version: '2' });
    expect(thrown(() => store.updateTask(BOARD, parent.id, { title: 'x' }, HUMAN)).kind).toBe('not_found');
    const err = thrown(() => store.createTask(BOARD, { title: 'Parent' }, DECKHAND_ACTOR, { marker: 'm-1' }));
    expect(err.kind).toBe('invalid');
    expect(err.message).toMatch(/marker "m-1" \(1\) was deleted since/);
  });

  it('makes a create with a live marker idempotent', () => {
    const { store } = setup();
    const first = store.createTask(BOARD, { title: 'Once' }, DECKHAND_ACTOR, { marker: 'm-2' });
    const again = store.createTask(BOARD, { title: 'Once' }, DECKHAND_ACTOR, { marker: 'm-2' });
    expect(again).toEqual(first);
    expect(store.listTasks(BOARD)).toHaveLength(1);
    expect(store.listEvents(BOARD)).toHaveLength(1);
  });
});

describe('local board store: comments', () => {
  it('adds, lists, finds by marker and deletes comments without touching the task version', () => {
    const { store } = setup();
    const t = store.createTask(BOARD, { title: 'Talk' }, HUMAN);
    const c1 = store.addComment(BOARD, t.id, 'Hello', HUMAN);
    const c2 = store.addComment(BOARD, t.id, 'Agent here', DECKHAND_ACTOR, { marker: 'c-1' });
    expect(store.addComment(BOARD, t.id, 'Agent here', DECKHAND_ACTOR, { marker: 'c-1' })).toEqual(c2);
    expect(c1).toMatchObject({ taskId: t.id, author: HUMAN, body: 'Hello', marker: null });
    expect(store.listComments(BOARD, t.id).map((c) => c.body)).toEqual(['Hello', 'Agent here']);
    expect(store.findCommentByMarker(BOARD, t.id, 'c-1')?.id).toBe(c2.id);
    expect(store.getTask(BOARD, t.id)?.version).toBe('1');
    expect(store.deleteComment(BOARD, c2.id, HUMAN)).toBe(true);
    expect(store.findCommentByMarker(BOARD, t.id, 'c-1')).toBeNull();
    expect(store.listComments(BOARD, t.id).map((c) => c.id)).toEqual([c1.id]);
    expect(thrown(() => store.addComment(BOARD, t.id, 'again', DECKHAND_ACTOR, { marker: 'c-1' })).message).toMatch(
      /deleted since/,
    );
    expect(thrown(() => store.addComment(BOARD, t.id, '  ', HUMAN)).message).toMatch(/non-blank body/);
    expect(thrown(() => store.addComment(BOARD, '404', 'x', HUMAN)).kind).toBe('not_found');
  });
});

describe('local board store: sample tasks', () => {
  it('seeds a few friendly tasks once, one labelled needs-ai', () => {
    const dir = tempDir();
    const db = openDatabase(dir);
    open.push(db);
    const store = new LocalBoardStore(db);
    const seeded = store.seedSampleTasks('embedded');
    expect(seeded.length).toBeGreaterThanOrEqual(3);
    expect(seeded.length).toBeLessThanOrEqual(4);
    expect(seeded.filter((t) => t.labels.includes('needs-ai'))).toHaveLength(1);
    for (const t of seeded) expect(store.listColumns('embedded')).toContain(t.status);
    expect(store.listEvents('embedded').every((e) => e.actor === SAMPLE_ACTOR)).toBe(true);
    expect(store.seedSampleTasks('embedded')).toEqual([]);
    for (const t of seeded) store.deleteTask('embedded', t.id, HUMAN);
    expect(store.seedSampleTasks('embedded')).toEqual([]);
    expect(store.listTasks('embedded')).toEqual([]);
  });

  it('does not seed a board that already has tasks', () => {
    const { store } = setup();
    store.createTask(BOARD, { title: 'Mine' }, HUMAN);
    expect(store.seedSampleTasks(BOARD)).toEqual([]);
    expect(store.listTasks(BOARD).map((t) => t.title)).toEqual(['Mine']);
  });
});

describe('local board store: change events', () => {
  it('records every change in order, with its actor', () => {
    const { store } = setup();
    const t = store.createTask(BOARD, { title: 'E' }, HUMAN);
    store.updateTask(BOARD, t.id, { status: 'To do' }, DECKHAND_ACTOR);
    store.addComment(BOARD, t.id, 'note', DECKHAND_ACTOR);
    store.deleteTask(BOARD, t.id, HUMAN);
    const events = store.listEvents(BOARD);
    expect(events.map((e) => [e.kind, e.actor])).toEqual([
      ['created', HUMAN],
      ['updated', DECKHAND_ACTOR],
      ['commented', DECKHAND_ACTOR],
      ['deleted', HUMAN],
    ]);
    expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => a - b));
    expect(store.listEvents(BOARD, events[1]?.seq, 1).map((e) => e.kind)).toEqual(['commented']);
  });

  it('notifies listeners after the commit, when another connection can already see the change', () => {
    const { dir, store } = setup();
    const reader = new BetterSqlite3(join(dir, DATABASE_FILE), { readonly: true });
    const seen: Array<LocalChangeEvent & { visible: boolean }> = [];
    store.onChange((event) => {
      const row = reader
        .prepare('SELECT version FROM local_tasks WHERE board_id = ? AND id = ?')
        .get(BOARD, event.taskId);
      seen.push({ ...event, visible: row !== undefined });
    });
    const t = store.createTask(BOARD, { title: 'Seen' }, HUMAN);
    reader.close();
    expect(seen).toEqual([
      {
        seq: expect.any(Number),
        boardId: BOARD,
        taskId: t.id,
        kind: 'created',
        actor: HUMAN,
        at: t.updatedAt,
        visible: true,
      },
    ]);
  });

  it('says nothing about a rolled-back batch, and only the surviving part of a partly failed one', () => {
    const { store } = setup();
    const kinds: string[] = [];
    const stop = store.onChange((e) => kinds.push(`${e.kind}:${e.taskId}`));
    expect(() =>
      store.batch(() => {
        store.createTask(BOARD, { title: 'Doomed' }, HUMAN);
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(kinds).toEqual([]);
    expect(store.listTasks(BOARD)).toEqual([]);
    expect(store.listEvents(BOARD)).toEqual([]);

    store.batch(() => {
      store.createTask(BOARD, { title: 'Kept' }, HUMAN);
      expect(kinds).toEqual([]);
      expect(() => store.updateTask(BOARD, '1', { status: 'Nowhere' }, HUMAN)).toThrow(BoardError);
      expect(() =>
        store.batch(() => [store.addComment(BOARD, '1', 'lost', HUMAN), store.createTask(BOARD, {} as never, HUMAN)]),
      ).toThrow();
    });
    // The rolled-back create gave its id back, so the kept task is 1 again.
    expect(kinds).toEqual(['created:1']);
    expect(store.listComments(BOARD, '1')).toEqual([]);
    stop();
    store.createTask(BOARD, { title: 'Unheard' }, HUMAN);
    expect(kinds).toHaveLength(1);
  });

  it('keeps writing and notifying when a listener throws, and delivers a listener’s own writes in order', () => {
    const { store } = setup();
    const order: string[] = [];
    const warnings: string[] = [];
    const previousSink = setLogSink((line) => warnings.push(line));
    onTestFinished(() => {
      setLogSink(previousSink);
    });
    store.onChange(() => {
      throw new Error('listener bug');
    });
    store.onChange((e) => {
      order.push(`${e.kind}:${e.taskId}`);
      if (e.kind === 'created' && e.taskId === '1') store.addComment(BOARD, '1', 'auto-reply', DECKHAND_ACTOR);
    });
    store.batch(() => {
      store.createTask(BOARD, { title: 'One' }, HUMAN);
      store.createTask(BOARD, { title: 'Two' }, HUMAN);
    });
    expect(order).toEqual(['created:1', 'created:2', 'commented:1']);
    expect(store.listTasks(BOARD)).toHaveLength(2);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/a change listener failed on created of task 1/);
  });
});

describe('local board adapter specifics', () => {
  it('attributes its writes to deckhand and hides deleted tasks', async () => {
    const { store } = setup();
    const adapter = new LocalBoardAdapter({ store, boardId: BOARD });
    const t = await adapter.createTask({ fields: { title: 'By agent' }, marker: 'a-1' });
    await adapter.updateTask(t.id, { agentNotes: 'working on it' });
    await adapter.addComment(t.id, 'progress', 'a-2');
    expect(store.listEvents(BOARD).map((e) => e.actor)).toEqual([DECKHAND_ACTOR, DECKHAND_ACTOR, DECKHAND_ACTOR]);
    expect((await adapter.listComments(t.id))[0]?.author).toBe(DECKHAND_ACTOR);
    expect(t.marker).toBe('a-1');
    expect(Object.keys(t)).not.toContain('position');
    store.deleteTask(BOARD, t.id, HUMAN);
    expect(await adapter.getTask(t.id)).toBeNull();
  });

  it('creates its board on first use, and tells only about its own board', async () => {
    const { store } = setup();
    const adapter = new LocalBoardAdapter({ store, boardId: 'fresh' });
    expect(await adapter.listColumns()).toEqual([...DEFAULT_COLUMNS]);
    const heard: string[] = [];
    adapter.onChange((e) => heard.push(e.boardId));
    store.createTask(BOARD, { title: 'elsewhere' }, HUMAN);
    store.createTask('fresh', { title: 'here' }, HUMAN);
    expect(heard).toEqual(['fresh']);
  });

  it('returns the input watermark when nothing changed, and accepts watermarks without milliseconds', async () => {
    const { store } = setup({ now: () => Date.parse('2030-06-01T00:00:00.000Z') });
    const adapter = new LocalBoardAdapter({ store, boardId: BOARD });
    expect(await adapter.listChangedSince(null)).toEqual({ tasks: [], watermark: null, deletedIds: [] });
    const t = await adapter.createTask({ fields: { title: 'x' }, marker: 'c-1' });
    const page = await adapter.listChangedSince('2030-06-01T00:00:00Z');
    expect(page.tasks.map((x) => x.id)).toEqual([t.id]);
    expect(page.watermark).toBe('2030-06-01T00:00:00.000Z');
    expect((await adapter.listChangedSince('2030-06-01T00:00:00.001Z')).watermark).toBe('2030-06-01T00:00:00.001Z');
    await expect(adapter.listChangedSince('soon')).rejects.toMatchObject({ kind: 'invalid' });
  });

  it('injects faults before a call (nothing written) and after a write (the write stands)', async () => {
    const { store } = setup();
    const calls: Array<[string, string | undefined]> = [];
    const adapter = new LocalBoardAdapter({
      store,
      boardId: BOARD,
      faults: {
        failNext: (op, taskId) => {
          calls.push([op, taskId]);
          return op === 'updateTask' && calls.filter(([o]) => o === 'updateTask').length === 1
            ? new BoardError('transient', 'injected: connection reset')
            : undefined;
        },
        failAfterWrite: failTimes('createTask', new BoardError('transient', 'injected: response lost')),
      },
    });
    await expect(adapter.createTask({ fields: { title: 'Lost reply' }, marker: 'f-1' })).rejects.toThrow(
      'response lost',
    );
    const found = await adapter.findTaskByMarker('f-1');
    expect(found?.title).toBe('Lost reply');
    const retried = await adapter.createTask({ fields: { title: 'Lost reply' }, marker: 'f-1' });
    expect(retried.id).toBe(found?.id);

    const err = await adapter.updateTask(retried.id, { agentNotes: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'transient', retryable: true });
    expect((await adapter.getTask(retried.id))?.version).toBe('1');
    expect((await adapter.updateTask(retried.id, { agentNotes: 'x' })).version).toBe('2');
    expect(calls).toContainEqual(['updateTask', retried.id]);
  });

  it('reports storage failures as BoardErrors', async () => {
    const { db, store } = setup();
    const adapter = new LocalBoardAdapter({ store, boardId: BOARD });
    db.close();
    await expect(adapter.listTasks()).rejects.toMatchObject({ name: 'BoardError', kind: 'transient' });
  });
});
