import type { Database } from 'better-sqlite3';
import type { Task, TaskField, TaskFields } from '../../../shared/task';
import { TASK_FIELDS } from '../../../shared/task';

/**
 * When each field last changed, on the board's clock, as far as the engine saw it.
 * Boards date whole tasks; this keeps a later change to one field (ours, or a
 * person's) from re-dating the others for last-write-wins. Absent: unknown.
 */
export type FieldTimes = Partial<Record<TaskField, string>>;

/** The last synced state of a task: the merge base. */
export interface BaseSnapshot {
  taskId: string;
  fields: TaskFields;
  version: string;
  updatedAt: string;
  deleted: boolean;
  changedAt: FieldTimes;
}

/** Field times ride along in fields_json under this key (rows written before it simply lack it). */
const CHANGED_AT = '@changedAt';

interface BaseRow {
  task_id: string;
  fields_json: string;
  version: string;
  updated_at: string;
  deleted: number;
}

export function fieldsOf(task: TaskFields): TaskFields {
  const out = {} as Record<string, unknown>;
  for (const f of TASK_FIELDS) out[f] = task[f];
  return out as unknown as TaskFields;
}

export class BaseRepo {
  private readonly getStmt;
  private readonly putStmt;

  constructor(private readonly db: Database) {
    this.getStmt = db.prepare('SELECT * FROM base WHERE board_id = ? AND task_id = ?');
    this.putStmt = db.prepare(
      `INSERT INTO base (board_id, task_id, fields_json, version, updated_at, synced_at, deleted)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (board_id, task_id) DO UPDATE SET fields_json = excluded.fields_json,
         version = excluded.version, updated_at = excluded.updated_at, synced_at = excluded.synced_at,
         deleted = excluded.deleted`,
    );
  }

  get(boardId: string, taskId: string): BaseSnapshot | undefined {
    const row = this.getStmt.get(boardId, taskId) as BaseRow | undefined;
    if (!row) return undefined;
    const { [CHANGED_AT]: changedAt, ...fields } = JSON.parse(row.fields_json) as TaskFields & {
      [CHANGED_AT]?: FieldTimes;
    };
    return {
      taskId: row.task_id,
      fields: fields as TaskFields,
      version: row.version,
      updatedAt: row.updated_at,
      deleted: row.deleted === 1,
      changedAt: changedAt ?? {},
    };
  }

  put(boardId: string, task: Task, changedAt: FieldTimes = {}): void {
    const times = Object.keys(changedAt).length > 0 ? { [CHANGED_AT]: changedAt } : {};
    this.putStmt.run(
      boardId,
      task.id,
      JSON.stringify({ ...fieldsOf(task), ...times }),
      task.version,
      task.updatedAt,
      new Date().toISOString(),
      0,
    );
  }

  markDeleted(boardId: string, taskId: string): void {
    this.db
      .prepare('UPDATE base SET deleted = 1, synced_at = ? WHERE board_id = ? AND task_id = ?')
      .run(new Date().toISOString(), boardId, taskId);
  }

  /** Ids of tasks we believe exist, for deletion detection during a full reconcile. */
  liveIds(boardId: string): string[] {
    return (
      this.db.prepare('SELECT task_id FROM base WHERE board_id = ? AND deleted = 0').all(boardId) as {
        task_id: string;
      }[]
    ).map((r) => r.task_id);
  }

  all(boardId: string): BaseSnapshot[] {
    return (
      this.db.prepare('SELECT task_id FROM base WHERE board_id = ? AND deleted = 0 ORDER BY task_id').all(boardId) as {
        task_id: string;
      }[]
    ).map((r) => this.get(boardId, r.task_id)!);
  }
}
