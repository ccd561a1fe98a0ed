/**
 * Fills the sync log of a stopped server's data directory with synthetic
 * entries, fast: log rows are plain data (no state refers to them), so one
 * transaction of INSERTs into the log table is an honest stand-in for months of
 * activity. The server must have run once on the directory, so the schema exists.
 */
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

const ACTIONS = ['field.changed', 'field.written', 'echo', 'intent.queued', 'comment.added', 'write.refused'] as const;
const ACTORS = ['human', 'agent:researcher', 'agent:writer', 'system'] as const;
const FIELDS = ['status', 'title', 'labels', 'agentNotes', 'priority'] as const;
const STATUSES = ['Backlog', 'To do', 'Work in progress', 'Ready for Review', 'Done'];

/** Inserts `count` entries, oldest first, ending about now. Returns the seq of the last one. */
export function seedLog(dataDir: string, count: number): number {
  const db = new BetterSqlite3(join(dataDir, 'deckhand.db'));
  try {
    db.pragma('journal_mode = WAL');
    const insert = db.prepare(
      `INSERT INTO log (at, actor, board_id, task_id, action, field, before_json, after_json, reason, operation_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const start = Date.now() - count * 1000;
    let last = 0;
    db.transaction(() => {
      for (let i = 0; i < count; i++) {
        const action = ACTIONS[i % ACTIONS.length]!;
        const field = FIELDS[i % FIELDS.length]!;
        const before = field === 'labels' ? ['seed'] : field === 'priority' ? 1 : STATUSES[i % STATUSES.length];
        const after = field === 'labels' ? ['seed', `l${i % 7}`] : field === 'priority' ? 2 : STATUSES[(i + 1) % 5];
        const info = insert.run(
          new Date(start + i * 1000).toISOString(),
          ACTORS[i % ACTORS.length],
          'local',
          String(1 + (i % 400)),
          action,
          field,
          JSON.stringify(before),
          JSON.stringify(after),
          `seed entry #${i}.`,
          `op-seed-${i}`,
        );
        last = Number(info.lastInsertRowid);
      }
    })();
    return last;
  } finally {
    db.close();
  }
}
