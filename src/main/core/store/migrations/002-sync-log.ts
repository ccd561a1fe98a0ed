import type { Migration } from '../migrate';

/**
 * The append-only sync log: who did what to which field, with before/after
 * and why. Triggers refuse UPDATE and DELETE so history cannot be rewritten.
 */
export const migration002SyncLog: Migration = {
  version: 2,
  name: 'sync-log',
  up(db) {
    db.exec(`
      CREATE TABLE log (
        seq          INTEGER PRIMARY KEY AUTOINCREMENT,
        at           TEXT NOT NULL,
        actor        TEXT NOT NULL,
        board_id     TEXT,
        task_id      TEXT,
        action       TEXT NOT NULL,
        field        TEXT,
        before_json  TEXT,
        after_json   TEXT,
        reason       TEXT,
        operation_id TEXT
      ) STRICT;
      CREATE INDEX log_board_task ON log (board_id, task_id);
      CREATE INDEX log_operation ON log (operation_id);
      CREATE TRIGGER log_no_update BEFORE UPDATE ON log
        BEGIN SELECT RAISE(ABORT, 'the sync log is append-only'); END;
      CREATE TRIGGER log_no_delete BEFORE DELETE ON log
        BEGIN SELECT RAISE(ABORT, 'the sync log is append-only'); END;
    `);
  },
};
