import type { Database, Statement } from 'better-sqlite3';
import type { LogAction } from '../../../shared/log-actions';
import type { SyncLogEntry } from '../../../shared/model';

/** What a caller supplies; the log assigns `seq` and `at`. Only known actions: each has a heading in the UI. */
export type LogInput = Omit<SyncLogEntry, 'seq' | 'at' | 'action'> & { action: LogAction };

export type LogEntry = SyncLogEntry;

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

export interface LogFilter {
  boardId?: string;
  taskId?: string;
  actor?: string;
  action?: string;
  text?: string;
}

export interface LogQuery {
  after?: number;
  before?: number;
  limit?: number;
  filter?: LogFilter;
}

const ACTOR_KINDS = new Set(['human', 'agent', 'system']);
const likeEscape = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function whereClause(filter: LogFilter): { where: string[]; args: unknown[] } {
  const where: string[] = ['1 = 1'];
  const args: unknown[] = [];
  const add = (clause: string, ...values: unknown[]): void => {
    where.push(clause);
    args.push(...values);
  };
  if (filter.boardId) add('board_id = ?', filter.boardId);
  if (filter.taskId) add('task_id = ?', filter.taskId);
  if (filter.actor) {
    // A bare kind ("agent") matches every actor of that kind ("agent:researcher").
    if (ACTOR_KINDS.has(filter.actor))
      add("(actor = ? OR actor LIKE ? ESCAPE '\\')", filter.actor, `${filter.actor}:%`);
    else add('actor = ?', filter.actor);
  }
  if (filter.action) {
    if (filter.action.endsWith('.')) add("action LIKE ? ESCAPE '\\'", `${likeEscape(filter.action)}%`);
    else add('action = ?', filter.action);
  }
  if (filter.text) {
    add(
      "lower(coalesce(field, '') || ' ' || coalesce(before_json, '') || ' ' || coalesce(after_json, '') || ' ' || coalesce(reason, '') || ' ' || coalesce(task_id, '')) LIKE ? ESCAPE '\\'",
      `%${likeEscape(filter.text.toLowerCase())}%`,
    );
  }
  return { where, args };
}

const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

/** The append-only sync log (the table's triggers refuse updates and deletes). */
export class LogRepo {
  private insert: Statement | undefined;

  constructor(private readonly db: Database) {}

  append(input: LogInput): LogEntry {
    const at = new Date().toISOString();
    this.insert ??= this.db.prepare(
      `INSERT INTO log (at, actor, board_id, task_id, action, field, before_json, after_json, reason, operation_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const info = this.insert.run(
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

  /**
   * A page of the log. Forward from `after` (oldest first), or, with `before`,
   * backwards (newest first), for a view that opens on the latest entries.
   */
  list(query: LogQuery = {}): LogEntry[] {
    const { where, args } = whereClause(query.filter ?? {});
    const limit = query.limit ?? 200;
    if (query.before !== undefined) {
      where.push('seq < ?');
      args.push(query.before);
      const sql = `SELECT * FROM log WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`;
      return (this.db.prepare(sql).all(...args, limit) as LogRow[]).map(fromRow);
    }
    where.push('seq > ?');
    args.push(query.after ?? 0);
    const sql = `SELECT * FROM log WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`;
    return (this.db.prepare(sql).all(...args, limit) as LogRow[]).map(fromRow);
  }

  /** Every matching entry, oldest first, without loading them all at once (JSONL export). */
  *iterate(filter: LogFilter = {}): Generator<LogEntry> {
    const { where, args } = whereClause(filter);
    const sql = `SELECT * FROM log WHERE ${where.join(' AND ')} ORDER BY seq`;
    for (const row of this.db.prepare(sql).iterate(...args)) yield fromRow(row as LogRow);
  }
}
