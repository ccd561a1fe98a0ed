import type { Database } from 'better-sqlite3';
import type { Task, TaskFields } from '../../../shared/task';
import { TASK_FIELDS } from '../../../shared/task';

/** The last synced state of a task: the merge base. */
export interface BaseSnapshot {
  taskId: string;
  fields: TaskFields;
  version: string;
  updatedAt: string;
  deleted: boolean;
}

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
    return {
      taskId: row.task_id,
      fields: JSON.parse(row.fields_json) as TaskFields,
      version: row.version,
      updatedAt: row.updated_at,
      deleted: row.deleted === 1,
    };
  }

  put(boardId: string, task: Task): void {
    this.putStmt.run(
      boardId,
      task.id,
      JSON.stringify(fieldsOf(task)),
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
