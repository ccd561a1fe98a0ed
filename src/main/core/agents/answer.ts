import { createHash } from 'node:crypto';
import type { Comment } from '../../../shared/task';
import { runOperationId, type RunContext } from './run-context';

/**
 * How a person's answer reaches the board. The local board records the person
 * as the author; other boards get it through the adapter, that is with the
 * account Deckhand connects with (a solo developer's own account, usually).
 */
export interface PersonWrites {
  comment(taskId: string, body: string, marker: string): Promise<Comment>;
  move(taskId: string, status: string): Promise<void>;
}

/** The adapter as a person's hands: a comment found by its marker is not posted again. */
export function adapterWrites(ctx: RunContext): PersonWrites {
  const { adapter } = ctx;
  return {
    async comment(taskId, body, marker) {
      return (await adapter.findCommentByMarker(taskId, marker)) ?? adapter.addComment(taskId, body, marker);
    },
    async move(taskId, status) {
      await adapter.updateTask(taskId, { status });
    },
  };
}

/**
 * The answer's marker: the same answer to the same round (a double click, a
 * retried request) is one comment, a different answer is another. It is not
 * Deckhand's own `dh-` marker, so the waiting run reads it as the person's answer.
 */
export function answerMarker(runId: number, round: number, answer: string): string {
  const digest = createHash('sha256').update(answer).digest('hex').slice(0, 12);
  return `answer-${runId}-r${round}-${digest}`;
}

/**
 * Where answering sends the card, as the workflow expects: out of the blocked
 * column back to the working one (or where it was before the claim). Null when
 * nothing needs moving: the agent resumes on the answer alone, the board has no
 * blocked column, or the card already left it.
 */
export function returnColumn(ctx: RunContext, status: string | null): string | null {
  if (ctx.settings.resumeOn === 'answer') return null;
  const blocked = ctx.columns.role('blocked');
  if (!blocked || status === null || !ctx.columns.is('blocked', status)) return null;
  const candidates = [ctx.columns.role('working'), ctx.run.originalStatus ?? undefined, ctx.columns.role('todo')];
  return candidates.find((c) => c !== undefined && !ctx.columns.is('blocked', c)) ?? null;
}

/**
 * Posts a person's answer to a waiting run's question as a comment on the
 * task, then moves the card back if the workflow waits for that. Logged as the
 * person's act; the run itself resumes when the runtime next looks at it.
 */
export async function postAnswer(
  ctx: RunContext,
  answer: string,
  by: string,
  writes: PersonWrites,
): Promise<{ movedTo: string | null }> {
  const { run } = ctx;
  const taskId = run.taskId!;
  const task = await ctx.adapter.getTask(taskId);
  const comment = await writes.comment(taskId, answer, answerMarker(run.id, run.round, answer));
  const movedTo = returnColumn(ctx, task?.status ?? null);
  if (movedTo) await writes.move(taskId, movedTo);
  ctx.engine.journal.append({
    actor: by,
    action: 'agent.question.answered',
    boardId: run.boardId,
    taskId,
    after: answer,
    reason: `answered run #${run.id}'s question from the inbox (comment ${comment.id})${movedTo ? `; moved to ${movedTo}` : ''}`,
    operationId: runOperationId(run.id),
  });
  return { movedTo };
}
