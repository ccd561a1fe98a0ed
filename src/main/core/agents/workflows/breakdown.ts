import type { Task } from '../../../../shared/task';
import { runScope, type RunContext } from '../run-context';
import type { AgentOutput, ProposedSubtask } from '../types';
import type { PlannedIntent, RunPlan } from './plan';
import { agentComment, doneColumn, finishingUpdate, signedNotes } from './pickup';

const UNIT_HOURS: Record<string, number> = { m: 1 / 60, min: 1 / 60, h: 1, hr: 1, hrs: 1, d: 8, day: 8, days: 8 };

/** Hours in an estimate such as `2h`, `1.5 d` or `30m`; undefined when it is not a duration. */
export function estimateHours(estimate: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(m|min|h|hr|hrs|d|day|days)\s*$/i.exec(estimate);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_HOURS[match[2]!.toLowerCase()]!;
}

function summary(subtasks: ProposedSubtask[]): string {
  const hours = subtasks.map((s) => estimateHours(s.estimate));
  const total = hours.every((h) => h !== undefined)
    ? `, about ${Math.round(hours.reduce((a, h) => a + h!, 0) * 10) / 10}h in total`
    : '';
  return [`Subtasks (${subtasks.length}${total}):`, ...subtasks.map((s) => `- ${s.title} — ${s.estimate}`)].join('\n');
}

/**
 * Break down: one create per proposed subtask, each with its estimate, linked
 * to the epic by parentId, then the summary on the epic. The creates are
 * planned once from the persisted output and scoped per run and index, so
 * they happen exactly once across retries and crashes (the outbox's marker
 * catches a crash between the board's create and our record of it). The
 * agent's comment, if any, goes on the epic the same way.
 */
export function planBreakdown(ctx: RunContext, task: Task, output: AgentOutput): RunPlan {
  const subtasks = output.subtasks ?? [];
  const column = ctx.columns.role('todo') ?? ctx.columns.role('backlog');
  const intents: PlannedIntent[] = subtasks.map((s, i) => ({
    step: `subtask-${i}`,
    intent: {
      kind: 'create',
      boardId: ctx.run.boardId,
      actor: ctx.actor,
      fields: {
        title: s.title,
        description: `${s.description ?? ''}\n\nEstimate: ${s.estimate}`.trim(),
        parentId: task.id,
        agentNotes: `Estimate: ${s.estimate}. Created by agent ${ctx.agent.id} from ${task.id} (run #${ctx.run.id}).`,
        ...(column ? { status: column } : {}),
      },
      reason: `subtask ${i + 1} of ${subtasks.length} for ${task.id}`,
      scope: runScope(ctx.run, `subtask-${i}`),
    },
  }));
  const { column: next, note } = doneColumn(ctx, output);
  const where = next && next !== task.status ? `moved to ${next}` : `stayed in ${task.status}`;
  const notes = subtasks.length > 0 ? `${output.notes.trim()}\n\n${summary(subtasks)}` : output.notes;
  intents.push(...agentComment(ctx, task, output));
  intents.push(finishingUpdate(ctx, task, signedNotes(ctx, notes), next));
  const outcome =
    subtasks.length > 0
      ? `completed; ${subtasks.length} subtask(s) created; ${where}${note}`
      : `completed without subtasks (the agent proposed none); ${where}${note}`;
  return { intents, end: { kind: 'done', outcome } };
}
