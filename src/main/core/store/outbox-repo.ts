import type { Database, Statement } from 'better-sqlite3';

export type OutboxKind = 'update' | 'comment' | 'create';
export type OutboxState = 'pending' | 'done' | 'parked';

export interface OutboxEntry {
  id: number;
  idemKey: string;
  boardId: string;
  taskId: string | null;
  kind: OutboxKind;
  payload: unknown;
  actor: string;
  reason: string | null;
  operationId: string;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  result: unknown;
  /** An update's merge decision, stored just before its write was sent (see UpdateDecision). */
  sent: unknown;
  createdAt: string;
  intentAtMs: number;
}

export interface NewOutboxEntry {
  idemKey: string;
  boardId: string;
  taskId: string | null;
  kind: OutboxKind;
  payload: unknown;
  actor: string;
  reason?: string;
  operationId: string;
  intentAtMs: number;
}

interface OutboxRow {
  id: number;
  idem_key: string;
  board_id: string;
  task_id: string | null;
  kind: OutboxKind;
  payload_json: string;
  actor: string;
  reason: string | null;
  operation_id: string;
  state: OutboxState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  result_json: string | null;
  sent_json: string | null;
  created_at: string;
  intent_at_ms: number;
}

function fromRow(r: OutboxRow): OutboxEntry {
  return {
    id: r.id,
    idemKey: r.idem_key,
    boardId: r.board_id,
    taskId: r.task_id,
    kind: r.kind,
    payload: JSON.parse(r.payload_json),
    actor: r.actor,
    reason: r.reason,
    operationId: r.operation_id,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    result: r.result_json === null ? null : JSON.parse(r.result_json),
    sent: r.sent_json ? JSON.parse(r.sent_json) : null,
    createdAt: r.created_at,
    intentAtMs: r.intent_at_ms,
  };
}

/** Agent writes waiting to reach a board. One row per idempotency key, so a repeated intent is a no-op. */
export class OutboxRepo {
  private pendingForTaskStmt: Statement | undefined;

  constructor(private readonly db: Database) {}

  /** Inserts unless the key exists; returns the entry either way and whether it was new. */
  enqueue(entry: NewOutboxEntry): { entry: OutboxEntry; created: boolean } {
    const info = this.db
      .prepare(
        `INSERT INTO outbox (idem_key, board_id, task_id, kind, payload_json, actor, reason, operation_id, created_at, intent_at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idem_key) DO NOTHING`,
      )
      .run(
        entry.idemKey,
        entry.boardId,
        entry.taskId,
        entry.kind,
        JSON.stringify(entry.payload),
        entry.actor,
        entry.reason ?? null,
        entry.operationId,
        new Date().toISOString(),
        entry.intentAtMs,
      );
    return { entry: this.byKey(entry.idemKey)!, created: info.changes > 0 };
  }

  byKey(idemKey: string): OutboxEntry | undefined {
    const row = this.db.prepare('SELECT * FROM outbox WHERE idem_key = ?').get(idemKey) as OutboxRow | undefined;
    return row && fromRow(row);
  }

  byId(id: number): OutboxEntry | undefined {
    const row = this.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as OutboxRow | undefined;
    return row && fromRow(row);
  }

  /** Pending entries of a board in creation order (order matters within a task). */
  pending(boardId: string): OutboxEntry[] {
    return (
      this.db
        .prepare("SELECT * FROM outbox WHERE board_id = ? AND state = 'pending' ORDER BY id")
        .all(boardId) as OutboxRow[]
    ).map(fromRow);
  }

  /** The create entry that put this marker on the board, if any. */
  byMarker(boardId: string, marker: string): OutboxEntry | undefined {
    const row = this.db
      .prepare(
        "SELECT * FROM outbox WHERE board_id = ? AND kind = 'create' AND json_extract(payload_json, '$.marker') = ?",
      )
      .get(boardId, marker) as OutboxRow | undefined;
    return row && fromRow(row);
  }

  /** Pending entries for one task: their intended values are recognised as echoes, not human edits. */
  pendingForTask(boardId: string, taskId: string): OutboxEntry[] {
    // Called once per reconciled task, so the statement is prepared once.
    this.pendingForTaskStmt ??= this.db.prepare(
      "SELECT * FROM outbox WHERE board_id = ? AND task_id = ? AND state = 'pending' ORDER BY id",
    );
    return (this.pendingForTaskStmt.all(boardId, taskId) as OutboxRow[]).map(fromRow);
  }

  /**
   * The ids of every comment Deckhand posted on a task. This is how its own comments are
   * told from a person's: on a solo setup both are written by one board account.
   */
  ownCommentIds(boardId: string, taskId: string): Set<string> {
    const ids = this.db
      .prepare(
        `SELECT json_extract(result_json, '$.commentId') FROM outbox
         WHERE board_id = ? AND task_id = ? AND kind = 'comment' AND state = 'done'`,
      )
      .pluck()
      .all(boardId, taskId) as (string | number | null)[];
    return new Set(ids.filter((id) => id !== null).map(String));
  }

  /** Counted (and committed) before the request goes out, so a restart knows a create may already exist. */
  markAttempt(id: number): void {
    this.db.prepare('UPDATE outbox SET attempts = attempts + 1 WHERE id = ?').run(id);
  }

  /** Committed before an update's write goes out, so a retry after a lost answer knows what was sent. */
  markSent(id: number, decision: unknown): void {
    this.db.prepare('UPDATE outbox SET sent_json = ? WHERE id = ?').run(JSON.stringify(decision), id);
  }

  /** The board answered without running the write: the retry merges afresh, as if it had never been sent. */
  markUnsent(id: number): void {
    this.db.prepare('UPDATE outbox SET sent_json = NULL WHERE id = ?').run(id);
  }

  markDone(id: number, result: unknown): void {
    this.db
      .prepare("UPDATE outbox SET state = 'done', result_json = ?, last_error = NULL, done_at = ? WHERE id = ?")
      .run(JSON.stringify(result ?? null), new Date().toISOString(), id);
  }

  reschedule(id: number, atMs: number, error: string): void {
    this.db.prepare('UPDATE outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?').run(atMs, error, id);
  }

  park(id: number, error: string): void {
    this.db.prepare("UPDATE outbox SET state = 'parked', last_error = ? WHERE id = ?").run(error, id);
  }

  /** Un-parks an entry for another round of attempts. */
  retry(id: number): boolean {
    return (
      this.db
        .prepare(
          "UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = 0 WHERE id = ? AND state = 'parked'",
        )
        .run(id).changes > 0
    );
  }

  list(filter: { state?: OutboxState; boardId?: string } = {}, limit = 200): OutboxEntry[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.state) {
      where.push('state = ?');
      args.push(filter.state);
    }
    if (filter.boardId) {
      where.push('board_id = ?');
      args.push(filter.boardId);
    }
    const sql = `SELECT * FROM outbox ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, limit) as OutboxRow[]).map(fromRow);
  }

  counts(): { pending: number; parked: number } {
    const row = this.db
      .prepare("SELECT SUM(state = 'pending') AS pending, SUM(state = 'parked') AS parked FROM outbox")
      .get() as { pending: number | null; parked: number | null };
    return { pending: row.pending ?? 0, parked: row.parked ?? 0 };
  }
}
