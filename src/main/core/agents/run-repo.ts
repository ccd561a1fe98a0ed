import type { Database, Statement } from 'better-sqlite3';
import type { AgentRun, AgentRunStep, TaskChange } from '../../../shared/model';
import type { Basis } from '../engine/intents';
import type { AgentOutput, AgentRunState, ProviderUsage } from './types';

/** A run as the runtime sees it: the public shape plus the bookkeeping that makes it resumable. */
export interface RunRecord extends AgentRun {
  dedupeKey: string | null;
  nextAttemptAtMs: number;
  /** The round whose claim was confirmed on the board (null: not claimed yet this round). */
  claimedRound: number | null;
  /** Where the task was before the claim moved it (restored if the run fails). */
  originalStatus: string | null;
  /** Idempotency key of the question comment, to find the answers after it. */
  questionKey: string | null;
  resumeRequested: boolean;
  notifiedAt: string | null;
}

interface RunRow {
  id: number;
  agent_id: string;
  board_id: string;
  task_id: string | null;
  workflow: string;
  trigger: string;
  dedupe_key: string | null;
  state: AgentRunState;
  outcome: string | null;
  attempt: number;
  next_attempt_at: number;
  round: number;
  claimed_round: number | null;
  original_status: string | null;
  question: string | null;
  question_key: string | null;
  asked_at: string | null;
  answer: string | null;
  resume_requested: number;
  notified_at: string | null;
  result_task_id: string | null;
  tokens_in: number;
  tokens_out: number;
  cost: number | null;
  duration_ms: number;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
}

function fromRow(r: RunRow): RunRecord {
  return {
    id: r.id,
    agentId: r.agent_id,
    boardId: r.board_id,
    taskId: r.task_id,
    workflow: r.workflow,
    trigger: r.trigger,
    state: r.state,
    outcome: r.outcome,
    attempt: r.attempt,
    round: r.round,
    question: r.question,
    askedAt: r.asked_at,
    answer: r.answer,
    resultTaskId: r.result_task_id,
    tokensIn: r.tokens_in,
    tokensOut: r.tokens_out,
    cost: r.cost,
    durationMs: r.duration_ms,
    error: r.error,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    updatedAt: r.updated_at,
    nextAttemptAt: r.next_attempt_at > 0 ? new Date(r.next_attempt_at).toISOString() : null,
    dedupeKey: r.dedupe_key,
    nextAttemptAtMs: r.next_attempt_at,
    claimedRound: r.claimed_round,
    originalStatus: r.original_status,
    questionKey: r.question_key,
    resumeRequested: r.resume_requested === 1,
    notifiedAt: r.notified_at,
  };
}

/** The public view of a run (no bookkeeping). */
export function publicRun(run: RunRecord, steps?: AgentRunStep[]): AgentRun {
  const {
    dedupeKey: _d,
    nextAttemptAtMs: _n,
    claimedRound: _c,
    originalStatus: _o,
    questionKey: _q,
    resumeRequested: _r,
    notifiedAt: _nn,
    ...view
  } = run;
  return steps ? { ...view, steps } : view;
}

/** Columns a caller may change, by RunRecord name. */
const COLUMNS = {
  state: 'state',
  outcome: 'outcome',
  attempt: 'attempt',
  nextAttemptAtMs: 'next_attempt_at',
  round: 'round',
  claimedRound: 'claimed_round',
  originalStatus: 'original_status',
  question: 'question',
  questionKey: 'question_key',
  askedAt: 'asked_at',
  answer: 'answer',
  resumeRequested: 'resume_requested',
  notifiedAt: 'notified_at',
  resultTaskId: 'result_task_id',
  error: 'error',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
} as const;

export type RunPatch = Partial<{ [K in keyof typeof COLUMNS]: RunRecord[K] }>;

export interface RunFilter {
  agentId?: string;
  taskId?: string;
  state?: AgentRunState;
  before?: number;
  limit?: number;
}

interface StepRow {
  run_id: number;
  round: number;
  provider: string;
  input_json: string;
  output_json: string | null;
  raw_text: string | null;
  plan_json: string | null;
  /** Absent on databases before migration 008. */
  basis_json?: string | null;
  changes_json?: string | null;
  tokens_in: number;
  tokens_out: number;
  cost: number | null;
  duration_ms: number;
  started_at: string;
  finished_at: string | null;
}

function stepFromRow(r: StepRow): AgentRunStep {
  return {
    round: r.round,
    provider: r.provider,
    input: JSON.parse(r.input_json),
    output: r.output_json === null ? null : JSON.parse(r.output_json),
    rawText: r.raw_text,
    tokensIn: r.tokens_in,
    tokensOut: r.tokens_out,
    cost: r.cost,
    durationMs: r.duration_ms,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    ...(r.changes_json ? { changedDuringRun: JSON.parse(r.changes_json) as TaskChange[] } : {}),
  };
}

const ACTIVE_SQL = "('queued', 'claimed', 'running', 'waiting-for-human', 'paused')";

