import { randomBytes } from 'node:crypto';
import type { Database } from 'better-sqlite3';

export interface ClaimRecord {
  boardId: string;
  taskId: string;
  agentId: string;
  runId: number;
  label: string;
  claimedAt: string;
}

interface ClaimRow {
  board_id: string;
  task_id: string;
  agent_id: string;
  run_id: number;
  label: string;
  claimed_at: string;
}

const fromRow = (r: ClaimRow): ClaimRecord => ({
  boardId: r.board_id,
  taskId: r.task_id,
  agentId: r.agent_id,
  runId: r.run_id,
  label: r.label,
  claimedAt: r.claimed_at,
});

/**
 * Claims held by this instance (one row per task, so two agents here can
 * never hold the same task), foreign claims seen on the board (with when they
 * were first seen, to tell a stale one), and this data directory's instance id.
 */
export class ClaimRepo {
  constructor(private readonly db: Database) {}

  /** A short random id, made once per data directory: two Deckhands on one board claim under different names. */
  instanceId(): string {
    const row = this.db.prepare("SELECT value FROM agent_meta WHERE key = 'instance'").get() as
      { value: string } | undefined;
    if (row) return row.value;
    const id = randomBytes(3).toString('hex');
    this.db.prepare("INSERT INTO agent_meta (key, value) VALUES ('instance', ?) ON CONFLICT DO NOTHING").run(id);
    return (this.db.prepare("SELECT value FROM agent_meta WHERE key = 'instance'").get() as { value: string }).value;
  }

  get(boardId: string, taskId: string): ClaimRecord | undefined {
    const row = this.db
      .prepare('SELECT * FROM agent_claims WHERE board_id = ? AND task_id = ?')
      .get(boardId, taskId) as ClaimRow | undefined;
    return row && fromRow(row);
  }

  /** Takes the task for a run unless another run here holds it. Returns the holder either way. */
  take(claim: Omit<ClaimRecord, 'claimedAt'>): ClaimRecord {
    this.db
      .prepare(
        `INSERT INTO agent_claims (board_id, task_id, agent_id, run_id, label, claimed_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (board_id, task_id) DO NOTHING`,
      )
      .run(claim.boardId, claim.taskId, claim.agentId, claim.runId, claim.label, new Date().toISOString());
    return this.get(claim.boardId, claim.taskId)!;
  }

  release(boardId: string, taskId: string, runId: number): boolean {
    return (
      this.db
        .prepare('DELETE FROM agent_claims WHERE board_id = ? AND task_id = ? AND run_id = ?')
        .run(boardId, taskId, runId).changes > 0
    );
  }

  all(): ClaimRecord[] {
    return (this.db.prepare('SELECT * FROM agent_claims ORDER BY claimed_at').all() as ClaimRow[]).map(fromRow);
  }

  /** When this foreign claim label was first seen on the task (recorded now if new). */
  foreignFirstSeen(boardId: string, taskId: string, label: string, now: number): number {
    this.db
      .prepare(
        `INSERT INTO agent_foreign_claims (board_id, task_id, label, first_seen_at) VALUES (?, ?, ?, ?)
         ON CONFLICT DO NOTHING`,
      )
      .run(boardId, taskId, label, now);
    return this.db
      .prepare('SELECT first_seen_at FROM agent_foreign_claims WHERE board_id = ? AND task_id = ? AND label = ?')
      .pluck()
      .get(boardId, taskId, label) as number;
  }

  /** Forgets foreign claims on a task that are no longer there. */
  forgetForeign(boardId: string, taskId: string, keep: readonly string[]): void {
    const rows = this.db
      .prepare('SELECT label FROM agent_foreign_claims WHERE board_id = ? AND task_id = ?')
      .pluck()
      .all(boardId, taskId) as string[];
    for (const label of rows) {
      if (!keep.includes(label)) {
        this.db
          .prepare('DELETE FROM agent_foreign_claims WHERE board_id = ? AND task_id = ? AND label = ?')
          .run(boardId, taskId, label);
      }
    }
  }
}
