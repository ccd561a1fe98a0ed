import type { OwnershipRules } from '../../../shared/ownership';
import { TASK_FIELDS, type FieldPatch, type Task, type TaskField, type TaskFields } from '../../../shared/task';
import { BoardError } from '../boards/errors';
import type { OutboxEntry } from '../store/outbox-repo';
import { backoffMs } from './backoff';
import type { BoardContext } from './board-context';
import { crashPoint } from './crash-points';
import type { CommentPayload, CreatePayload, UpdatePayload } from './intents';
import { mergePatch, valuesEqual, type AgentIntentPatch } from './merge';
import { FORCED_RULES } from './forced-rules';
import { reconcileTask } from './reconcile';

/** After this many retryable failures an entry is parked (visible, with a retry button) instead of retried forever. */
export const MAX_ATTEMPTS = 8;

export type DeliveryOutcome =
  | { kind: 'done' }
  | { kind: 'retry'; atMs: number; error: string }
  | { kind: 'parked'; error: string }
  /** The whole board must wait (rate limit, bad credentials); the entry keeps its place. */
  | { kind: 'board-blocked'; untilMs: number; error: string; auth: boolean };

class PermanentDeliveryError extends Error {}

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

async function deliverUpdate(ctx: BoardContext, entry: OutboxEntry): Promise<void> {
  const taskId = entry.taskId!;
  const payload = entry.payload as UpdatePayload;
  const remote = await ctx.adapter.getTask(taskId);
  if (!remote) throw new PermanentDeliveryError(`task ${taskId} no longer exists on the board`);
  const base = ctx.base.get(ctx.boardId, taskId);
  // The merge base of each field is what the writer saw when it made the intent (see UpdatePayload.seen).
  const baseFields = { ...(base && !base.deleted ? base.fields : remote), ...payload.seen };

  // Ownership is checked again at send time (inside mergePatch): the schema may have changed since queueing.
  const rules = payload.force ? FORCED_RULES : ctx.rules();
  const agentPatch: AgentIntentPatch = { ...payload.set, ...(payload.labels ? { labels: payload.labels } : {}) };
  // The board dates the task; a field the base already holds at its current value keeps the time it changed.
  const remoteFieldChangedAt: Partial<Record<TaskField, number>> = {};
  if (base && !base.deleted) {
    for (const [field, at] of Object.entries(base.changedAt) as [TaskField, string][]) {
      if (valuesEqual(base.fields[field], remote[field])) remoteFieldChangedAt[field] = ctx.clock.toLocalMs(at);
    }
  }
  const skipped = compareAndSet(rules, payload, baseFields, remote, agentPatch);
  const merge = mergePatch(rules, baseFields, remote, agentPatch, {
    remoteChangedAt: ctx.clock.toLocalMs(remote.updatedAt),
    agentChangedAt: entry.intentAtMs,
    remoteFieldChangedAt,
  });
  // Absorb whatever the human changed since our base (logged as human edits; our own earlier write as an echo).
  // On a first attempt this entry has not been sent yet, so nothing on the board can be its echo.
  reconcileTask(ctx, remote, 'outbox re-read', entry.attempts === 0 ? { notSent: entry.id } : {});

  let written: Task = remote;
  if (Object.keys(merge.toWrite).length > 0) {
    const sentAt = Date.now();
    written = await ctx.adapter.updateTask(taskId, merge.toWrite);
    crashPoint('after-board-write');
    ctx.clock.observeWrite(sentAt, written.updatedAt);
  }

  ctx.journal.transaction((append) => {
    const at = { boardId: ctx.boardId, taskId, operationId: entry.operationId };
    for (const r of merge.refused) {
      append({ ...at, actor: entry.actor, action: 'write.refused', field: r.field, reason: r.reason });
    }
    for (const field of Object.keys(merge.toWrite) as (keyof FieldPatch)[]) {
      append({
        ...at,
        actor: entry.actor,
        action: 'field.written',
        field,
        before: remote[field],
        after: written[field],
        ...(entry.reason ? { reason: entry.reason } : {}),
      });
    }
    for (const result of merge.results) {
      if (result.loser) {
        append({
          ...at,
          actor: 'system',
          action: 'field.lost',
          field: result.field,
          before: result.loser.value,
          after: result.outcome === 'apply-agent' ? result.value : remote[result.field],
          reason: `${result.loser.side}'s value lost under ${rules[result.field].policy}`,
        });
      }
    }
    for (const skip of skipped) {
      append({
        ...at,
        actor: 'system',
        action: 'field.lost',
        field: skip.field,
        before: skip.agentValue,
        after: remote[skip.field],
        reason: skip.reason,
      });
    }
    const conflictIds: { field: TaskField; id: number }[] = [];
    for (const c of merge.conflicts) {
      const opened = ctx.conflicts.open({
        boardId: ctx.boardId,
        taskId,
        field: c.field,
        base: baseFields[c.field],
        human: remote[c.field],
        agent: c.agentValue,
        actor: entry.actor,
        operationId: entry.operationId,
      });
      append({
        ...at,
        actor: 'system',
        action: 'conflict.opened',
        field: c.field,
        before: remote[c.field],
        after: c.agentValue,
        reason: `both sides changed ${c.field}; waiting for a person (conflict #${opened.id})`,
      });
      conflictIds.push({ field: c.field, id: opened.id });
    }
    if (written !== remote) {
      // The board answers with the whole task: a field we did not write that differs from our re-read is a
      // person's edit that landed while our write was in flight. It is theirs; storing it silently as base would hide it.
      const theirs = TASK_FIELDS.filter((f) => !(f in merge.toWrite) && !valuesEqual(remote[f], written[f]));
      for (const field of theirs) {
        append({
          ...at,
          actor: 'human',
          action: 'field.changed',
          field,
          before: remote[field],
          after: written[field],
          reason: 'changed on the board while our write was in flight',
        });
      }
      const changedAt = { ...ctx.base.get(ctx.boardId, taskId)?.changedAt };
      for (const field of [...(Object.keys(merge.toWrite) as TaskField[]), ...theirs]) {
        changedAt[field] = written.updatedAt;
      }
      ctx.base.put(ctx.boardId, written, changedAt);
      if (theirs.length > 0) ctx.hooks.onHumanChange?.({ boardId: ctx.boardId, task: written, fields: theirs });
    }
    // What was not written and why, for the run that waits on this entry (its outcome says so).
    const kept = [
      ...skipped.map((k) => ({ field: k.field, value: remote[k.field], reason: k.reason })),
      ...merge.results
        .filter((r) => r.outcome === 'keep-remote' && r.loser?.side === 'agent')
        .map((r) => ({ field: r.field, value: remote[r.field], reason: r.reason })),
    ];
    ctx.outbox.markDone(entry.id, {
      version: written.version,
      ...(kept.length > 0 ? { kept } : {}),
      ...(conflictIds.length > 0 ? { conflicts: conflictIds } : {}),
    });
  });
}

