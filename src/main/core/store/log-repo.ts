import type { Database } from 'better-sqlite3';

export interface LogInput {
  actor: string;
  action: string;
  boardId?: string;
  taskId?: string;
  field?: string;
  before?: unknown;
  after?: unknown;
  reason?: string;
  operationId?: string;
}

export interface LogEntry extends LogInput {
  seq: number;
  at: string;
}

interface LogRow {
  seq: number;
  at: string;
  actor: string;
  board_id: string | null;
  task_id: string | null;
  action: string;
  field: string | null;
  before_json: string | null;
  after_json: string | null;
  reason: string | null;
  operation_id: string | null;
}

function fromRow(row: LogRow): LogEntry {
  const entry: LogEntry = { seq: row.seq, at: row.at, actor: row.actor, action: row.action };
  if (row.board_id !== null) entry.boardId = row.board_id;
  if (row.task_id !== null) entry.taskId = row.task_id;
  if (row.field !== null) entry.field = row.field;
  if (row.before_json !== null) entry.before = JSON.parse(row.before_json);
  if (row.after_json !== null) entry.after = JSON.parse(row.after_json);
  if (row.reason !== null) entry.reason = row.reason;
  if (row.operation_id !== null) entry.operationId = row.operation_id;
  return entry;
}

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

/** The append-only sync log (the table's triggers refuse updates and deletes). */
export class LogRepo {
  constructor(private readonly db: Database) {}

  append(input: LogInput): LogEntry {
    const at = new Date().toISOString();
    const info = this.db
      .prepare(
        `INSERT INTO log (at, actor, board_id, task_id, action, field, before_json, after_json, reason, operation_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        at,
        input.actor,
        input.boardId ?? null,
        input.taskId ?? null,
        input.action,
        input.field ?? null,
        json(input.before),
        json(input.after),
        input.reason ?? null,
        input.operationId ?? null,
      );
    return { ...input, seq: Number(info.lastInsertRowid), at };
  }

  list(after = 0, limit = 500): LogEntry[] {
    const rows = this.db.prepare('SELECT * FROM log WHERE seq > ? ORDER BY seq LIMIT ?').all(after, limit) as LogRow[];
    return rows.map(fromRow);
  }
}
