import type { Database, Statement } from 'better-sqlite3';
import { TASK_FIELDS, type Comment, type FieldPatch, type TaskFields } from '../../../../shared/task';
import { BoardError } from '../contract/errors';
import { ChangeFeed } from './change-feed';
import { commentFromRow, eventFromRow, taskFromRow, type CommentRow, type EventRow, type TaskRow } from './rows';
import { SAMPLE_TASKS } from './sample-tasks';
import {
  DEFAULT_COLUMNS,
  type LocalChangeEvent,
  type LocalChangeKind,
  type LocalChangeListener,
  type LocalChangePage,
  type LocalTask,
  type NewTaskFields,
} from './types';
import { checkPatch } from '../contract/canonical';

/** Who seeded the sample tasks, as recorded in the change events. */
export const SAMPLE_ACTOR = 'system';

export interface LocalBoardStoreOptions {
  /** Milliseconds since the epoch; tests pass a clock that jumps or goes backwards. */
  now?: () => number;
}

const invalid = (message: string): BoardError => new BoardError('invalid', message);
const quoteList = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');

/** Smallest gap between neighbour positions before a column is renumbered. */
const MIN_POSITION_GAP = 1e-9;

/**
 * The local board's repository. Humans (through the UI) call it directly with
 * their actor; agents reach it through LocalBoardAdapter as 'deckhand'. Every
 * change to a task's fields bumps its integer version, stamps updated_at with
 * the board clock (millisecond ISO time that never goes backwards on a board,
 * so `updatedAt >= since` never misses a change) and appends a change event,
 * in one transaction. Listeners hear of events only after the commit.
 */
export class LocalBoardStore {
  private readonly feed = new ChangeFeed();
  private readonly statements = new Map<string, Statement>();
  private readonly now: () => number;
  private depth = 0;

