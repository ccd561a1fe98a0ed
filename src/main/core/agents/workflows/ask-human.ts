import type { Comment, Task } from '../../../../shared/task';
import { markerFor } from '../../engine/intents';
import type { OutboxEntry } from '../../store/outbox-repo';
import { runScope, type ResumeOn, type RunContext } from '../run-context';
import type { AgentOutput } from '../types';
import type { PlannedIntent, RunPlan } from './plan';
import { signedNotes } from './pickup';

/** The one comment that carries the question, with how to answer it. */
export function questionBody(agentId: string, question: string, resumeOn: ResumeOn): string {
  const how =
    resumeOn === 'answer'
      ? 'Reply in a comment; the agent continues as soon as it sees your answer.'
      : 'Reply in a comment, then move the card back out of Blocked; the agent continues with your answer.';
  return `Question from agent ${agentId}:\n\n${question}\n\n${how}`;
}

/**
 * Ask a human: move the task to the blocked column and post one comment with
 * the question (plus the notes so far). The run keeps its claim and waits.
 */
export function planQuestion(ctx: RunContext, task: Task, output: AgentOutput, question: string): RunPlan {
  const blocked = ctx.columns.role('blocked');
  const patch = {
    ...(blocked && blocked !== task.status ? { status: blocked } : {}),
    ...(output.notes.trim() ? { agentNotes: signedNotes(ctx, output.notes) } : {}),
  };
  const intents: PlannedIntent[] = [];
  if (Object.keys(patch).length > 0) {
    intents.push({
      step: 'ask-move',
      intent: {
        kind: 'update',
        boardId: ctx.run.boardId,
        taskId: task.id,
        actor: ctx.actor,
        patch,
        reason: `run #${ctx.run.id} needs a person's input`,
        scope: runScope(ctx.run, 'ask-move'),
      },
    });
  }
  intents.push({
    step: 'ask-comment',
    intent: {
      kind: 'comment',
      boardId: ctx.run.boardId,
      taskId: task.id,
      actor: ctx.actor,
      body: questionBody(ctx.agent.id, question, ctx.settings.resumeOn),
      reason: `question from run #${ctx.run.id}`,
      scope: runScope(ctx.run, 'ask-comment'),
    },
  });
  return { intents, end: { kind: 'ask', question } };
}

/**
 * The person's answer: every comment after the question that Deckhand did not
 * write, oldest first. Deckhand's comments carry a marker (or are by the same
 * author as the question, on boards that cannot store one).
 */
export function answerAfter(comments: Comment[], question: OutboxEntry | undefined): string | null {
  if (!question) return null;
  const marker = markerFor(question.idemKey);
  const commentId = (question.result as { commentId?: string } | null)?.commentId;
  const index = comments.findIndex((c) => c.id === commentId || c.marker === marker);
  if (index < 0) return null;
  const bot = comments[index]!.author;
  const answers = comments
    .slice(index + 1)
    .filter((c) => !c.marker && c.author !== bot)
    .map((c) => c.body.trim())
    .filter(Boolean);
  return answers.length > 0 ? answers.join('\n\n') : null;
}
