import type { Task, TaskField, TaskFields } from '../../../shared/task';
import { TASK_FIELDS } from '../../../shared/task';
import type { OutboxEntry } from '../store/outbox-repo';
import type { BoardContext } from './board-context';
import { crashPoint } from './crash-points';
import type { UpdatePayload } from './intents';
import { applyLabelDelta, valuesEqual } from './merge';

export type ReconcileOutcome =
  | { kind: 'unchanged' }
  | { kind: 'echo' }
  | { kind: 'created'; human: boolean }
  | { kind: 'changed'; humanFields: TaskField[] };

/**
 * Values our own pending writes would put in each field: seeing them come back is an echo, not a human edit.
 * Only writes that may have reached the board count (attempted at least once, other than `notSent`):
 * a person making the change an unsent intent asks for made a human change, and it is logged as theirs.
 */
function expectedEchoes(entries: OutboxEntry[], base: TaskFields, notSent?: number): Map<TaskField, unknown[]> {
  const expected = new Map<TaskField, unknown[]>();
  const add = (field: TaskField, value: unknown): void => {
    expected.set(field, [...(expected.get(field) ?? []), value]);
  };
  for (const entry of entries) {
    if (entry.kind !== 'update' || entry.attempts === 0 || entry.id === notSent) continue;
    const payload = entry.payload as UpdatePayload;
    for (const [field, value] of Object.entries(payload.set)) add(field as TaskField, value);
    if (payload.labels) add('labels', applyLabelDelta(base.labels, payload.labels));
  }
  return expected;
}

/**
 * Brings the base up to the board's current state of one task and records
 * what changed and who changed it. Our own writes coming back are logged as
 * echoes and never reported as human changes.
 */
export function reconcileTask(
  ctx: BoardContext,
  remote: Task,
  source: string,
  options: { notSent?: number } = {},
): ReconcileOutcome {
  const base = ctx.base.get(ctx.boardId, remote.id);
  // Dedupe by (id, version): a task we already hold at this version needs nothing.
  if (base && !base.deleted && base.version === remote.version) return { kind: 'unchanged' };

  if (!base || base.deleted) {
    const ours = remote.marker ? ctx.outbox.byMarker(ctx.boardId, remote.marker) : undefined;
    return ctx.journal.transaction((append) => {
      ctx.base.put(ctx.boardId, remote);
      append({
        actor: ours ? 'system' : 'human',
        action: ours ? 'echo' : 'task.discovered',
        boardId: ctx.boardId,
        taskId: remote.id,
        after: { title: remote.title, status: remote.status },
        reason: ours ? `our create (${ours.operationId}) seen via ${source}` : `first seen via ${source}`,
        ...(ours ? { operationId: ours.operationId } : {}),
      });
      if (!ours) ctx.hooks.onHumanChange?.({ boardId: ctx.boardId, task: remote, fields: 'created' });
      return { kind: 'created', human: !ours } as const;
    });
  }

  const changed = TASK_FIELDS.filter((f) => !valuesEqual(base.fields[f], remote[f]));
  const echoes = expectedEchoes(ctx.outbox.pendingForTask(ctx.boardId, remote.id), base.fields, options.notSent);
  crashPoint('mid-reconcile');
  return ctx.journal.transaction((append) => {
    const humanFields: TaskField[] = [];
    for (const field of changed) {
      const isEcho = (echoes.get(field) ?? []).some((v) => valuesEqual(v, remote[field]));
      if (!isEcho) humanFields.push(field);
      append({
        actor: isEcho ? 'system' : 'human',
        action: isEcho ? 'echo' : 'field.changed',
        boardId: ctx.boardId,
        taskId: remote.id,
        field,
        before: base.fields[field],
        after: remote[field],
        reason: isEcho ? `our pending write seen via ${source}` : `changed on the board, seen via ${source}`,
      });
    }
    const changedAt = { ...base.changedAt };
    for (const field of changed) changedAt[field] = remote.updatedAt;
    ctx.base.put(ctx.boardId, remote, changedAt);
    if (humanFields.length > 0) {
      ctx.hooks.onHumanChange?.({ boardId: ctx.boardId, task: remote, fields: humanFields });
      return { kind: 'changed', humanFields } as const;
    }
    return changed.length > 0 ? ({ kind: 'echo' } as const) : ({ kind: 'unchanged' } as const);
  });
}