  constructor(
    private readonly db: Database,
    options: LocalBoardStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Calls `listener` synchronously after each committed change, in seq order, so
   * the engine can treat local edits like webhook hints without HTTP. A throwing
   * listener is logged and does not affect the write or other listeners.
   * Returns an unsubscribe function.
   */
  onChange(listener: LocalChangeListener): () => void {
    return this.feed.subscribe(listener);
  }

  /**
   * Runs several store calls in one transaction; listeners hear of them after it
   * commits, and of none if it throws. (Inside a caller's own raw db transaction
   * the store cannot see the commit: listeners then fire when the store's part ends.)
   */
  batch<T>(fn: () => T): T {
    return this.write(fn);
  }

  // ---- boards and columns ----

  /** Creates the board with the default columns the first time; later calls change nothing. Returns true if created. */
  ensureBoard(boardId: string): boolean {
    if (typeof boardId !== 'string' || boardId.trim() === '') throw invalid('a board id must be a non-blank string');
    return this.write(() => {
      const created = this.sql(
        'INSERT INTO local_boards (board_id, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
      ).run(boardId, new Date(this.now()).toISOString());
      if (created.changes === 0) return false;
      const insert = this.sql('INSERT INTO local_columns (board_id, name, position) VALUES (?, ?, ?)');
      DEFAULT_COLUMNS.forEach((name, i) => insert.run(boardId, name, i));
      return true;
    });
  }

  hasBoard(boardId: string): boolean {
    return this.sql('SELECT 1 FROM local_boards WHERE board_id = ?').get(boardId) !== undefined;
  }

  /** Column names in board order. */
  listColumns(boardId: string): string[] {
    this.requireBoard(boardId);
    return this.columnNames(boardId);
  }

  /** Adds a column at `index` (default: the end). Returns the new column order. */
  addColumn(boardId: string, name: string, index?: number): string[] {
    return this.write(() => {
      const columns = this.listColumns(boardId);
      const clean = this.checkNewColumnName(boardId, columns, name);
      this.sql('INSERT INTO local_columns (board_id, name, position) VALUES (?, ?, ?)').run(
        boardId,
        clean,
        columns.length,
      );
      const order = [...columns];
      order.splice(index ?? columns.length, 0, clean);
      this.writeColumnOrder(boardId, order);
      return order;
    });
  }

  /** Renames a column; its tasks follow, and each live one gets a new version and an 'updated' event. */
  renameColumn(boardId: string, from: string, to: string, actor: string): string[] {
    return this.write(() => {
      const columns = this.listColumns(boardId);
      this.checkStatus(boardId, from, columns);
      const clean = this.checkNewColumnName(boardId, columns, to);
      this.sql('UPDATE local_columns SET name = ? WHERE board_id = ? AND name = ?').run(clean, boardId, from);
      const live = this.sql('SELECT id FROM local_tasks WHERE board_id = ? AND status = ? AND deleted_at IS NULL')
        .pluck()
        .all(boardId, from) as string[];
      this.sql('UPDATE local_tasks SET status = ? WHERE board_id = ? AND status = ?').run(clean, boardId, from);
      const at = this.clock(boardId);
      for (const id of live) this.bump(boardId, id, at, 'updated', actor);
      return columns.map((c) => (c === from ? clean : c));
    });
  }

  /** Moves a column to `toIndex` in board order. Returns the new order. */
  moveColumn(boardId: string, name: string, toIndex: number): string[] {
    return this.write(() => {
      const columns = this.listColumns(boardId);
      this.checkStatus(boardId, name, columns);
      const order = columns.filter((c) => c !== name);
      order.splice(Math.max(0, Math.min(toIndex, order.length)), 0, name);
      this.writeColumnOrder(boardId, order);
      return order;
    });
  }

  /** Deletes an empty column. Refused while live tasks are in it, and for the last column. */
  deleteColumn(boardId: string, name: string): string[] {
    return this.write(() => {
      const columns = this.listColumns(boardId);
      this.checkStatus(boardId, name, columns);
      if (columns.length === 1)
        throw invalid(`"${name}" is the last column of local board "${boardId}"; a board needs one`);
      const count = this.sql(
        'SELECT COUNT(*) FROM local_tasks WHERE board_id = ? AND status = ? AND deleted_at IS NULL',
      )
        .pluck()
        .get(boardId, name) as number;
      if (count > 0) throw invalid(`column "${name}" still has ${count} task(s); move them to another column first`);
      this.sql('DELETE FROM local_columns WHERE board_id = ? AND name = ?').run(boardId, name);
      const order = columns.filter((c) => c !== name);
      this.writeColumnOrder(boardId, order);
      return order;
    });
  }

  // ---- tasks ----

  /** Live tasks in board order (by column, then position within the column). */
  listTasks(boardId: string): LocalTask[] {
    this.requireBoard(boardId);
    const rows = this.sql(
      `SELECT t.* FROM local_tasks t
       LEFT JOIN local_columns c ON c.board_id = t.board_id AND c.name = t.status
       WHERE t.board_id = ? AND t.deleted_at IS NULL
       ORDER BY c.position, t.position, t.rowid`,
    ).all(boardId) as TaskRow[];
    return rows.map(taskFromRow);
  }

  /** The live task, or null when it never existed or was deleted. */
  getTask(boardId: string, id: string): LocalTask | null {
    const row = this.liveRow(boardId, id);
    return row ? taskFromRow(row) : null;
  }

  findTaskByMarker(boardId: string, marker: string): LocalTask | null {
    const row = this.sql('SELECT * FROM local_tasks WHERE board_id = ? AND marker = ? AND deleted_at IS NULL').get(
      boardId,
      marker,
    ) as TaskRow | undefined;
    return row ? taskFromRow(row) : null;
  }

  /**
   * Tasks with updated_at >= since (live ones in `tasks`, deleted ones in
   * `deletedIds`) and the highest updated_at seen as the next cursor. `since` may
   * be any date-time Date.parse accepts; it is compared as millisecond ISO time.
   */
  listChangedSince(boardId: string, since: string | null): LocalChangePage {
    this.requireBoard(boardId);
    const from = since === null ? null : normaliseSince(since);
    const rows = (
      from === null
        ? this.sql('SELECT * FROM local_tasks WHERE board_id = ? ORDER BY updated_at, rowid').all(boardId)
        : this.sql('SELECT * FROM local_tasks WHERE board_id = ? AND updated_at >= ? ORDER BY updated_at, rowid').all(
            boardId,
            from,
          )
    ) as TaskRow[];
    let cursor = from;
    for (const row of rows) if (cursor === null || row.updated_at > cursor) cursor = row.updated_at;
    return {
      tasks: rows.filter((r) => r.deleted_at === null).map(taskFromRow),
      deletedIds: rows.filter((r) => r.deleted_at !== null).map((r) => r.id),
      cursor,
    };
  }

  /**
   * Creates a task (status defaults to the first column). With a marker, the
   * create is idempotent: a live task with that marker is returned unchanged,
   * and a deleted one is an error, so a retried create never resurrects work a
   * person deleted.
   */
  createTask(
    boardId: string,
    fields: NewTaskFields,
    actor: string,
    options: { marker?: string | null } = {},
  ): LocalTask {
    return this.write(() => {
      this.requireBoard(boardId);
      const marker = options.marker ?? null;
      if (marker !== null) {
        if (typeof marker !== 'string' || marker.trim() === '') throw invalid('a marker must be a non-blank string');
        const existing = this.sql('SELECT * FROM local_tasks WHERE board_id = ? AND marker = ?').get(
          boardId,
          marker,
        ) as TaskRow | undefined;
        if (existing?.deleted_at === null) return taskFromRow(existing);
        if (existing) {
          throw invalid(
            `the task created with marker "${marker}" (${existing.id}) was deleted since; it is not created again`,
          );
        }
      }
      if (typeof fields?.title !== 'string') throw invalid('a new task needs a title');
      const patch = checkPatch(fields);
      const columns = this.columnNames(boardId);
      const status = patch.status ?? (columns[0] as string);
      this.checkStatus(boardId, status, columns);
      this.checkParent(boardId, null, patch.parentId ?? null);
      const id = this.nextId(boardId, 'task');
      const at = this.clock(boardId);
      this.sql(
        `INSERT INTO local_tasks (board_id, id, title, description, status, assignee, priority, labels_json,
           agent_notes, parent_id, due_date, marker, position, created_at, updated_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
      ).run(
        boardId,
        id,
        patch.title as string,
        patch.description ?? '',
        status,
        patch.assignee ?? null,
        patch.priority ?? 0,
        JSON.stringify(patch.labels ?? []),
        patch.agentNotes ?? '',
        patch.parentId ?? null,
        patch.dueDate ?? null,
        marker,
        this.endPosition(boardId, status, null),
        at,
        at,
      );
      this.recordEvent(boardId, id, 'created', actor, at);
      return this.requireTask(boardId, id);
    });
  }

  /**
   * Applies the given fields. A patch that changes nothing writes nothing: the
   * version stays, so an echo of the current values is not mistaken for a change.
   * A new status puts the task at the end of that column.
   */
  updateTask(boardId: string, id: string, patch: FieldPatch, actor: string): LocalTask {
    return this.write(() => {
      const row = this.requireLiveRow(boardId, id);
      const checked = checkPatch(patch);
      const current = taskFromRow(row);
      if (checked.status !== undefined) this.checkStatus(boardId, checked.status);
      if (checked.parentId !== undefined && checked.parentId !== current.parentId) {
        this.checkParent(boardId, id, checked.parentId);
      }
      const next: TaskFields = { ...current, ...checked };
      const changed = TASK_FIELDS.some((f) => JSON.stringify(current[f]) !== JSON.stringify(next[f]));
      if (!changed) return current;
      const position = next.status === current.status ? row.position : this.endPosition(boardId, next.status, id);
      this.sql(
        `UPDATE local_tasks SET title = ?, description = ?, status = ?, assignee = ?, priority = ?, labels_json = ?,
           agent_notes = ?, parent_id = ?, due_date = ?, position = ?
         WHERE board_id = ? AND id = ?`,
      ).run(
        next.title,
        next.description,
        next.status,
        next.assignee,
        next.priority,
        JSON.stringify(next.labels),
        next.agentNotes,
        next.parentId,
        next.dueDate,
        position,
        boardId,
        id,
      );
      this.bump(boardId, id, this.clock(boardId), 'updated', actor);
      return this.requireTask(boardId, id);
    });
  }

  /**
   * Moves a card to a column, before `beforeId` (a task in that column) or at
   * its end. A change of column is a status change (new version, event); a
   * reorder within a column only changes the card's position, which is not a
   * synced field, so it bumps nothing.
   */
  moveTask(boardId: string, id: string, to: { status: string; beforeId?: string | null }, actor: string): LocalTask {
    return this.write(() => {
      const row = this.requireLiveRow(boardId, id);
      this.checkStatus(boardId, to.status);
      const position = to.beforeId ? this.positionBefore(boardId, id, to.status, to.beforeId) : null;
      if (to.status !== row.status) {
        const moved = this.updateTask(boardId, id, { status: to.status }, actor);
        if (position === null) return moved;
      }
      this.sql('UPDATE local_tasks SET position = ? WHERE board_id = ? AND id = ?').run(
        position ?? this.endPosition(boardId, to.status, id),
        boardId,
        id,
      );
      return this.requireTask(boardId, id);
    });
  }

  /**
   * Soft-deletes a task (the row keeps its marker and shows up in deletedIds).
   * Its live subtasks are detached rather than deleted with it. Returns false
   * when it was already deleted.
   */
  deleteTask(boardId: string, id: string, actor: string): boolean {
    return this.write(() => {
      const row = this.anyRow(boardId, id);
      if (!row) throw this.notFound(boardId, id);
      if (row.deleted_at !== null) return false;
      const at = this.clock(boardId);
      this.sql('UPDATE local_tasks SET deleted_at = ? WHERE board_id = ? AND id = ?').run(at, boardId, id);
      this.bump(boardId, id, at, 'deleted', actor);
      const children = this.sql(
        'SELECT id FROM local_tasks WHERE board_id = ? AND parent_id = ? AND deleted_at IS NULL ORDER BY rowid',
      )
        .pluck()
        .all(boardId, id) as string[];
      for (const child of children) {
        this.sql('UPDATE local_tasks SET parent_id = NULL WHERE board_id = ? AND id = ?').run(boardId, child);
        this.bump(boardId, child, at, 'updated', actor);
      }
      return true;
    });
  }

  // ---- comments ----

  /** Live comments of a live task, oldest first. */
  listComments(boardId: string, taskId: string): Comment[] {
    this.requireLiveRow(boardId, taskId);
    const rows = this.sql(
      'SELECT * FROM local_comments WHERE board_id = ? AND task_id = ? AND deleted_at IS NULL ORDER BY created_at, rowid',
    ).all(boardId, taskId) as CommentRow[];
    return rows.map(commentFromRow);
  }

  /**
   * Adds a comment by `actor`. Like createTask, a marker makes it idempotent:
   * the live comment with that marker on this task is returned unchanged.
   * Comments do not change the task's version: they are not task fields.
   */
  addComment(
    boardId: string,
    taskId: string,
    body: string,
    actor: string,
    options: { marker?: string | null } = {},
  ): Comment {
    return this.write(() => {
      this.requireLiveRow(boardId, taskId);
      if (typeof body !== 'string' || body.trim() === '') throw invalid('a comment needs a non-blank body');
      const marker = options.marker ?? null;
      if (marker !== null) {
        if (typeof marker !== 'string' || marker.trim() === '') throw invalid('a marker must be a non-blank string');
        const existing = this.sql('SELECT * FROM local_comments WHERE board_id = ? AND marker = ?').get(
          boardId,
          marker,
        ) as CommentRow | undefined;
        if (existing && existing.task_id === taskId && existing.deleted_at === null) return commentFromRow(existing);
        if (existing) {
          throw invalid(
            `marker "${marker}" already belongs to comment ${existing.id} on task ${existing.task_id}` +
              (existing.deleted_at === null ? '' : ', which was deleted since'),
          );
        }
      }
      const id = this.nextId(boardId, 'comment');
      const at = this.clock(boardId);
      this.sql(
        `INSERT INTO local_comments (board_id, id, task_id, author, body, marker, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(boardId, id, taskId, actor, body, marker, at);
      this.recordEvent(boardId, taskId, 'commented', actor, at);
      return commentFromRow(
        this.sql('SELECT * FROM local_comments WHERE board_id = ? AND id = ?').get(boardId, id) as CommentRow,
      );
    });
  }

  findCommentByMarker(boardId: string, taskId: string, marker: string): Comment | null {
    const row = this.sql(
      'SELECT * FROM local_comments WHERE board_id = ? AND task_id = ? AND marker = ? AND deleted_at IS NULL',
    ).get(boardId, taskId, marker) as CommentRow | undefined;
    return row ? commentFromRow(row) : null;
  }

  /** Soft-deletes a comment (its marker stays reserved). Returns false when it was already deleted. */
  deleteComment(boardId: string, commentId: string, actor: string): boolean {
    return this.write(() => {
      const row = this.sql('SELECT * FROM local_comments WHERE board_id = ? AND id = ?').get(boardId, commentId) as
        CommentRow | undefined;
      if (!row) throw new BoardError('not_found', `comment ${commentId} not found on local board "${boardId}"`);
      if (row.deleted_at !== null) return false;
      const at = this.clock(boardId);
      this.sql('UPDATE local_comments SET deleted_at = ? WHERE board_id = ? AND id = ?').run(at, boardId, commentId);
      this.recordEvent(boardId, row.task_id, 'commented', actor, at);
      return true;
    });
  }

  // ---- events and samples ----

  /** Committed change events after `afterSeq`, oldest first: lets a listener catch up after a restart. */
  listEvents(boardId: string, afterSeq = 0, limit = 500): LocalChangeEvent[] {
    const rows = this.sql('SELECT * FROM local_events WHERE board_id = ? AND seq > ? ORDER BY seq LIMIT ?').all(
      boardId,
      afterSeq,
      limit,
    ) as EventRow[];
    return rows.map(eventFromRow);
  }

  /**
   * Fills a new embedded board with a few friendly sample tasks. Only when the
   * board has never had a task (deleted ones count), so deleted samples stay
   * deleted. Returns the tasks created.
   */
  seedSampleTasks(boardId: string): LocalTask[] {
    return this.write(() => {
      this.ensureBoard(boardId);
      if (this.sql('SELECT 1 FROM local_tasks WHERE board_id = ? LIMIT 1').get(boardId) !== undefined) return [];
      const columns = this.columnNames(boardId);
      return SAMPLE_TASKS.map((sample) =>
        this.createTask(
          boardId,
          { ...sample, status: columns.includes(sample.status ?? '') ? sample.status : columns[0] },
          SAMPLE_ACTOR,
        ),
      );
    });
  }

  // ---- internals ----

  private sql(text: string): Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** One transaction (a savepoint when nested); events reach listeners after the outermost commit. */
  private write<T>(fn: () => T): T {
    const mark = this.feed.mark();
    let result: T;
    this.depth += 1;
    try {
      result = this.db.transaction(fn).immediate();
    } catch (err) {
      this.feed.discardFrom(mark);
      throw err;
    } finally {
      this.depth -= 1;
    }
    if (this.depth === 0) this.feed.deliver();
    return result;
  }

  /** Now on the board's clock: wall time, but never before the board's latest updated_at. */
  private clock(boardId: string): string {
    const now = new Date(this.now()).toISOString();
    const last = this.sql('SELECT MAX(updated_at) FROM local_tasks WHERE board_id = ?').pluck().get(boardId) as
      string | null;
    return last !== null && last > now ? last : now;
  }

  private recordEvent(boardId: string, taskId: string, kind: LocalChangeKind, actor: string, at: string): void {
    if (typeof actor !== 'string' || actor.trim() === '') throw invalid('an actor must be a non-blank string');
    const info = this.sql('INSERT INTO local_events (board_id, task_id, kind, actor, at) VALUES (?, ?, ?, ?, ?)').run(
      boardId,
      taskId,
      kind,
      actor,
      at,
    );
    this.feed.record({ seq: Number(info.lastInsertRowid), boardId, taskId, kind, actor, at });
  }

  /** New version and updated_at for a task whose row was just changed, plus its event. */
  private bump(boardId: string, id: string, at: string, kind: LocalChangeKind, actor: string): void {
    this.sql('UPDATE local_tasks SET version = version + 1, updated_at = ? WHERE board_id = ? AND id = ?').run(
      at,
      boardId,
      id,
    );
    this.recordEvent(boardId, id, kind, actor, at);
  }

  private nextId(boardId: string, kind: 'task' | 'comment'): string {
    const column = kind === 'task' ? 'next_task_id' : 'next_comment_id';
    const id = this.sql(`UPDATE local_boards SET ${column} = ${column} + 1 WHERE board_id = ? RETURNING ${column} - 1`)
      .pluck()
      .get(boardId) as number;
    return String(id);
  }

  private requireBoard(boardId: string): void {
    if (!this.hasBoard(boardId)) throw new BoardError('not_found', `there is no local board "${boardId}"`);
  }

  private columnNames(boardId: string): string[] {
    return this.sql('SELECT name FROM local_columns WHERE board_id = ? ORDER BY position, name')
      .pluck()
      .all(boardId) as string[];
  }

  private checkStatus(boardId: string, status: string, columns = this.columnNames(boardId)): void {
    if (!columns.includes(status)) {
      throw invalid(`unknown status "${status}" on local board "${boardId}"; the columns are: ${quoteList(columns)}`);
    }
  }

  private checkNewColumnName(boardId: string, columns: readonly string[], name: string): string {
    const clean = typeof name === 'string' ? name.trim() : '';
    if (clean === '') throw invalid('a column name must not be blank');
    if (columns.includes(clean)) throw invalid(`local board "${boardId}" already has a column "${clean}"`);
    return clean;
  }

  private writeColumnOrder(boardId: string, order: readonly string[]): void {
    const update = this.sql('UPDATE local_columns SET position = ? WHERE board_id = ? AND name = ?');
    order.forEach((name, i) => update.run(i, boardId, name));
  }

  /** A parent must be a live task on the board, and never the task itself or one of its descendants. */
  private checkParent(boardId: string, taskId: string | null, parentId: string | null): void {
    if (parentId === null) return;
    if (parentId === taskId) throw invalid(`task ${taskId} cannot be its own parent`);
    const parent = this.liveRow(boardId, parentId);
    if (!parent) throw invalid(`parent task "${parentId}" does not exist on local board "${boardId}"`);
    const seen = new Set<string>([parentId]);
    for (let up = parent.parent_id; up !== null && !seen.has(up); up = this.liveRow(boardId, up)?.parent_id ?? null) {
      if (up === taskId) throw invalid(`task ${parentId} is a subtask of ${taskId}, so it cannot be its parent`);
      seen.add(up);
    }
  }

  /** A position after every live task in the column (other than `excludeId`). */
  private endPosition(boardId: string, status: string, excludeId: string | null): number {
    const max = this.sql(
      'SELECT MAX(position) FROM local_tasks WHERE board_id = ? AND status = ? AND deleted_at IS NULL AND id IS NOT ?',
    )
      .pluck()
      .get(boardId, status, excludeId) as number | null;
    return max === null ? 0 : max + 1;
  }

  /** A position just before `beforeId` in the column, renumbering the column if the gap has worn too thin. */
  private positionBefore(boardId: string, id: string, status: string, beforeId: string): number {
    if (beforeId === id) throw invalid(`task ${id} cannot be placed before itself`);
    const before = this.liveRow(boardId, beforeId);
    if (!before || before.status !== status) throw invalid(`task ${beforeId} is not in column "${status}"`);
    const previous = this.sql(
      `SELECT MAX(position) FROM local_tasks
       WHERE board_id = ? AND status = ? AND deleted_at IS NULL AND id <> ? AND position < ?`,
    )
      .pluck()
      .get(boardId, status, id, before.position) as number | null;
    if (previous === null) return before.position - 1;
    if (before.position - previous >= MIN_POSITION_GAP * 2) return (previous + before.position) / 2;
    this.renumberColumn(boardId, status);
    return this.positionBefore(boardId, id, status, beforeId);
  }

  private renumberColumn(boardId: string, status: string): void {
    const ids = this.sql(
      'SELECT id FROM local_tasks WHERE board_id = ? AND status = ? AND deleted_at IS NULL ORDER BY position, rowid',
    )
      .pluck()
      .all(boardId, status) as string[];
    const update = this.sql('UPDATE local_tasks SET position = ? WHERE board_id = ? AND id = ?');
    ids.forEach((taskId, i) => update.run(i, boardId, taskId));
  }

  private anyRow(boardId: string, id: string): TaskRow | undefined {
    return this.sql('SELECT * FROM local_tasks WHERE board_id = ? AND id = ?').get(boardId, id) as TaskRow | undefined;
  }

  private liveRow(boardId: string, id: string): TaskRow | undefined {
    const row = this.anyRow(boardId, id);
    return row && row.deleted_at === null ? row : undefined;
  }

  private requireLiveRow(boardId: string, id: string): TaskRow {
    const row = this.liveRow(boardId, id);
    if (!row) throw this.notFound(boardId, id);
    return row;
  }

  private requireTask(boardId: string, id: string): LocalTask {
    return taskFromRow(this.requireLiveRow(boardId, id));
  }

  private notFound(boardId: string, id: string): BoardError {
    return new BoardError('not_found', `task ${id} not found on local board "${boardId}"`);
  }
}

/** Any date-time Date.parse understands, as millisecond ISO time so it compares with stored stamps. */
function normaliseSince(since: string): string {
  const ms = typeof since === 'string' ? Date.parse(since) : NaN;
  if (Number.isNaN(ms)) throw invalid(`"${String(since)}" is not a date-time cursor`);
  return new Date(ms).toISOString();
}
