import type { FieldPatch } from '../../../../shared/task';
import type { Intent } from '../../engine/intents';
import { runScope, type RunContext } from '../run-context';

/** One write of a plan, named by its step so the executor can find it (the question comment, the digest task). */
export interface PlannedIntent {
  step: string;
  intent: Intent;
}

/** What the run becomes once every intent of the plan is on the board. */
export type PlanEnd =
  { kind: 'done'; outcome: string } | { kind: 'ask'; question: string } | { kind: 'digest'; outcome: string };

/**
 * The writes one round's output turns into, computed once and persisted with
 * the step before the first is submitted. A restart replays exactly these
 * (same payloads, same scopes), so the outbox sees duplicates and sends nothing twice.
 */
export interface RunPlan {
  intents: PlannedIntent[];
  end: PlanEnd;
}

/**
 * A write to the run's own task, based on what the round read. A move is
 * compare-and-set: it applies only while the card is still where the run found
 * it, so a person who moved the card meanwhile keeps it where they put it.
 */
export function taskUpdate(ctx: RunContext, step: string, patch: FieldPatch, reason: string): PlannedIntent {
  if (!ctx.basis) throw new Error(`run #${ctx.run.id} plans a write without having read its task`);
  return {
    step,
    intent: {
      kind: 'update',
      boardId: ctx.run.boardId,
      taskId: ctx.run.taskId!,
      actor: ctx.actor,
      patch,
      basis: ctx.basis,
      ...('status' in patch ? { onlyIfUnchanged: ['status' as const] } : {}),
      reason,
      scope: runScope(ctx.run, step),
    },
  };
}
