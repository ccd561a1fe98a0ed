import type { FieldPatch, Task } from '../../../shared/task';
import { BoardError } from '../boards/contract/errors';
import type { OutboxEntry } from '../store/outbox-repo';
import { backoffMs } from './backoff';
import type { BoardContext } from './board-context';
import { crashPoint } from './crash-points';
import { deliverUpdate, PermanentDeliveryError } from './deliver-update';
import type { CommentPayload, CreatePayload } from './intents';

/** After this many retryable failures an entry is parked (visible, with a retry button) instead of retried forever. */
export const MAX_ATTEMPTS = 8;

export type DeliveryOutcome =
  | { kind: 'done' }
  | { kind: 'retry'; atMs: number; error: string }
  | { kind: 'parked'; error: string }
  /** The whole board must wait (rate limit, bad credentials); the entry keeps its place. */
  | { kind: 'board-blocked'; untilMs: number; error: string; auth: boolean };

/**
 * Sends one outbox entry to its board with exactly one effect: the attempt
 * is counted before sending, so after a crash a create or comment is first
 * looked up by its marker, and an update is re-merged against the board's
 * current state (where our earlier write shows up as already applied).
 */
export async function deliver(ctx: BoardContext, entry: OutboxEntry, now = Date.now()): Promise<DeliveryOutcome> {
  const retrying = entry.attempts > 0;
  ctx.outbox.markAttempt(entry.id);
  try {
    if (entry.kind === 'update') await deliverUpdate(ctx, entry);
    else if (entry.kind === 'comment') await deliverComment(ctx, entry, retrying);
    else await deliverCreate(ctx, entry, retrying);
    return { kind: 'done' };
  } catch (err) {
    return failure(ctx, entry, err, now);
  }
}

function failure(ctx: BoardContext, entry: OutboxEntry, err: unknown, now: number): DeliveryOutcome {
  const message = err instanceof Error ? err.message : String(err);
  const attempts = entry.attempts + 1;
  let outcome: DeliveryOutcome;
  if (err instanceof BoardError && err.kind === 'rate_limited') {
    const untilMs = now + (err.retryAfterMs ?? backoffMs(attempts));
    outcome = { kind: 'board-blocked', untilMs, error: message, auth: false };
  } else if (err instanceof BoardError && err.kind === 'auth') {
    outcome = { kind: 'board-blocked', untilMs: now + backoffMs(attempts, 30_000), error: message, auth: true };
  } else if (
    err instanceof PermanentDeliveryError ||
    (err instanceof BoardError && !err.retryable) ||
    attempts >= MAX_ATTEMPTS
  ) {
    outcome = {
      kind: 'parked',
      error: attempts >= MAX_ATTEMPTS ? `gave up after ${attempts} attempts: ${message}` : message,
    };
  } else {
    outcome = { kind: 'retry', atMs: now + backoffMs(attempts), error: message };
  }
  ctx.journal.transaction((append) => {
    if (outcome.kind === 'parked') ctx.outbox.park(entry.id, outcome.error);
    else ctx.outbox.reschedule(entry.id, outcome.kind === 'retry' ? outcome.atMs : outcome.untilMs, message);
    append({
      actor: 'system',
      action: outcome.kind === 'parked' ? 'outbox.parked' : 'outbox.retry',
      boardId: entry.boardId,
      ...(entry.taskId ? { taskId: entry.taskId } : {}),
      reason: message,
      operationId: entry.operationId,
    });
  });
  return outcome;
}

async function deliverComment(ctx: BoardContext, entry: OutboxEntry, retrying: boolean): Promise<void> {
  const taskId = entry.taskId!;
  const payload = entry.payload as CommentPayload;
  let comment = retrying ? await ctx.adapter.findCommentByMarker(taskId, payload.marker) : null;
  const alreadyThere = comment !== null;
  if (!comment) {
    comment = await ctx.adapter.addComment(taskId, payload.body, payload.marker);
    crashPoint('after-board-write');
  }
  const commentId = comment.id;
  ctx.journal.transaction((append) => {
    append({
      actor: entry.actor,
      action: 'comment.added',
      boardId: ctx.boardId,
      taskId,
      after: payload.body,
      reason: alreadyThere ? 'found by marker after a retry; not sent again' : (entry.reason ?? ''),
      operationId: entry.operationId,
    });
    ctx.outbox.markDone(entry.id, { commentId });
  });
}

/**
 * What a create found by its marker still lacks. On some boards a create is
 * several calls (Kanboard: the task, then its parent link and the agent notes;
 * WeKan: the card, then its labels and parent),
 * so an attempt that failed or lost its answer part-way leaves the task there
 * without them. Only missing values are filled in; a value the task has is never
 * overwritten.
 */
function unfinishedCreate(task: Task, fields: CreatePayload['fields']): FieldPatch | undefined {
  const patch: FieldPatch = {};
  if (fields.parentId && !task.parentId) patch.parentId = fields.parentId;
  if (fields.agentNotes && !task.agentNotes) patch.agentNotes = fields.agentNotes;
  // WeKan's card create takes no labels: they are the create's second request.
  if (fields.labels?.length && task.labels.length === 0) patch.labels = fields.labels;
  return Object.keys(patch).length > 0 ? patch : undefined;
}

async function deliverCreate(ctx: BoardContext, entry: OutboxEntry, retrying: boolean): Promise<void> {
  const payload = entry.payload as CreatePayload;
  let task = retrying ? await ctx.adapter.findTaskByMarker(payload.marker) : null;
  const alreadyThere = task !== null;
  if (!task) {
    task = await ctx.adapter.createTask({ fields: payload.fields, marker: payload.marker });
    crashPoint('after-board-write');
  } else {
    const unfinished = unfinishedCreate(task, payload.fields);
    if (unfinished) task = await ctx.adapter.updateTask(task.id, unfinished);
  }
  const created = task;
  ctx.journal.transaction((append) => {
    ctx.base.put(ctx.boardId, created);
    append({
      actor: entry.actor,
      action: 'task.created',
      boardId: ctx.boardId,
      taskId: created.id,
      after: payload.fields,
      reason: alreadyThere ? 'found by marker after a retry; not created again' : (entry.reason ?? ''),
      operationId: entry.operationId,
    });
    ctx.outbox.markDone(entry.id, { taskId: created.id });
  });
}
