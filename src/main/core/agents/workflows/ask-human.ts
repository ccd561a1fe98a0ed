import type { Comment, Task } from '../../../../shared/task';
import { markerFor } from '../../engine/intents';
import type { OutboxEntry } from '../../store/outbox-repo';
import { runScope, type ResumeOn, type RunContext } from '../run-context';
import type { AgentOutput } from '../types';
import { taskUpdate, type PlannedIntent, type RunPlan } from './plan';
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
    intents.push(taskUpdate(ctx, 'ask-move', patch, `run #${ctx.run.id} needs a person's input`));
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

/** Deckhand's own markers (see markerFor); a board may carry other tools' references in the same place. */
const OWN_MARKER = /^dh-[0-9a-f]{20}$/;

/**
 * The person's answer: every comment after the question that Deckhand did not
 * write, oldest first. Deckhand's own comments are known by the ids it recorded
 * when it posted them, or by its marker; never by author, since a solo developer
 * connects the board with their own account and their comments share its author.
 */
export function answerAfter(
  comments: Comment[],
  question: OutboxEntry | undefined,
  ownCommentIds: ReadonlySet<string>,
): string | null {
  if (!question) return null;
  const marker = markerFor(question.idemKey);
  const commentId = (question.result as { commentId?: string } | null)?.commentId;
  const index = comments.findIndex((c) => c.id === commentId || c.marker === marker);
  if (index < 0) return null;
  const answers = comments
    .slice(index + 1)
    .filter((c) => !ownCommentIds.has(c.id) && !(c.marker && OWN_MARKER.test(c.marker)))
    .map((c) => c.body.trim())
    .filter(Boolean);
  return answers.length > 0 ? answers.join('\n\n') : null;
}