/** What a delivered update did not write, as recorded on its outbox entry. */
export interface UpdateResult {
  version?: string;
  kept?: { field: TaskField; value: unknown; reason: string }[];
  conflicts?: { field: TaskField; id: number }[];
}

interface SkippedWrite {
  field: TaskField;
  agentValue: unknown;
  reason: string;
}

/**
 * Compare-and-set fields (workflow moves) are written only while the board
 * still holds the value the writer saw. A person's change since then stands:
 * the write is dropped from the patch and returned to be logged. Under `ask`
 * the field stays in the patch, so the merge opens a conflict instead.
 */
function compareAndSet(
  rules: OwnershipRules,
  payload: UpdatePayload,
  seen: TaskFields,
  remote: Task,
  patch: AgentIntentPatch,
): SkippedWrite[] {
  const skipped: SkippedWrite[] = [];
  for (const field of payload.onlyIfUnchanged ?? []) {
    const value = patch[field];
    if (value === undefined || valuesEqual(remote[field], seen[field]) || valuesEqual(remote[field], value)) continue;
    if (rules[field].policy === 'ask' && rules[field].owner !== 'human') continue;
    delete patch[field];
    skipped.push({ field, agentValue: value, reason: changedSinceRead(field, seen[field], remote[field]) });
  }
  return skipped;
}

/** "moved to Done by a person during the run; left there", and the like for other fields. */
export function changedSinceRead(field: TaskField, expected: unknown, now: unknown): string {
  const what =
    field === 'status'
      ? `moved to ${String(now)}`
      : `${field} changed from ${JSON.stringify(expected)} to ${JSON.stringify(now)}`;
  return `${what} by a person during the run; left there`;
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
 * several calls (Kanboard: the task, then its parent link and the agent notes),
 * so an attempt that failed or lost its answer part-way leaves the task there
 * without them. Only missing values are filled in; a value the task has is never
 * overwritten.
 */
function unfinishedCreate(task: Task, fields: CreatePayload['fields']): FieldPatch | undefined {
  const patch: FieldPatch = {};
  if (fields.parentId && !task.parentId) patch.parentId = fields.parentId;
  if (fields.agentNotes && !task.agentNotes) patch.agentNotes = fields.agentNotes;
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
