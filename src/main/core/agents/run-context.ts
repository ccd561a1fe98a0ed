import type { BoardAdapter } from '../boards/contract/adapter';
import type { AgentConfig } from '../config';
import type { Basis } from '../engine/intents';
import type { Task } from '../../../shared/task';
import type { Append } from '../engine/journal';
import type { SyncEngine } from '../engine/sync-engine';
import type { ClaimRepo } from './claim-repo';
import type { BoardColumns } from './columns';
import type { Effects } from './effects';
import type { RunRecord, RunRepo } from './run-repo';

/** How a person's answer resumes a waiting run. */
export type ResumeOn = 'answer-and-move' | 'answer';

export interface RuntimeSettings {
  /** A claim label by another instance older than this is stale and removed. */
  staleClaimMs: number;
  /** Attempts before a retryable failure fails the run. */
  maxAttempts: number;
  /** First retry delay; it doubles per attempt (with jitter), and Retry-After wins when longer. */
  retryBaseMs: number;
  /** Questions one run may ask before it fails instead (so a confused agent cannot loop). */
  maxRounds: number;
  resumeOn: ResumeOn;
  /** A question unanswered this long raises a notification (once). */
  unansweredAfterMs: number;
  /** How often waiting runs look for an answer (comments do not change a task's version). */
  answerPollMs: number;
  deliveryTimeoutMs: number;
}

export const DEFAULT_RUNTIME_SETTINGS: RuntimeSettings = {
  staleClaimMs: 2 * 60 * 60_000,
  maxAttempts: 3,
  retryBaseMs: 5_000,
  maxRounds: 5,
  resumeOn: 'answer-and-move',
  unansweredAfterMs: 24 * 60 * 60_000,
  answerPollMs: 15_000,
  deliveryTimeoutMs: 10 * 60_000,
};

/** Everything one run's steps need: its agent, its board, and the only ways it may act on them. */
export interface RunContext {
  run: RunRecord;
  agent: AgentConfig;
  adapter: BoardAdapter;
  columns: BoardColumns;
  engine: SyncEngine;
  effects: Effects;
  runs: RunRepo;
  claims: ClaimRepo;
  /** `agent:<id>`: the actor on every intent and log entry of the run. */
  actor: string;
  /** This instance's claim label for the agent. */
  claimLabel: string;
  settings: RuntimeSettings;
  /**
   * The task as this round read it before calling the provider: every write the round
   * plans is based on it, so a person's edit made while the agent worked stays theirs.
   */
  basis?: Basis;
  /** A pause that holds outbox delivery (global or board), if any. */
  held(): string | undefined;
  /** Any pause that applies to this run (agent, global or board), if any: checked at safe points. */
  paused(): string | undefined;
  /** Changes run state and logs it in one transaction (the `agent.state` event follows the commit). */
  transition<T>(fn: (append: Append) => T): T;
}

/** The operation id every log entry of a run carries, so the log can be filtered to one run. */
export const runOperationId = (runId: number): string => `run-${runId}`;

/** Idempotency scope for one of a run's writes: the same step of the same run round never writes twice. */
export const runScope = (run: { id: number; round: number }, step: string): string =>
  `run-${run.id}-r${run.round}-${step}`;

/**
 * The task as the board has it now, never a read shared from the last moments:
 * a person's edit made just before a write must be seen, so a write decision is
 * made on it (the read still joins the board's next batched read).
 */
export const readTaskNow = (ctx: RunContext, taskId: string): Promise<Task | null> =>
  ctx.engine.runner(ctx.run.boardId).readTask(taskId, 0);
