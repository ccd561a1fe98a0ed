import type { Migration } from '../migrate';

/**
 * The agent runtime's state:
 * - agent_runs: one row per run (a task an agent works on, or one day's digest),
 *   its state, retries, the question it asked and what it cost. A partial unique
 *   index allows one active run per agent and task, and `dedupe_key` one digest
 *   per agent and day, so a replayed trigger never doubles a run;
 * - agent_steps: one provider call per round (a round ends with an answer from a
 *   person): its input, its output and the intents planned from it are persisted
 *   before any intent is submitted, so a restart replays the same intents
 *   instead of calling the model again;
 * - agent_claims: which run holds which task in this instance;
 * - agent_foreign_claims: when a claim by another instance was first seen (stale detection);
 * - agent_usage: runs, tokens and cost per agent and local day (budgets);
 * - agent_meta: this data directory's instance id (part of every claim label).
 */
export const migration007Agents: Migration = {
  version: 7,
  name: 'agents',
  up(db) {
    db.exec(`
      CREATE TABLE agent_runs (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        agent_id        TEXT NOT NULL,
        board_id        TEXT NOT NULL,
        task_id         TEXT,
        workflow        TEXT NOT NULL CHECK (workflow IN ('pickup', 'breakdown', 'digest')),
        trigger         TEXT NOT NULL,
        dedupe_key      TEXT UNIQUE,
        state           TEXT NOT NULL CHECK (state IN
                          ('queued', 'claimed', 'running', 'waiting-for-human', 'done', 'failed', 'paused')),
        outcome         TEXT,
        attempt         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL DEFAULT 0,
        round           INTEGER NOT NULL DEFAULT 0,
        claimed_round   INTEGER,
        original_status TEXT,
        question        TEXT,
        question_key    TEXT,
        asked_at        TEXT,
        answer          TEXT,
        resume_requested INTEGER NOT NULL DEFAULT 0,
        notified_at     TEXT,
        result_task_id  TEXT,
        tokens_in       INTEGER NOT NULL DEFAULT 0,
        tokens_out      INTEGER NOT NULL DEFAULT 0,
        cost            REAL,
        duration_ms     INTEGER NOT NULL DEFAULT 0,
        error           TEXT,
        created_at      TEXT NOT NULL,
        started_at      TEXT,
        finished_at     TEXT,
        updated_at      TEXT NOT NULL
      ) STRICT;
      CREATE INDEX agent_runs_queue ON agent_runs (agent_id, state, id);
      CREATE INDEX agent_runs_task ON agent_runs (board_id, task_id);
      CREATE UNIQUE INDEX agent_runs_one_active ON agent_runs (agent_id, board_id, task_id)
        WHERE task_id IS NOT NULL AND state IN ('queued', 'claimed', 'running', 'waiting-for-human', 'paused');

      CREATE TABLE agent_steps (
        run_id      INTEGER NOT NULL REFERENCES agent_runs (id),
        round       INTEGER NOT NULL,
        provider    TEXT NOT NULL,
        input_json  TEXT NOT NULL CHECK (json_valid(input_json)),
        output_json TEXT CHECK (output_json IS NULL OR json_valid(output_json)),
        raw_text    TEXT,
        plan_json   TEXT CHECK (plan_json IS NULL OR json_valid(plan_json)),
        tokens_in   INTEGER NOT NULL DEFAULT 0,
        tokens_out  INTEGER NOT NULL DEFAULT 0,
        cost        REAL,
        duration_ms INTEGER NOT NULL DEFAULT 0,
        started_at  TEXT NOT NULL,
        finished_at TEXT,
        PRIMARY KEY (run_id, round)
      ) STRICT;

      CREATE TABLE agent_claims (
        board_id   TEXT NOT NULL,
        task_id    TEXT NOT NULL,
        agent_id   TEXT NOT NULL,
        run_id     INTEGER NOT NULL,
        label      TEXT NOT NULL,
        claimed_at TEXT NOT NULL,
        PRIMARY KEY (board_id, task_id)
      ) STRICT;

      CREATE TABLE agent_foreign_claims (
        board_id      TEXT NOT NULL,
        task_id       TEXT NOT NULL,
        label         TEXT NOT NULL,
        first_seen_at INTEGER NOT NULL,
        PRIMARY KEY (board_id, task_id, label)
      ) STRICT;

      CREATE TABLE agent_usage (
        agent_id TEXT NOT NULL,
        day      TEXT NOT NULL,
        runs     INTEGER NOT NULL DEFAULT 0,
        tokens   INTEGER NOT NULL DEFAULT 0,
        cost     REAL NOT NULL DEFAULT 0,
        PRIMARY KEY (agent_id, day)
      ) STRICT;

      CREATE TABLE agent_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `);
  },
};
