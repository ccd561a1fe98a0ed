import type { Task } from '../../../../shared/task';
import { runScope, type RunContext } from '../run-context';
import type { AgentOutput } from '../types';
import { taskUpdate, type PlannedIntent, type RunPlan } from './plan';

/** The column a finished task goes to: the agent's own `status`, else on_done.move_to, else review. */
export function doneColumn(ctx: RunContext, output: AgentOutput): { column: string | undefined; note: string } {
  const configured = ctx.agent.on_done?.move_to ?? 'review';
  if (output.status) {
    const asked = ctx.columns.resolve(output.status);
    if (asked) return { column: asked, note: '' };
    return {
      ...configuredColumn(ctx, configured),
      note: ` (the agent asked for status "${output.status}", which is not a column here)`,
    };
  }
  return configuredColumn(ctx, configured);
}

/**
 * The on-done column. A board without a review column (Kanboard's defaults)
 * gets the task in its done column, and the outcome says why; a configured
 * column the board lacks is said too, instead of leaving the card where it was.
 */
function configuredColumn(ctx: RunContext, configured: string): { column: string | undefined; note: string } {
  const column = ctx.columns.resolve(configured);
  if (column) return { column, note: '' };
  if (configured === 'review' && !ctx.agent.on_done?.move_to) {
    const done = ctx.columns.role('done');
    if (done) return { column: done, note: ' (the board has no review column)' };
  }
  return { column: undefined, note: ` (the board has no column for "${configured}")` };
}

/** Notes signed with the agent and run, so a person reading the board knows where they came from. */
export function signedNotes(ctx: RunContext, notes: string): string {
  return `${notes.trim()}\n\n— ${ctx.agent.id} (run #${ctx.run.id})`;
}

/** The finishing write: notes, the claim label gone, the task moved on. Only fields of this one task. */
export function finishingUpdate(ctx: RunContext, task: Task, notes: string, column: string | undefined): PlannedIntent {
  return taskUpdate(
    ctx,
    'done',
    {
      agentNotes: notes,
      labels: task.labels.filter((l) => l !== ctx.claimLabel),
      ...(column && column !== task.status ? { status: column } : {}),
    },
    `run #${ctx.run.id} finished`,
  );
}

/**
 * The agent's own comment on the task, if it made one. Pickup and breakdown
 * post it through this one step, scoped to the run, so a retry or a restart
 * after a crash replays it as a duplicate instead of posting it twice.
 */
export function agentComment(ctx: RunContext, task: Task, output: AgentOutput): PlannedIntent[] {
  if (!output.comment) return [];
  return [
    {
      step: 'comment',
      intent: {
        kind: 'comment',
        boardId: ctx.run.boardId,
        taskId: task.id,
        actor: ctx.actor,
        body: output.comment,
        reason: `comment from run #${ctx.run.id}`,
        scope: runScope(ctx.run, 'comment'),
      },
    },
  ];
}

/** Pick up: write the agent's notes to the task and move it to review (plus its comment, if it made one). */
export function planPickup(ctx: RunContext, task: Task, output: AgentOutput): RunPlan {
  const { column, note } = doneColumn(ctx, output);
  const intents: PlannedIntent[] = [
    ...agentComment(ctx, task, output),
    finishingUpdate(ctx, task, signedNotes(ctx, output.notes), column),
  ];
  const where = column && column !== task.status ? `moved to ${column}` : `stayed in ${task.status}`;
  return { intents, end: { kind: 'done', outcome: `completed; ${where}${note}` } };
}
