import { releaseClaim } from './claims';
import { runOperationId, type RunContext } from './run-context';
import { answerAfter } from './workflows/ask-human';

export type WaitingOutcome = 'resumed' | 'still-waiting' | 'overdue' | 'gone';

/**
 * Looks at a run waiting for a person. It resumes (the same run, next round,
 * the answer in its context) when the person answered in a comment and moved
 * the task out of the blocked column, or, with `resumeOn: answer`, as soon as
 * they answered. A question left too long raises one notification.
 */
export async function checkWaitingRun(ctx: RunContext, now = Date.now()): Promise<WaitingOutcome> {
  const { run, adapter, columns, settings } = ctx;
  const at = {
    actor: ctx.actor,
    boardId: run.boardId,
    taskId: run.taskId!,
    operationId: runOperationId(run.id),
  };
  const task = await adapter.getTask(run.taskId!);
  if (!task) {
    ctx.claims.release(run.boardId, run.taskId!, run.id);
    ctx.transition((append) => {
      ctx.run = ctx.runs.update(run.id, {
        state: 'failed',
        error: 'the task was deleted while the agent waited for an answer',
        finishedAt: new Date(now).toISOString(),
      });
      append({ ...at, action: 'agent.run.failed', reason: ctx.run.error ?? '' });
    });
    return 'gone';
  }
  if (columns.is('done', task.status)) {
    // A person finished the task themselves: the question no longer matters.
    await releaseClaim(ctx, { restoreStatus: null, step: 'closed' });
    ctx.transition((append) => {
      ctx.run = ctx.runs.update(run.id, {
        state: 'done',
        outcome: 'skipped: a person moved the task to done while the agent waited',
        finishedAt: new Date(now).toISOString(),
      });
      append({ ...at, action: 'agent.run.skipped', reason: 'moved to done by a person while waiting for an answer' });
    });
    return 'gone';
  }
  const comments = adapter.capabilities.comments ? await adapter.listComments(task.id) : [];
  const question = run.questionKey ? ctx.engine.outbox.byKey(run.questionKey) : undefined;
  const answer = answerAfter(comments, question, ctx.engine.outbox.ownCommentIds(run.boardId, task.id));
  const blocked = columns.role('blocked');
  const movedBack = blocked !== undefined && !columns.is('blocked', task.status);
  // Without a blocked column there is nothing to move back: only an answer resumes.
  const ready = blocked === undefined || settings.resumeOn === 'answer' ? answer !== null || movedBack : movedBack;
  if (ready) {
    ctx.transition((append) => {
      ctx.run = ctx.runs.update(run.id, {
        // An MCP agent's client carries on by itself (it sees the answer in get_task); nothing is queued.
        state: ctx.agent.provider.type === 'mcp' ? 'claimed' : 'queued',
        round: run.round + 1,
        answer,
        attempt: 0,
        nextAttemptAtMs: 0,
        error: null,
        resumeRequested: false,
      });
      append({
        ...at,
        action: 'agent.run.answered',
        after: answer,
        reason: answer ? 'a person answered; the run continues' : 'the task was moved back without a written answer',
      });
    });
    return 'resumed';
  }
  const askedAt = run.askedAt ? Date.parse(run.askedAt) : now;
  if (!run.notifiedAt && now - askedAt >= settings.unansweredAfterMs) {
    ctx.transition((append) => {
      ctx.run = ctx.runs.update(run.id, { notifiedAt: new Date(now).toISOString() });
      append({
        ...at,
        action: 'agent.question.unanswered',
        after: run.question,
        reason: `no answer for ${Math.round((now - askedAt) / 60_000)} min`,
      });
    });
    return 'overdue';
  }
  return 'still-waiting';
}
