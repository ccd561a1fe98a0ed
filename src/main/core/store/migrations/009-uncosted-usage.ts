import type { Migration } from '../migrate';

/**
 * A failed run can be dismissed from the inbox: who and when is kept on the
 * run, so it stays out of the inbox after a restart (and the log says so).
 *
 * Counts the provider calls of a day whose cost was not reported (the demo
 * agent, a local model, a command that says nothing about money), so a day's
 * cost of 0 is only shown as $0.00 when every call really said it cost nothing.
 */
export const migration009UncostedUsage: Migration = {
  version: 9,
  name: 'uncosted-usage-dismissed-runs',
  up(db) {
    db.exec(`
      ALTER TABLE agent_usage ADD COLUMN uncosted_calls INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE agent_runs ADD COLUMN dismissed_at TEXT;
      ALTER TABLE agent_runs ADD COLUMN dismissed_by TEXT;
    `);
  },
};
