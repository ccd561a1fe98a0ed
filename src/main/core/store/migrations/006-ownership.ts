import type { Migration } from '../migrate';

/**
 * Per-board ownership rules, versioned: every save is a new row (board, n+1),
 * so the rules in force at any time can be shown and an edit can be traced.
 * A trigger refuses UPDATE so a saved version is never rewritten.
 */
export const migration006Ownership: Migration = {
  version: 6,
  name: 'ownership',
  up(db) {
    db.exec(`
      CREATE TABLE ownership (
        board_id   TEXT NOT NULL CHECK (board_id <> ''),
        version    INTEGER NOT NULL CHECK (version >= 1),
        rules_json TEXT NOT NULL CHECK (json_valid(rules_json) AND json_type(rules_json) = 'object'),
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL,
        PRIMARY KEY (board_id, version)
      ) STRICT;
      CREATE TRIGGER ownership_no_update BEFORE UPDATE ON ownership
        BEGIN SELECT RAISE(ABORT, 'ownership versions are never rewritten; save a new version'); END;
    `);
  },
};
