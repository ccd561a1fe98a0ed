import type { Migration } from '../migrate';

/**
 * The sync engine's state:
 * - base: the last synced snapshot of each task (the merge base), with its remote version;
 * - outbox: agent intents waiting to reach the board, one row per idempotency key;
 * - conflicts: fields waiting for a person;
 * - deliveries: webhook delivery ids already seen (dedupe);
 * - board_sync: per-board poll watermark, timing and last error.
 */
export const migration005Engine: Migration = {
  version: 5,
  name: 'engine',
  up(db) {
    db.exec(`
      CREATE TABLE base (
        board_id    TEXT NOT NULL,
        task_id     TEXT NOT NULL,
        fields_json TEXT NOT NULL CHECK (json_valid(fields_json)),
        version     TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        synced_at   TEXT NOT NULL,
        deleted     INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (board_id, task_id)
      ) STRICT;

      CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        idem_key        TEXT NOT NULL UNIQUE,
        board_id        TEXT NOT NULL,
        task_id         TEXT,
        kind            TEXT NOT NULL CHECK (kind IN ('update', 'comment', 'create')),
        payload_json    TEXT NOT NULL CHECK (json_valid(payload_json)),
        actor           TEXT NOT NULL,
        reason          TEXT,
        operation_id    TEXT NOT NULL,
        state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'parked')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL DEFAULT 0,
        last_error      TEXT,
        result_json     TEXT,
        created_at      TEXT NOT NULL,
        intent_at_ms    INTEGER NOT NULL,
        done_at         TEXT
      ) STRICT;
      CREATE INDEX outbox_due ON outbox (state, next_attempt_at, id);
      CREATE INDEX outbox_board ON outbox (board_id, state);

      CREATE TABLE conflicts (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        board_id     TEXT NOT NULL,
        task_id      TEXT NOT NULL,
        field        TEXT NOT NULL,
        base_json    TEXT,
        human_json   TEXT,
        agent_json   TEXT,
        actor        TEXT NOT NULL,
        operation_id TEXT NOT NULL,
        state        TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
        opened_at    TEXT NOT NULL,
        resolved_at  TEXT,
        resolved_by  TEXT,
        resolution_json TEXT
      ) STRICT;
      CREATE UNIQUE INDEX conflicts_one_open ON conflicts (board_id, task_id, field) WHERE state = 'open';

      CREATE TABLE deliveries (
        board_id    TEXT NOT NULL,
        delivery_id TEXT NOT NULL,
        received_at TEXT NOT NULL,
        PRIMARY KEY (board_id, delivery_id)
      ) STRICT;

      CREATE TABLE board_sync (
        board_id        TEXT PRIMARY KEY,
        cursor          TEXT,
        last_poll_at    TEXT,
        last_ok_at      TEXT,
        last_full_at    TEXT,
        last_error      TEXT,
        error_count     INTEGER NOT NULL DEFAULT 0
      ) STRICT;
    `);
  },
};
