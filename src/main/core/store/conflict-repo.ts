import type { Database } from 'better-sqlite3';
import type { Conflict } from '../../../shared/model';

/** The stored form is exactly what the contract exposes. */
export type ConflictRecord = Conflict;

interface ConflictRow {
  id: number;
  board_id: string;
  task_id: string;
  field: string;
  base_json: string | null;
  human_json: string | null;
  agent_json: string | null;
  actor: string;
  operation_id: string;
  state: 'open' | 'resolved';
  opened_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution_json: string | null;
}

const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

function fromRow(r: ConflictRow): ConflictRecord {
  return {
    id: r.id,
    boardId: r.board_id,
    taskId: r.task_id,
    field: r.field,
    base: parse(r.base_json),
    human: parse(r.human_json),
    agent: parse(r.agent_json),
    actor: r.actor,
    operationId: r.operation_id,
    state: r.state,
    openedAt: r.opened_at,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by,
    resolution: parse(r.resolution_json),
  };
}

/** Fields waiting for a person. At most one open conflict per task field; a newer one replaces its agent side. */
export class ConflictRepo {
  constructor(private readonly db: Database) {}

  open(c: {
    boardId: string;
    taskId: string;
    field: string;
    base: unknown;
    human: unknown;
    agent: unknown;
    actor: string;
    operationId: string;
  }): ConflictRecord {
    this.db
      .prepare(
        `INSERT INTO conflicts (board_id, task_id, field, base_json, human_json, agent_json, actor, operation_id, opened_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (board_id, task_id, field) WHERE state = 'open'
         DO UPDATE SET human_json = excluded.human_json, agent_json = excluded.agent_json,
           actor = excluded.actor, operation_id = excluded.operation_id`,
      )
      .run(
        c.boardId,
        c.taskId,
        c.field,
        JSON.stringify(c.base ?? null),
        JSON.stringify(c.human ?? null),
        JSON.stringify(c.agent ?? null),
        c.actor,
        c.operationId,
        new Date().toISOString(),
      );
    const row = this.db
      .prepare("SELECT * FROM conflicts WHERE board_id = ? AND task_id = ? AND field = ? AND state = 'open'")
      .get(c.boardId, c.taskId, c.field) as ConflictRow;
    return fromRow(row);
  }

  findOpen(boardId: string, taskId: string, field: string): ConflictRecord | undefined {
    const row = this.db
      .prepare("SELECT * FROM conflicts WHERE board_id = ? AND task_id = ? AND field = ? AND state = 'open'")
      .get(boardId, taskId, field) as ConflictRow | undefined;
    return row && fromRow(row);
  }

  get(id: number): ConflictRecord | undefined {
    const row = this.db.prepare('SELECT * FROM conflicts WHERE id = ?').get(id) as ConflictRow | undefined;
    return row && fromRow(row);
  }

  list(state: 'open' | 'resolved' | 'all' = 'open', limit = 500): ConflictRecord[] {
    const rows =
      state === 'all'
        ? this.db.prepare('SELECT * FROM conflicts ORDER BY id DESC LIMIT ?').all(limit)
        : this.db.prepare('SELECT * FROM conflicts WHERE state = ? ORDER BY id DESC LIMIT ?').all(state, limit);
    return (rows as ConflictRow[]).map(fromRow);
  }

  resolve(id: number, by: string, resolution: unknown): boolean {
    return (
      this.db
        .prepare(
          "UPDATE conflicts SET state = 'resolved', resolved_at = ?, resolved_by = ?, resolution_json = ? WHERE id = ? AND state = 'open'",
        )
        .run(new Date().toISOString(), by, JSON.stringify(resolution ?? null), id).changes > 0
    );
  }

  openCount(): number {
    return (this.db.prepare("SELECT COUNT(*) AS n FROM conflicts WHERE state = 'open'").get() as { n: number }).n;
  }
}
