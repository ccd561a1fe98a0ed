import type { Migration } from '../migrate';

/**
 * Pause switches: global (scope 'global', target ''), per board and per agent.
 * A row exists only while paused, and records who paused and why, so a pause
 * survives a restart.
 */
export const migration003Pauses: Migration = {
  version: 3,
  name: 'pauses',
  up(db) {
    db.exec(`
      CREATE TABLE pauses (
        scope     TEXT NOT NULL CHECK (scope IN ('global', 'board', 'agent')),
        target    TEXT NOT NULL,
        paused_by TEXT NOT NULL,
        reason    TEXT,
        paused_at TEXT NOT NULL,
        PRIMARY KEY (scope, target)
      ) STRICT;
    `);
  },
};