/** Runs and their provider steps in SQLite. Callers wrap changes in the journal's transaction. */
export class RunRepo {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  private sql(text: string): Statement {
    let s = this.statements.get(text);
    if (!s) {
      s = this.db.prepare(text);
      this.statements.set(text, s);
    }
    return s;
  }

  /**
   * Queues a run unless one is already active for this agent and task (or,
   * with a dedupe key, unless that key was ever used). Returns the new id.
   */
  insert(run: {
    agentId: string;
    boardId: string;
    taskId: string | null;
    workflow: string;
    trigger: string;
    dedupeKey?: string;
  }): number | undefined {
    const now = new Date().toISOString();
    const info = this.sql(
      `INSERT INTO agent_runs (agent_id, board_id, task_id, workflow, trigger, dedupe_key, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?) ON CONFLICT DO NOTHING`,
    ).run(run.agentId, run.boardId, run.taskId, run.workflow, run.trigger, run.dedupeKey ?? null, now, now);
    return info.changes > 0 ? Number(info.lastInsertRowid) : undefined;
  }

  get(id: number): RunRecord | undefined {
    const row = this.sql('SELECT * FROM agent_runs WHERE id = ?').get(id) as RunRow | undefined;
    return row && fromRow(row);
  }

  update(id: number, patch: RunPatch): RunRecord {
    const sets: string[] = ['updated_at = ?'];
    const args: unknown[] = [new Date().toISOString()];
    for (const [key, value] of Object.entries(patch)) {
      const column = COLUMNS[key as keyof typeof COLUMNS];
      if (!column || value === undefined) continue;
      sets.push(`${column} = ?`);
      args.push(typeof value === 'boolean' ? (value ? 1 : 0) : value);
    }
    this.db.prepare(`UPDATE agent_runs SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
    return this.get(id)!;
  }

  /** Adds one provider call's usage and duration to the run's totals. */
  addUsage(id: number, usage: ProviderUsage, durationMs: number): void {
    this.sql(
      `UPDATE agent_runs SET tokens_in = tokens_in + ?, tokens_out = tokens_out + ?, duration_ms = duration_ms + ?,
         cost = CASE WHEN ? IS NULL THEN cost ELSE coalesce(cost, 0) + ? END, updated_at = ? WHERE id = ?`,
    ).run(usage.inputTokens, usage.outputTokens, durationMs, usage.cost, usage.cost, new Date().toISOString(), id);
  }

  list(filter: RunFilter = {}): RunRecord[] {
    const where: string[] = ['1 = 1'];
    const args: unknown[] = [];
    if (filter.agentId) {
      where.push('agent_id = ?');
      args.push(filter.agentId);
    }
    if (filter.taskId) {
      where.push('(task_id = ? OR result_task_id = ?)');
      args.push(filter.taskId, filter.taskId);
    }
    if (filter.state) {
      where.push('state = ?');
      args.push(filter.state);
    }
    if (filter.before) {
      where.push('id < ?');
      args.push(filter.before);
    }
    const sql = `SELECT * FROM agent_runs WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, filter.limit ?? 50) as RunRow[]).map(fromRow);
  }

  /** The agent's runs in a state, oldest first: the queue order. */
  inState(agentId: string, state: AgentRunState): RunRecord[] {
    return (
      this.sql('SELECT * FROM agent_runs WHERE agent_id = ? AND state = ? ORDER BY id').all(agentId, state) as RunRow[]
    ).map(fromRow);
  }

  /** Every run in a state, oldest first. */
  allInState(state: AgentRunState): RunRecord[] {
    return (this.sql('SELECT * FROM agent_runs WHERE state = ? ORDER BY id').all(state) as RunRow[]).map(fromRow);
  }

  activeForTask(boardId: string, taskId: string): RunRecord[] {
    return (
      this.sql(
        `SELECT * FROM agent_runs WHERE board_id = ? AND task_id = ? AND state IN ${ACTIVE_SQL} ORDER BY id`,
      ).all(boardId, taskId) as RunRow[]
    ).map(fromRow);
  }

  hasAnyRun(agentId: string, boardId: string, taskId: string): boolean {
    return (
      this.sql('SELECT 1 FROM agent_runs WHERE agent_id = ? AND board_id = ? AND task_id = ? LIMIT 1').get(
        agentId,
        boardId,
        taskId,
      ) !== undefined
    );
  }

  byDedupeKey(key: string): RunRecord | undefined {
    const row = this.sql('SELECT * FROM agent_runs WHERE dedupe_key = ?').get(key) as RunRow | undefined;
    return row && fromRow(row);
  }

  countByState(agentId: string): Partial<Record<AgentRunState, number>> {
    const rows = this.sql('SELECT state, COUNT(*) AS n FROM agent_runs WHERE agent_id = ? GROUP BY state').all(
      agentId,
    ) as { state: AgentRunState; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  countWaitingForHuman(): number {
    return this.sql("SELECT COUNT(*) FROM agent_runs WHERE state = 'waiting-for-human'").pluck().get() as number;
  }

  /**
   * Failed runs nobody has dealt with: no later run of the same agent on the
   * same task (or, for a digest, no later digest) was made since. Newest first.
   */
  unresolvedFailures(limit = 100): RunRecord[] {
    return (
      this.sql(
        `SELECT * FROM agent_runs r WHERE r.state = 'failed' AND r.dismissed_at IS NULL AND NOT EXISTS (
           SELECT 1 FROM agent_runs n WHERE n.agent_id = r.agent_id AND n.board_id = r.board_id
             AND n.task_id IS r.task_id AND n.id > r.id)
         ORDER BY r.id DESC LIMIT ?`,
      ).all(limit) as RunRow[]
    ).map(fromRow);
  }

  /** A person saw a failed run and let it be: it leaves the inbox (a retry still works). False if not failed. */
  dismiss(id: number, by: string): boolean {
    const at = new Date().toISOString();
    const changed = this.sql(
      `UPDATE agent_runs SET dismissed_at = ?, dismissed_by = ?, updated_at = ?
         WHERE id = ? AND state = 'failed' AND dismissed_at IS NULL`,
    ).run(at, by, at, id);
    return changed.changes === 1;
  }

  /** The latest finished run of an agent (to show its last error while it is the latest). */
  lastFinished(agentId: string): RunRecord | undefined {
    const row = this.sql(
      "SELECT * FROM agent_runs WHERE agent_id = ? AND state IN ('done', 'failed') ORDER BY finished_at DESC, id DESC LIMIT 1",
    ).get(agentId) as RunRow | undefined;
    return row && fromRow(row);
  }

  /** Runs finished since a time (for the digest). */
  finishedSince(boardId: string, sinceIso: string): RunRecord[] {
    return (
      this.sql(
        "SELECT * FROM agent_runs WHERE board_id = ? AND state IN ('done', 'failed') AND finished_at >= ? ORDER BY id",
      ).all(boardId, sinceIso) as RunRow[]
    ).map(fromRow);
  }

  // ---- steps ----

  step(
    runId: number,
    round: number,
  ): (AgentRunStep & { output: AgentOutput | null; plan: unknown; basis: Basis | null }) | undefined {
    const row = this.sql('SELECT * FROM agent_steps WHERE run_id = ? AND round = ?').get(runId, round) as
      StepRow | undefined;
    if (!row) return undefined;
    const step = stepFromRow(row) as AgentRunStep & { output: AgentOutput | null };
    return {
      ...step,
      plan: row.plan_json === null ? null : JSON.parse(row.plan_json),
      basis: row.basis_json ? (JSON.parse(row.basis_json) as Basis) : null,
    };
  }

  /** The task as the round read it: the merge base of every write the round plans. Kept from the first read. */
  saveBasis(runId: number, round: number, basis: Basis): void {
    this.sql('UPDATE agent_steps SET basis_json = ? WHERE run_id = ? AND round = ? AND output_json IS NULL').run(
      JSON.stringify(basis),
      runId,
      round,
    );
  }

  /** What a person changed on the task while the round's agent worked (shown in the run detail). */
  saveChanges(runId: number, round: number, changes: TaskChange[]): void {
    this.sql('UPDATE agent_steps SET changes_json = ? WHERE run_id = ? AND round = ?').run(
      JSON.stringify(changes),
      runId,
      round,
    );
  }

  /** Persists the intents planned from a round's output, before the first is submitted. */
  savePlan(runId: number, round: number, plan: unknown): void {
    this.sql('UPDATE agent_steps SET plan_json = ? WHERE run_id = ? AND round = ? AND plan_json IS NULL').run(
      JSON.stringify(plan),
      runId,
      round,
    );
  }

  steps(runId: number): AgentRunStep[] {
    return (this.sql('SELECT * FROM agent_steps WHERE run_id = ? ORDER BY round').all(runId) as StepRow[]).map(
      stepFromRow,
    );
  }

  /** Records what goes to the provider (replacing an unfinished earlier attempt of the same round). */
  startStep(runId: number, round: number, provider: string, input: unknown): void {
    this.sql(
      `INSERT INTO agent_steps (run_id, round, provider, input_json, started_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (run_id, round) DO UPDATE SET provider = excluded.provider, input_json = excluded.input_json,
         started_at = excluded.started_at WHERE output_json IS NULL`,
    ).run(runId, round, provider, JSON.stringify(input), new Date().toISOString());
  }

  /** Persists the provider's output: from here on, a restart replays it instead of calling again. */
  finishStep(
    runId: number,
    round: number,
    result: { output: AgentOutput; rawText: string; usage: ProviderUsage },
    durationMs: number,
  ): void {
    this.sql(
      `UPDATE agent_steps SET output_json = ?, raw_text = ?, tokens_in = ?, tokens_out = ?, cost = ?, duration_ms = ?,
         finished_at = ? WHERE run_id = ? AND round = ?`,
    ).run(
      JSON.stringify(result.output),
      result.rawText.slice(0, 200_000),
      result.usage.inputTokens,
      result.usage.outputTokens,
      result.usage.cost,
      durationMs,
      new Date().toISOString(),
      runId,
      round,
    );
  }
}
