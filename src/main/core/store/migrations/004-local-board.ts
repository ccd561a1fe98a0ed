import type { Migration } from '../migrate';

/**
 * The built-in local board, in the same file as everything else:
 * - local_boards: one row per local board, with id counters so ids are never reused;
 * - local_columns: column names in board order (a task's status is one of them);
 * - local_tasks: canonical fields plus version/updated_at for sync; deletes are soft
 *   (deleted_at) so deletions can be listed and markers keep guarding retried creates;
 * - local_comments: comments, soft-deleted for the same reason;
 * - local_events: an ordered change feed for incremental reads and in-process notification.
 * Markers are unique per board (over deleted rows too): a retried create finds its earlier effect.
 */
export const migration004LocalBoard: Migration = {
  version: 4,
  name: 'local-board',
  up(db) {
    db.exec(`
      CREATE TABLE local_boards (
        board_id        TEXT PRIMARY KEY,
        created_at      TEXT NOT NULL,
        next_task_id    INTEGER NOT NULL DEFAULT 1,
        next_comment_id INTEGER NOT NULL DEFAULT 1
      ) STRICT;

      CREATE TABLE local_columns (
        board_id TEXT NOT NULL REFERENCES local_boards (board_id),
        name     TEXT NOT NULL CHECK (length(trim(name)) > 0),
        position INTEGER NOT NULL,
        PRIMARY KEY (board_id, name)
      ) STRICT;

      CREATE TABLE local_tasks (
        board_id    TEXT NOT NULL REFERENCES local_boards (board_id),
        id          TEXT NOT NULL,
        title       TEXT NOT NULL CHECK (length(trim(title)) > 0),
        description TEXT NOT NULL DEFAULT '',
        status      TEXT NOT NULL,
        assignee    TEXT,
        priority    INTEGER NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 4),
        labels_json TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(labels_json) AND json_type(labels_json) = 'array'),
        agent_notes TEXT NOT NULL DEFAULT '',
        parent_id   TEXT CHECK (parent_id IS NULL OR parent_id <> id),
        due_date    TEXT CHECK (due_date IS NULL OR due_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
        marker      TEXT,
        position    REAL NOT NULL DEFAULT 0,
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        version     INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
        deleted_at  TEXT,
        PRIMARY KEY (board_id, id),
        FOREIGN KEY (board_id, parent_id) REFERENCES local_tasks (board_id, id)
      ) STRICT;
      CREATE UNIQUE INDEX local_tasks_marker ON local_tasks (board_id, marker) WHERE marker IS NOT NULL;
      CREATE INDEX local_tasks_updated ON local_tasks (board_id, updated_at);
      CREATE INDEX local_tasks_status ON local_tasks (board_id, status, position);
      CREATE INDEX local_tasks_parent ON local_tasks (board_id, parent_id) WHERE parent_id IS NOT NULL;

      CREATE TABLE local_comments (
        board_id   TEXT NOT NULL,
        id         TEXT NOT NULL,
        task_id    TEXT NOT NULL,
        author     TEXT NOT NULL,
        body       TEXT NOT NULL,
        marker     TEXT,
        created_at TEXT NOT NULL,
        deleted_at TEXT,
        PRIMARY KEY (board_id, id),
        FOREIGN KEY (board_id, task_id) REFERENCES local_tasks (board_id, id)
      ) STRICT;
      CREATE UNIQUE INDEX local_comments_marker ON local_comments (board_id, marker) WHERE marker IS NOT NULL;
      CREATE INDEX local_comments_task ON local_comments (board_id, task_id, created_at);

      CREATE TABLE local_events (
        seq      INTEGER PRIMARY KEY AUTOINCREMENT,
        board_id TEXT NOT NULL,
        task_id  TEXT NOT NULL,
        kind     TEXT NOT NULL CHECK (kind IN ('created', 'updated', 'deleted', 'commented')),
        actor    TEXT NOT NULL,
        at       TEXT NOT NULL
      ) STRICT;
      CREATE INDEX local_events_board ON local_events (board_id, seq);
    `);
  },
};
